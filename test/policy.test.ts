/**
 * The production policy over every pod of every environment: restricted Pod
 * Security outside the host agents' namespace, requests and a memory limit,
 * pinned images, probes, an ingress and an egress NetworkPolicy, a
 * PodDisruptionBudget for every multi-replica workload, no literal credential.
 * It prints the table of counts and allows none.
 */
import { Manifest } from '../lib/synth/render';
import { policyFindings, POLICY_CHECKS } from './support/policy';
import { ENVIRONMENTS, envObjects } from './support/stack';

const findings = Object.fromEntries(ENVIRONMENTS.map((env) => [env, policyFindings(envObjects(env, { includeSubfolders: true }))]));

afterAll(() => {
  const width = Math.max(...POLICY_CHECKS.map((c) => c.length));
  const rows = POLICY_CHECKS.map((c) => `${c.padEnd(width)}  ${ENVIRONMENTS.map((env) => String(findings[env][c].length).padStart(7)).join('  ')}`);
  process.stdout.write(`\npolicy findings per environment\n${' '.repeat(width)}  ${ENVIRONMENTS.map((e) => e.padStart(7)).join('  ')}\n${rows.join('\n')}\n`);
});

describe.each([...ENVIRONMENTS])('%s', (env) => {
  test.each([...POLICY_CHECKS])('%s: none', (check) => {
    expect(findings[env][check]).toEqual([]);
  });
});

describe('the policy finds what it looks for', () => {
  const base = envObjects('prod', { includeSubfolders: true });
  const count = (objects: readonly Manifest[], check: (typeof POLICY_CHECKS)[number]): number => policyFindings(objects)[check].length;
  const grafanaMutated = (mutate: (pod: any) => void): Manifest[] =>
    base.map((o) => {
      if (o.kind !== 'Deployment' || o.metadata.name !== 'grafana') return o;
      const copy = JSON.parse(JSON.stringify(o));
      mutate(copy.spec.template);
      return copy;
    });

  test('a privileged container, a latest image, no limits, no probes', () => {
    const bad = grafanaMutated((pod) => {
      const c = pod.spec.containers[0];
      c.securityContext = { privileged: true };
      c.image = 'grafana/grafana:latest';
      delete c.resources.limits;
      delete c.readinessProbe;
    });
    expect(count(bad, 'restricted Pod Security violations')).toBeGreaterThan(0);
    expect(count(bad, 'unpinned images')).toBe(1);
    expect(count(bad, 'containers without requests and a memory limit')).toBe(1);
    expect(count(bad, 'containers without readiness and liveness probes')).toBe(1);
  });

  test('a pod no NetworkPolicy selects, a multi-replica workload without a budget, a literal password', () => {
    const noPolicies = base.filter((o) => o.kind !== 'NetworkPolicy');
    expect(count(noPolicies, 'pods without an ingress NetworkPolicy')).toBeGreaterThan(0);
    expect(count(noPolicies, 'pods without an egress NetworkPolicy')).toBeGreaterThan(0);
    expect(count(base.filter((o) => o.kind !== 'PodDisruptionBudget'), 'multi-replica workloads without a PodDisruptionBudget')).toBeGreaterThan(0);
    const leaked = [...base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' }, data: { 'config.yml': 'password: hunter2' } } as Manifest];
    expect(count(leaked, 'literal credentials')).toBe(1);
  });
});
