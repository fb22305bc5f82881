/**
 * Every component of the registry can be switched off with
 * `<key>.enabled=false`: the rest still synthesizes, stays strictly valid, its
 * files are gone from every output, and nothing left behind points at its
 * Services. The list comes from the registry, so a new component is covered
 * by adding it there.
 */
import { isMonitoringComponent } from '../lib/core/component';
import { COMPONENTS } from '../lib/registry';
import { valuesSchema } from '../lib/values/schema';
import { KubernetesValidator } from './support/k8s-schema';
import { builtStack, envObjects, synthFiles } from './support/stack';
import { valuesOf } from './support/values';

const ENV = 'prod';
const defaults = valuesSchema.parse({}) as unknown as Record<string, unknown> & { grafana: { datasources: Record<string, unknown> } };
const keys = COMPONENTS.map((c) => c.key as string);
const validator = new KubernetesValidator();
/** Objects the operator folder renders for an operator's Prometheus even when ours is off. */
const OPERATOR_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

test('every component of the registry has an enabled switch, and no other values key has one', () => {
  const switchable = Object.entries(defaults)
    .filter(([, v]) => typeof v === 'object' && v !== null && typeof (v as { enabled?: unknown }).enabled === 'boolean')
    .map(([k]) => k);
  // Stack-wide outputs that are not components also have a switch: Argo CD's Applications.
  const STACK_SWITCHES = ['argocd'];
  expect(switchable.filter((k) => !STACK_SWITCHES.includes(k)).sort()).toEqual([...keys].sort());
});

/** What a user sets to switch a component off: with Grafana's datasource for it, if Grafana has one. */
function switchOff(key: string): string[] {
  return [`${key}.enabled=false`, ...(key in defaults.grafana.datasources ? [`grafana.datasources.${key}.enabled=false`] : []), ...(DEPENDENTS[key] ?? [])];
}

/** Components that cannot run without another of ours (Logstash writes to our Elasticsearch). */
const DEPENDENTS: Readonly<Record<string, readonly string[]>> = {
  elasticsearch: [
    'logstash.enabled=false',
    'kibana.enabled=false',
    'logsBootstrap.enabled=false',
    // These point at an Elasticsearch by its Service name (ours, or one of yours by that name): off, or in memory.
    'elasticsearchExporter.enabled=false',
    'jaeger.storage=memory',
    'jaegerIndexCleaner.enabled=false',
  ],
  // The UIs without a login of their own are published only behind it: unpublished with it.
  oauth2Proxy: ['ingress.hosts.prometheus=null', 'ingress.hosts.alertmanager=null', 'ingress.hosts.jaeger=null'],
};

test('a component whose dependency is switched off is refused, naming the switch', () => {
  expect(() => envObjects(ENV, { sets: ['elasticsearch.enabled=false', 'grafana.datasources.elasticsearch.enabled=false'] })).toThrow(
    // Kibana is built early: the blackbox exporter probes it, and the rules need to know.
    'kibana.enabled: Kibana reads our Elasticsearch, which elasticsearch.enabled=false switches off',
  );
  expect(() => envObjects(ENV, { sets: ['oauth2Proxy.enabled=false'] })).toThrow(
    'ingress.hosts.prometheus: prometheus has no login of its own and is published only behind oauth2-proxy, which oauth2Proxy.enabled=false switches off',
  );
});

describe.each(keys)('%s.enabled=false', (key) => {
  const sets = switchOff(key);
  const objects = envObjects(ENV, { sets, includeSubfolders: true }).filter((o) => !OPERATOR_KINDS.has(o.kind));
  const on = synthFiles({ envs: [ENV] });
  const off = synthFiles({ envs: [ENV], sets });
  const gone = [...on.keys()].filter((p) => p.startsWith(`${ENV}/`) && p.endsWith('.yaml') && !off.has(p));

  test('synthesizes valid objects without that component', () => {
    expect(objects.length).toBeGreaterThan(1);
    const invalid = objects.filter((o) => validator.validate(o).length > 0).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(invalid).toEqual([]);
  });

  test('its files are gone from the plain YAML, the Kustomizations and the Helm chart', () => {
    expect(gone.length).toBeGreaterThan(0);
    for (const path of gone) {
      const rel = path.slice(ENV.length + 1);
      const slash = rel.lastIndexOf('/');
      const kustomization = off.get(`${ENV}/${slash < 0 ? '' : rel.slice(0, slash + 1)}Kustomization`) ?? '';
      expect([rel, kustomization.includes(`- ${rel.slice(slash + 1)}`), off.has(`helm/${ENV}/templates/${rel}`)]).toEqual([rel, false, false]);
    }
  });

  test('no object carries its name, and nothing left points at its Services', () => {
    const built = builtStack(valuesOf(ENV)).constructs.get(key);
    const text = JSON.stringify(objects);
    if (!isMonitoringComponent(built)) return expect(built === undefined || !('services' in built)).toBe(true);
    expect(objects.map((o) => (o.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/name'])).not.toContain(built.appName);
    // A component without Services (the logs bootstrap Job): its workload is gone.
    if (built.services.length === 0) expect(objects.filter((o) => o.metadata.name.startsWith(`${built.appName}-`)).map((o) => o.kind)).toEqual([]);
    // A component others reach has Services; a CronJob (the Jaeger index cleaner) has none to point at.
    if (built.webPort || built.scrapeTargets.length) expect(built.services.length).toBeGreaterThan(0);
    for (const s of built.services) {
      expect([s.service, text.includes(`${s.service}.${s.namespace}.svc`)]).toEqual([s.service, false]);
      expect([s.service, text.includes(`//${s.service}.`)]).toEqual([s.service, false]);
    }
  });
});

describe.each(keys.filter((k) => k in defaults.grafana.datasources))('%s.enabled=false alone', (component) => {
  test("is refused while Grafana's datasource still points at it, naming the switch", () => {
    expect(() => envObjects(ENV, { sets: [`${component}.enabled=false`] })).toThrow(
      `--set ${component}.enabled=false: ${component}.enabled: Grafana's ${component} datasource points at our ${component}`,
    );
  });
  test('is accepted with the datasource pointed at an existing server', () => {
    const url = `http://${component}.elsewhere.example:9000`;
    const objects = envObjects(ENV, { sets: [`${component}.enabled=false`, `grafana.datasources.${component}.url=${url}`, ...(DEPENDENTS[component] ?? [])] });
    expect(JSON.stringify(objects)).toContain(url);
  });
});

test('rules.enabled=false empties the rules ConfigMap and drops the PrometheusRule', () => {
  const objects = envObjects(ENV, { sets: ['rules.enabled=false'], includeSubfolders: true });
  expect(objects.map((o) => o.kind)).not.toContain('PrometheusRule');
  const rules = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules') as { data?: Record<string, string> } | undefined;
  expect(rules).toBeDefined();
  expect(Object.keys(rules?.data ?? {})).toEqual([]);
});
