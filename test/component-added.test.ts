/**
 * Adding a component takes its folder and one registry entry, nothing else:
 * a component that exists only in this test (test/support/example) is added
 * to the registry the way lib/registry.ts lists the others, and gets its values
 * key, its file in the plain YAML, the Kustomization and the Helm chart, a
 * NetworkPolicy with its edges, a scrape target and a ServiceMonitor, and
 * passes the conventions. It lives in the host agents' namespace, so this also
 * proves the second namespace end to end.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as yaml from 'js-yaml';
import { verdict, PodEndpoint } from '../lib/network/evaluate';
import { NetworkPolicy } from '../lib/network/policies';
import { Manifest } from '../lib/synth/render';
import { valuesSchema } from '../lib/values/schema';
import { conventionTests } from './support/conventions';
import { EXAMPLE } from './support/example';
import { configMapDataOf } from './support/k8s';
import { envObjects, findObject, synthFiles } from './support/stack';
import { describeWithTool, run } from './support/tools';
import { tempDir } from './support/values';

// The one line a new component adds to lib/registry.ts, done here to the registry module.
jest.mock('../lib/registry', () => {
  const actual = jest.requireActual('../lib/registry');
  const { exampleComponent } = jest.requireActual('./support/example');
  // node-exporter, the one host agent we ship, is left out: the example is then all the host agents namespace holds.
  const shipped = (actual.COMPONENTS as readonly { key: string }[]).filter((c) => c.key !== 'nodeExporter');
  return { ...actual, COMPONENTS: [...shipped, exampleComponent] };
});

const ENV = 'prod';
const MAIN = 'pynomaly-monitoring-prod';
const HOST_AGENTS = `${MAIN}-host-agents`;
const objects = envObjects(ENV, { includeSubfolders: true });
const files = synthFiles({ envs: [ENV] });

test('its values key has an enabled switch, documented in values.yaml and the JSON schema', () => {
  const defaults = valuesSchema.parse({}) as unknown as Record<string, { enabled?: boolean }>;
  expect(defaults.exampleAgent.enabled).toBe(true);
  expect(files.get('values.yaml')).toMatch(/^exampleAgent:\n(.*\n)*?  enabled: true$/m);
  expect(JSON.parse(files.get('values.schema.json')!).properties.exampleAgent.properties.enabled.type).toBe('boolean');
});

test('its file is in the plain YAML, the Kustomization and the Helm chart, after the registry components before it', () => {
  expect(files.has(`${ENV}/${EXAMPLE.name}.yaml`)).toBe(true);
  expect(files.get(`${ENV}/Kustomization`)).toContain(`- ${EXAMPLE.name}.yaml`);
  expect(files.get(`helm/${ENV}/templates/${EXAMPLE.name}.yaml`)).toContain(`name: ${EXAMPLE.name}`);
  const resources = (yaml.load(files.get(`${ENV}/Kustomization`)!.replace(/^#.*\n/, '')) as { resources: string[] }).resources;
  expect(resources.indexOf(`${EXAMPLE.name}.yaml`)).toBe(resources.indexOf('network-policies.yaml') + 1);
});

test('it lives in the host agents namespace, which is created with its own Pod Security level', () => {
  const deployment = findObject(objects, 'Deployment', EXAMPLE.name);
  expect(deployment.metadata.namespace).toBe(HOST_AGENTS);
  const ns = findObject(objects, 'Namespace', HOST_AGENTS) as unknown as { metadata: { labels: Record<string, string> } };
  expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
  expect(findObject(objects, 'Namespace', MAIN)).toBeDefined();
});

test('switched off, it leaves nothing behind and the host agents namespace is not created', () => {
  const off = envObjects(ENV, { sets: ['exampleAgent.enabled=false'], includeSubfolders: true });
  expect(off.filter((o) => JSON.stringify(o).includes(EXAMPLE.name))).toEqual([]);
  expect(off.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([MAIN]);
});

describe('Prometheus scrapes it across namespaces', () => {
  const config = yaml.load((findObject(objects, 'ConfigMap', 'prometheus-config') as unknown as { data: Record<string, string> }).data['prometheus.yml']) as {
    scrape_configs: { job_name: string; kubernetes_sd_configs: { namespaces: { names: string[] } }[] }[];
  };

  test('a scrape config in the host agents namespace', () => {
    const job = config.scrape_configs.find((sc) => sc.job_name === EXAMPLE.name);
    expect(job?.kubernetes_sd_configs[0].namespaces.names).toEqual([HOST_AGENTS]);
  });
  test('a ServiceMonitor for the same target', () => {
    const sm = findObject(objects, 'ServiceMonitor', EXAMPLE.name) as unknown as { spec: { namespaceSelector: { matchNames: string[] }; endpoints: { port: string }[] } };
    expect(sm.spec.namespaceSelector.matchNames).toEqual([HOST_AGENTS]);
    expect(sm.spec.endpoints[0].port).toBe(EXAMPLE.port.name);
  });
  test('a read-only discovery Role there, bound to Prometheus', () => {
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === HOST_AGENTS);
    expect(role).toBeDefined();
    const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === HOST_AGENTS) as unknown as { subjects: { name: string; namespace: string }[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: MAIN }]);
  });
});

test('its target is alerted on when down: ScrapeTargetDown covers every job without a ServiceDown rule', () => {
  const rules = Object.values(configMapDataOf(objects, 'prometheus-rules')).join('\n');
  const excluded = /up\{job!~"([^"]*)"\} == 0/.exec(rules);
  expect(excluded).not.toBeNull();
  expect(new RegExp(`^(?:${excluded![1]})$`).test('prometheus')).toBe(true);
  expect(new RegExp(`^(?:${excluded![1]})$`).test(EXAMPLE.name)).toBe(false);
});

describe('its NetworkPolicy allows exactly its edges', () => {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  const podOf = (name: string): PodEndpoint => {
    const o = findObject(objects, objects.find((x) => x.metadata.name === name && (x.kind === 'Deployment' || x.kind === 'StatefulSet'))!.kind, name) as Manifest & {
      spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { ports?: { name?: string; containerPort: number }[] }[] } } };
    };
    return { kind: 'pod', namespace: o.metadata.namespace!, labels: o.spec.template.metadata.labels, ports: o.spec.template.spec.containers.flatMap((c) => c.ports ?? []) };
  };
  const agent = podOf(EXAMPLE.name);
  const prometheus = podOf('prometheus');
  const alertmanager = podOf('alertmanager');

  test('a policy of its own and a default deny in its namespace', () => {
    expect(policies.filter((p) => p.metadata.namespace === HOST_AGENTS).map((p) => p.metadata.name).sort()).toEqual(['default-deny', EXAMPLE.name]);
  });
  test('Prometheus reaches its metrics port from the main namespace', () => {
    expect(verdict(policies, prometheus, agent, EXAMPLE.port.port)).toMatchObject({ egress: 'allowed', ingress: 'allowed', allowed: true });
  });
  test('it reaches the Alertmanager it learned from the built construct, and nothing else of ours', () => {
    expect(verdict(policies, agent, alertmanager, 9093).allowed).toBe(true);
    expect(verdict(policies, agent, prometheus, 9090).allowed).toBe(false);
    expect(verdict(policies, alertmanager, agent, EXAMPLE.port.port).allowed).toBe(false);
  });
});

describe('kubectl apply -k and helm install see both namespaces', () => {
  const dir = tempDir('component-added-');
  beforeAll(() => {
    for (const [path, content] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  });
  const parse = (text: string) => (yaml.loadAll(text) as (Manifest | null)[]).filter((o): o is Manifest => !!o);
  const inHostAgents = (rendered: readonly Manifest[]) =>
    rendered
      .filter((o) => o.metadata.namespace === HOST_AGENTS || (o.kind === 'Namespace' && o.metadata.name === HOST_AGENTS))
      .map((o) => `${o.kind}/${o.metadata.name}`)
      .sort();
  const expected = [`Deployment/${EXAMPLE.name}`, `Namespace/${HOST_AGENTS}`, 'NetworkPolicy/default-deny', `NetworkPolicy/${EXAMPLE.name}`, 'Role/pynomaly-monitoring-prod-prometheus', 'RoleBinding/pynomaly-monitoring-prod-prometheus', `Service/${EXAMPLE.name}`];

  describeWithTool('kubectl', 'kubectl kustomize', (kubectl) => {
    test('renders the host agents objects in their namespace', () => {
      const r = run(kubectl, ['kustomize', join(dir, ENV)]);
      expect(r.stderr).toBe('');
      expect(inHostAgents(parse(r.stdout))).toEqual(expected);
    });
  });
  describeWithTool('helm', 'helm template', (helm) => {
    test('renders the host agents objects in their namespace, whatever the release namespace', () => {
      const r = run(helm, ['template', 'x', join(dir, 'helm', ENV), '-n', MAIN]);
      expect(r.stderr).toBe('');
      expect(inHostAgents(parse(r.stdout))).toEqual(expected);
    });
  });
});

conventionTests([ENV], () => objects);
