/**
 * Argo CD: every object carries its sync wave, CRD-dependent objects let Argo
 * CD skip their dry run, and each environment has an Application reading its
 * folder of dist/ (a kustomize source), gathered by an app-of-apps.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, waveOfKind } from '../lib/gitops/waves';
import { Manifest } from '../lib/synth/render';
import { renderAll } from '../lib/synth/synth';
import { ENVIRONMENTS, synthFiles } from './support/stack';
import { tempDir } from './support/values';

const files = synthFiles();
const parse = (text: string): Manifest[] => (yaml.loadAll(text) as (Manifest | null)[]).filter((d): d is Manifest => !!d);
const namespaceOf = (env: string): string => parse(files.get(`${env}/00-namespace.yaml`)!)[0].metadata.name;

test.each([...ENVIRONMENTS])('every object of dist/%s has its sync wave; CRD-dependent ones skip the dry run', (env) => {
  const manifests = [...files].filter(([path]) => path.startsWith(`${env}/`) && path.endsWith('.yaml'));
  expect(manifests.length).toBeGreaterThan(4);
  for (const [path, text] of manifests) {
    for (const o of parse(text)) {
      expect([path, o.kind, o.metadata.annotations?.[SYNC_WAVE_ANNOTATION]]).toEqual([path, o.kind, String(waveOfKind(o.kind))]);
      const needsCrd = /\/(prometheus-operator|cert-manager)\//.test(path);
      expect(o.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe(needsCrd ? 'SkipDryRunOnMissingResource=true' : undefined);
    }
  }
});

test('waves order namespaces, then RBAC and config, then Services, then workloads, then Ingresses and CRD objects', () => {
  const order = ['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'StatefulSet', 'Ingress', 'Job'].map(waveOfKind);
  expect(order).toEqual([...order].sort((a, b) => a - b));
  expect(new Set(order).size).toBe(order.length);
});

test.each([...ENVIRONMENTS])('the %s Application reads dist/<env> (a kustomize source) into its namespace with server-side apply', (env) => {
  const [app] = parse(files.get(`argocd/apps/${env}.yaml`)!) as (Manifest & { spec: Record<string, any> })[];
  expect(app).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `pynomaly-monitoring-${env}`, namespace: 'argocd' } });
  expect(app.spec.source.path).toBe(`dist/${env}`);
  expect(files.has(`${env}/Kustomization`)).toBe(true); // Argo CD detects kustomize by this file
  expect(app.spec.destination.namespace).toBe(namespaceOf(env));
  expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'CreateNamespace=false']));
  expect(app.metadata.annotations?.['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true');
});

test('the app-of-apps reads the folder of Applications, one per environment', () => {
  const [root] = parse(files.get('argocd/root.yaml')!) as (Manifest & { spec: Record<string, any> })[];
  expect(root.spec.source).toMatchObject({ path: 'dist/argocd/apps', directory: { recurse: false } });
  expect([...files.keys()].filter((p) => p.startsWith('argocd/apps/')).sort()).toEqual(ENVIRONMENTS.map((e) => `argocd/apps/${e}.yaml`).sort());
});

test('the Prometheus Operator folder gets its own Application only on request, skipping the dry run of missing CRDs', () => {
  const withOperator = renderAll({ envs: ['prod'], sets: ['argocd.prometheusOperator=true'] });
  const apps = parse(withOperator.get('argocd/apps/prod.yaml')!) as (Manifest & { spec: Record<string, any> })[];
  expect(apps.map((a) => a.spec.source.path)).toEqual(['dist/prod', 'dist/prod/prometheus-operator']);
  expect(apps[1].spec.syncOptions ?? apps[1].spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
});

test('environments whose Argo CD settings differ are refused: one app-of-apps serves them all', () => {
  const valuesDir = tempDir('gitops-values-');
  writeFileSync(join(valuesDir, 'dev.yaml'), 'namespace: m-dev\nargocd:\n  targetRevision: develop\n');
  writeFileSync(join(valuesDir, 'prod.yaml'), 'namespace: m-prod\n');
  expect(() => renderAll({ envs: ['dev', 'prod'], valuesDir })).toThrow(/^argocd: the dev and prod environments differ in their Argo CD settings/);
  expect(() => renderAll({ envs: ['prod'], valuesDir })).not.toThrow();
});

test('argocd.enabled=false renders no Application', () => {
  const off = renderAll({ envs: ['dev'], sets: ['argocd.enabled=false'] });
  expect([...off.keys()].filter((p) => p.startsWith('argocd/'))).toEqual([]);
});
