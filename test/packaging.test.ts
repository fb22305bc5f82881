/**
 * The two ways the output is consumed besides `kubectl apply -f`: the Helm
 * chart of each environment (helm lint --strict; helm template renders exactly
 * the plain objects) and the Kustomization (kubectl kustomize renders the same
 * set of objects).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { Manifest } from '../lib/synth/render';
import { synthInto } from './support/cli';
import { ENVIRONMENTS } from './support/stack';
import { describeWithTool, run } from './support/tools';
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

describeWithTool('helm', 'Helm chart per environment', (helm) => {
  test.each([...ENVIRONMENTS])('helm lint --strict accepts the %s chart', (env) => {
    const r = run(helm, ['lint', '--strict', join(out, 'helm', env)]);
    expect(r.stdout + r.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  test.each([...ENVIRONMENTS])('helm template of %s renders exactly the objects of the plain YAML', (env) => {
    const r = run(helm, ['template', 'pynomaly-monitoring', join(out, 'helm', env)]);
    expect(r.stderr).toBe('');
    expectSameObjects(parseStream(r.stdout), envObjects(env));
  });

  test('with the prometheus-operator API present, the chart adds exactly the operator folder', () => {
    const r = run(helm, ['template', 'pynomaly-monitoring', join(out, 'helm', 'prod'), '--api-versions', 'monitoring.coreos.com/v1']);
    expect(r.status).toBe(0);
    expectSameObjects(parseStream(r.stdout), envObjects('prod', { includeSubfolders: true }));
  });

  test('the values switches of the operator resources still apply at helm install time', () => {
    const args = ['template', 'x', join(out, 'helm', 'prod'), '--api-versions', 'monitoring.coreos.com/v1'];
    const kinds = (extra: string[]): string[] => parseStream(run(helm, [...args, ...extra]).stdout).map((o) => o.kind);
    expect(kinds([])).toContain('PrometheusRule');
    expect(kinds(['--set', 'rules.prometheusRule.enabled=false'])).not.toContain('PrometheusRule');
    expect(kinds(['--set', 'prometheus.serviceMonitors.enabled=false'])).not.toContain('ServiceMonitor');
    expect(kinds(['--set', 'prometheus.serviceMonitors.enabled=false'])).toContain('PrometheusRule');
  });

  test('createNamespace=false drops the Namespace for `helm install --create-namespace`', () => {
    const r = run(helm, ['template', 'x', join(out, 'helm', 'dev'), '--set', 'createNamespace=false']);
    const kinds = parseStream(r.stdout).map((o) => o.kind);
    expect(kinds).not.toContain('Namespace');
    expect(kinds.length).toBe(envObjects('dev').length - 1);
  });

  test('the chart schema rejects a bad value the way our CLI does', () => {
    const r = run(helm, ['template', 'x', join(out, 'helm', 'dev'), '--set', 'prometheus.retnetion=1d']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/retnetion/);
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
