/**
 * Every object of every environment passes strict schema validation:
 * Kubernetes 1.36 definitions and the prometheus-operator CRDs; unknown
 * fields anywhere are errors.
 */
import { KubernetesValidator } from './support/k8s-schema';
import { ENVIRONMENTS, envObjects } from './support/stack';

const validator = new KubernetesValidator();

describe('strict Kubernetes schema validation', () => {
  test.each([...ENVIRONMENTS])('every object of %s (with the prometheus-operator folder) is valid', (env) => {
    const objects = envObjects(env, { includeSubfolders: true });
    expect(objects.length).toBeGreaterThan(3);
    const failures = objects
      .map((o) => ({ id: `${o.kind}/${o.metadata.name}`, errors: validator.validate(o) }))
      .filter((f) => f.errors.length > 0);
    expect(failures).toEqual([]);
  });

  test('the validator rejects an unknown field, a wrong type and an unknown kind', () => {
    const base = envObjects('dev').find((o) => o.kind === 'StatefulSet')!;
    const spec = base.spec as Record<string, unknown>;
    expect(validator.validate(base)).toEqual([]);
    expect(validator.validate({ ...base, spec: { ...spec, replicass: 2 } }).join()).toContain('unknown field "replicass"');
    expect(validator.validate({ ...base, spec: { ...spec, replicas: 'two' } }).join()).toContain('/spec/replicas must be integer');
    expect(validator.validate({ apiVersion: 'v1', kind: 'Nonsense' })).toEqual(['unknown kind v1 Nonsense']);
  });

  test('the validator closes CRD schemas too (ServiceMonitor)', () => {
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'x', namespace: 'y' },
      spec: { selector: { matchLabels: { a: 'b' } }, endpoints: [{ port: 'http', intervall: '10s' }] },
    };
    expect(validator.validate(monitor).join()).toContain('unknown field "intervall"');
    expect(validator.validate({ ...monitor, spec: { selector: {}, endpoints: [{ port: 'http', interval: '10s' }] } })).toEqual([]);
  });
});
