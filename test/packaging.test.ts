/**
 * The two ways the output is consumed besides `kubectl apply -f`: the Helm
 * chart of each environment (helm lint --strict; helm template renders exactly
 * the plain objects) and the Kustomization (kubectl kustomize renders the same
 * set of objects).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { Manifest } from '../lib/synth/render';
import { runSynth, synthInto } from './support/cli';
import { ENVIRONMENTS } from './support/stack';
import { describeWithTool, describeWithTools, run } from './support/tools';
import { tempDir } from './support/values';

const out = tempDir('packaging-test-');

beforeAll(() => synthInto(out));

function parseStream(text: string): Manifest[] {
  return (yaml.loadAll(text) as (Manifest | null)[]).filter((d): d is Manifest => d !== null && d !== undefined);
}

/** The objects of `<out>/<env>/` (and its subfolders if asked), in file order, as `kubectl apply -f` reads them. */
function envObjects(env: string, opts: { includeSubfolders?: boolean } = {}): Manifest[] {
  const dir = join(out, env);
  const files = readdirSync(dir, { recursive: opts.includeSubfolders ?? false, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  return files.flatMap((f) => parseStream(readFileSync(join(dir, f), 'utf8')));
}

const depth = (path: string): number => path.split('/').length;

const idOf = (o: Manifest): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Same objects, field for field; Helm and kustomize each sort them their own way, so order is not compared. */
function expectSameObjects(rendered: readonly Manifest[], plain: readonly Manifest[]): void {
  expect(rendered.map(idOf).sort()).toEqual(plain.map(idOf).sort());
  const byId = new Map(plain.map((o) => [idOf(o), o]));
  for (const o of rendered) expect(o).toEqual(byId.get(idOf(o)));
}

/** The namespace an environment was synthesized for (the chart installs only there). */
const namespaceOf = (env: string): string => envObjects(env).find((o) => o.kind === 'Namespace')!.metadata.name;

/** The plain objects the chart holds: all but the release Namespace (the user creates it before `helm install`). */
const chartObjects = (env: string, opts: { includeSubfolders?: boolean } = {}): Manifest[] =>
  envObjects(env, opts).filter((o) => !(o.kind === 'Namespace' && o.metadata.name === namespaceOf(env)));

describeWithTool('helm', 'Helm chart per environment', (helm) => {
  const template = (env: string, ...extra: string[]) => run(helm, ['template', 'pynomaly-monitoring', join(out, 'helm', env), '-n', namespaceOf(env), ...extra]);

  test.each([...ENVIRONMENTS])('helm lint --strict accepts the %s chart', (env) => {
    const r = run(helm, ['lint', '--strict', join(out, 'helm', env), '-n', namespaceOf(env)]);
    expect(r.stdout + r.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  test.each([...ENVIRONMENTS])('helm template of %s renders exactly the objects of the plain YAML', (env) => {
    const r = template(env);
    expect(r.stderr).toBe('');
    expectSameObjects(parseStream(r.stdout), chartObjects(env));
  });

  test('with the prometheus-operator API present, the chart adds exactly the operator folder', () => {
    const r = template('prod', '--api-versions', 'monitoring.coreos.com/v1');
    expect(r.status).toBe(0);
    expectSameObjects(parseStream(r.stdout), chartObjects('prod', { includeSubfolders: true }));
  });

  test('every key of the chart values.yaml takes effect at helm template time', () => {
    const chartValues = yaml.load(readFileSync(join(out, 'helm', 'prod', 'values.yaml'), 'utf8')) as Record<string, Record<string, Record<string, boolean>>>;
    expect(chartValues).toEqual({ prometheus: { serviceMonitors: { enabled: true } }, rules: { prometheusRule: { enabled: true } } });
    const kinds = (...extra: string[]): string[] => {
      const r = template('prod', '--api-versions', 'monitoring.coreos.com/v1', ...extra);
      expect(r.status).toBe(0);
      return parseStream(r.stdout).map((o) => o.kind);
    };
    expect(kinds()).toEqual(expect.arrayContaining(['PrometheusRule', 'ServiceMonitor']));
    expect(kinds('--set', 'rules.prometheusRule.enabled=false')).not.toContain('PrometheusRule');
    expect(kinds('--set', 'prometheus.serviceMonitors.enabled=false')).not.toContain('ServiceMonitor');
    expect(kinds('--set', 'prometheus.serviceMonitors.enabled=false')).toContain('PrometheusRule');
  });

  test.each([
    ['a synth-time value', ['--set', 'prometheus.retention=7d'], 'prometheus.retention', 'npm run synth -- --env prod --set prometheus.retention=7d'],
    ['a switch of a whole component', ['--set', 'grafana.enabled=false'], 'grafana.enabled', 'npm run synth -- --env prod --set grafana.enabled=false'],
    ['an integer', ['--set', 'prometheus.replicas=5'], 'prometheus.replicas', 'npm run synth -- --env prod --set prometheus.replicas=5'],
    ['a typo', ['--set', 'prometheus.retnetion=1d'], 'prometheus.retnetion', '--set prometheus.retnetion=1d'],
    ['the old createNamespace switch', ['--set', 'createNamespace=false'], 'createNamespace', '--set createNamespace=false'],
  ])('%s fails helm template, naming the key and the synth command that changes it', (_name, args, key, command) => {
    const r = template('prod', ...args);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${key} is fixed when the chart is synthesized`);
    expect(r.stderr).toContain(command);
  });

  test('a values file with a synth-time key fails the same way', () => {
    const file = join(out, 'helm-values.yaml');
    writeFileSync(file, 'rules:\n  prometheusRule:\n    enabled: false\n  thresholds:\n    errorRate: 0.5\n');
    const r = template('prod', '-f', file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('rules.thresholds.errorRate is fixed when the chart is synthesized');
  });

  test('helm install into the synthesized namespace takes a live value and refuses a synth-time one', () => {
    const install = (...extra: string[]) =>
      run(helm, ['install', '--dry-run=client', 'pynomaly-monitoring', join(out, 'helm', 'prod'), '-n', namespaceOf('prod'), ...extra]);
    expect(install('--set', 'rules.prometheusRule.enabled=false').status).toBe(0);
    const refused = install('--set', 'prometheus.retention=7d');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('npm run synth -- --env prod --set prometheus.retention=7d');
  });

  test('a live value of the wrong type is refused by the chart schema', () => {
    const r = template('prod', '--set', 'rules.prometheusRule.enabled=maybe');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/prometheusRule\/enabled.*want boolean/);
  });

  test.each([
    ['helm install -n other', ['install', '--dry-run=client', 'pynomaly-monitoring', '-n', 'other']],
    ['helm install without -n', ['install', '--dry-run=client', 'pynomaly-monitoring']],
    ['helm template -n other', ['template', 'pynomaly-monitoring', '-n', 'other']],
  ])('%s fails with a clear message', (_name, args) => {
    const r = run(helm, [...args, join(out, 'helm', 'prod')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`this chart was synthesized for namespace ${namespaceOf('prod')}: install it with -n ${namespaceOf('prod')}`);
  });

  test('the chart never holds the release Namespace (Helm keeps its release record there, so it exists first)', () => {
    // The host agents' Namespace (node-exporter) is an object of the chart like any other.
    const namespaces = parseStream(template('dev').stdout).filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(namespaces).toEqual([`${namespaceOf('dev')}-host-agents`]);
    expect(readFileSync(join(out, 'helm', 'dev', 'values.yaml'), 'utf8')).toContain(`kubectl apply -f dist/dev/00-namespace.yaml`);
  });
});

describeWithTool('kubectl', 'Kustomization per environment', (kubectl) => {
  test.each([...ENVIRONMENTS])('kubectl kustomize dist/%s renders the same objects', (env) => {
    const r = run(kubectl, ['kustomize', join(out, env)]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectSameObjects(parseStream(r.stdout), envObjects(env));
  });

  test('the prometheus-operator folder is its own Kustomization', () => {
    const r = run(kubectl, ['kustomize', join(out, 'prod', 'prometheus-operator')]);
    expect(r.status).toBe(0);
    const kinds = new Set(parseStream(r.stdout).map((o) => o.kind));
    expect([...kinds].every((k) => k === 'ServiceMonitor' || k === 'PrometheusRule')).toBe(true);
  });
});

describeWithTools(['helm', 'kubectl'], 'a cert-manager Certificate for Elasticsearch (elasticsearch.security.tls.certManager)', ([helm, kubectl]) => {
  const cm = tempDir('packaging-cert-manager-');
  beforeAll(() => {
    const r = runSynth(['--output', cm, '--env', 'prod', '--set', 'elasticsearch.security.tls.certManager.enabled=true', '--set', 'elasticsearch.security.tls.certManager.issuerRef.name=pynomaly-ca']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  const certificates = (objects: readonly Manifest[]) => objects.filter((o) => o.kind === 'Certificate').map((o) => o.metadata.name);

  test('kubectl apply -k (and Argo CD, which reads the Kustomization) applies it with the environment; apply -f of the top folder does not read it', () => {
    const r = run(kubectl, ['kustomize', join(cm, 'prod')]);
    expect(r.stderr).toBe('');
    expect(certificates(parseStream(r.stdout))).toEqual(['elasticsearch-tls']);
    const top = readdirSync(join(cm, 'prod')).filter((f) => f.endsWith('.yaml'));
    expect(certificates(top.flatMap((f) => parseStream(readFileSync(join(cm, 'prod', f), 'utf8'))))).toEqual([]);
  });

  test('the Helm chart renders it only where the cluster serves cert-manager.io/v1', () => {
    const template = (...extra: string[]) => run(helm, ['template', 'pynomaly-monitoring', join(cm, 'helm', 'prod'), '-n', 'pynomaly-monitoring-prod', ...extra]);
    const without = template();
    expect(without.status).toBe(0);
    expect(certificates(parseStream(without.stdout))).toEqual([]);
    const served = template('--api-versions', 'cert-manager.io/v1');
    expect(served.status).toBe(0);
    expect(certificates(parseStream(served.stdout))).toEqual(['elasticsearch-tls']);
  });
});
