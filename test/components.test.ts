/**
 * Every component can be switched off with `<component>.enabled=false`: the
 * rest still synthesizes, stays strictly valid, and nothing left behind points
 * at what is gone.
 */
import { valuesSchema } from '../lib/values/schema';
import { KubernetesValidator } from './support/k8s-schema';
import { envObjects, synthFiles } from './support/stack';
import { switchedOff } from './support/values';

const defaults = valuesSchema.parse({}) as Record<string, unknown>;
const switchable = Object.entries(defaults)
  .filter(([, v]) => typeof v === 'object' && v !== null && typeof (v as { enabled?: unknown }).enabled === 'boolean')
  .map(([k]) => k);
const validator = new KubernetesValidator();

test('the switchable components are the ones we ship', () => {
  expect(switchable.sort()).toEqual(['alertmanager', 'argocd', 'grafana', 'networkPolicies', 'prometheus', 'rules']);
});

/** Components Grafana has a datasource for: switching one off takes switching that off too. */
const WITH_DATASOURCE = ['prometheus', 'alertmanager'] as const;
/** Objects the operator folder renders for an operator's Prometheus even when ours is off. */
const OPERATOR_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

describe.each(switchable)('%s.enabled=false', (component) => {
  const withDatasource = WITH_DATASOURCE.find((c) => c === component);
  const sets = withDatasource ? switchedOff(withDatasource) : [`${component}.enabled=false`];
  const objects = envObjects('prod', { sets, includeSubfolders: true }).filter((o) => !OPERATOR_KINDS.has(o.kind));

  test('synthesizes valid objects without that component', () => {
    expect(objects.length).toBeGreaterThan(1);
    const invalid = objects.filter((o) => validator.validate(o).length > 0).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(invalid).toEqual([]);
    const names = objects.map((o) => (o.metadata as { labels?: Record<string, string> }).labels?.['app.kubernetes.io/name']);
    if (component !== 'rules') expect(names).not.toContain(component);
  });

  test('its file is gone from the plain YAML, the Kustomization and the Helm chart', () => {
    const files = [...synthFiles({ envs: ['prod'], sets }).keys()];
    if (component !== 'rules') {
      expect(files).not.toContain(`prod/${component}.yaml`);
      expect(files).not.toContain(`helm/prod/templates/${component}.yaml`);
      expect(synthFiles({ envs: ['prod'], sets }).get('prod/Kustomization')).not.toContain(`${component}.yaml`);
    }
  });

  test('nothing left points at its Service', () => {
    if (component === 'rules') return;
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(new RegExp(`"${component}(-\\d)?\\.[a-z0-9-]+(\\.svc)?:\\d+`));
    expect(text).not.toMatch(new RegExp(`//${component}\\.`));
  });
});

describe.each(WITH_DATASOURCE)('%s.enabled=false alone', (component) => {
  test("is refused while Grafana's datasource still points at it, naming the switch", () => {
    expect(() => envObjects('prod', { sets: [`${component}.enabled=false`] })).toThrow(
      `--set ${component}.enabled=false: ${component}.enabled: Grafana's ${component} datasource points at our ${component}`,
    );
  });
  test('is accepted with the datasource pointed at an existing server', () => {
    const url = `http://${component}.elsewhere.example:9000`;
    const objects = envObjects('prod', { sets: [`${component}.enabled=false`, `grafana.datasources.${component}.url=${url}`] });
    expect(JSON.stringify(objects)).toContain(url);
  });
});

test('rules.enabled=false empties the rules ConfigMap and drops the PrometheusRule', () => {
  const objects = envObjects('prod', { sets: ['rules.enabled=false'], includeSubfolders: true });
  expect(objects.map((o) => o.kind)).not.toContain('PrometheusRule');
  const rules = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules') as { data?: Record<string, string> } | undefined;
  expect(Object.keys(rules?.data ?? {})).toEqual([]);
});
