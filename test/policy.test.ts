/**
 * The production policy over every pod of every environment: restricted Pod
 * Security outside the host agents' namespace, requests and a memory limit,
 * pinned images, probes, an ingress and an egress NetworkPolicy, a
 * PodDisruptionBudget for every multi-replica workload, no literal credential,
 * no credential in the environment (but the listed exceptions),
 * no UI reachable through an Ingress without authentication, every Ingress
 * host over TLS.
 * It prints the table of counts and allows none.
 */
import { Manifest } from '../lib/synth/render';
import { podTemplateOf, WORKLOAD_KINDS } from './support/k8s';
import { ENVIRONMENT_CREDENTIAL_EXCEPTIONS, policyFindings, POLICY_CHECKS } from './support/policy';
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

  test('a password set from a Secret into the environment; a user name and the listed exceptions are not', () => {
    const withEnv = (env: unknown[]) => grafanaMutated((pod) => (pod.spec.containers[0].env = [...(pod.spec.containers[0].env ?? []), ...env]));
    const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: 's', key } } });
    expect(count(withEnv([fromSecret('DB_PASSWORD', 'password')]), 'credentials in the environment')).toBe(1);
    expect(count(withEnv([fromSecret('API_TOKEN', 'token')]), 'credentials in the environment')).toBe(1);
    expect(count(withEnv([fromSecret('DB_USER', 'user'), fromSecret('LOGIN', 'username')]), 'credentials in the environment')).toBe(0);
    // The exceptions are real: each names a container and variable prod renders.
    const rendered = base.flatMap((o) => (WORKLOAD_KINDS.has(o.kind) ? [...(podTemplateOf(o).spec.initContainers ?? []), ...podTemplateOf(o).spec.containers].flatMap((c) => (c.env ?? []).map((e) => `${c.name}/${e.name}`)) : []));
    for (const exception of Object.keys(ENVIRONMENT_CREDENTIAL_EXCEPTIONS)) expect(rendered).toContain(exception);
  });

  test('a UI routed around oauth2-proxy, an unknown backend, a host without TLS', () => {
    const ingresses = base.filter((o) => o.kind === 'Ingress');
    expect(ingresses.map((o) => o.metadata.name).sort()).toEqual(['alertmanager', 'grafana', 'jaeger', 'kibana', 'prometheus']);
    const mutated = (name: string, mutate: (spec: any) => void): Manifest[] =>
      base.map((o) => {
        if (o.kind !== 'Ingress' || o.metadata.name !== name) return o;
        const copy = JSON.parse(JSON.stringify(o));
        mutate(copy.spec);
        return copy;
      });
    const toService = (name: string, port: number) => (spec: any) => (spec.rules[0].http.paths[0].backend = { service: { name, port: { number: port } } });
    expect(count(mutated('prometheus', toService('prometheus', 9090)), 'UIs reachable through an ingress without authentication')).toBe(1);
    expect(count(mutated('jaeger', toService('jaeger', 16686)), 'UIs reachable through an ingress without authentication')).toBe(1);
    expect(count(mutated('grafana', toService('somewhere-else', 80)), 'UIs reachable through an ingress without authentication')).toBe(1);
    expect(count(mutated('grafana', (spec) => delete spec.tls), 'ingress hosts without TLS')).toBe(1);
    expect(count(mutated('kibana', (spec) => (spec.tls[0].hosts = ['other.example.com'])), 'ingress hosts without TLS')).toBe(1);
    // Kibana without Elasticsearch security has no login: routed to directly, it is a finding.
    const kibanaOpen = base.map((o) => (o.kind === 'ConfigMap' && o.metadata.name === 'kibana-config' ? { ...o, data: { 'kibana.yml': 'server.port: 5601' } } : o));
    expect(count(kibanaOpen, 'UIs reachable through an ingress without authentication')).toBe(1);
  });
});
