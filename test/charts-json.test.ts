/**
 * lib/core/charts-json.ts renders an app's charts with cdk8s's app-wide passes
 * run once: the same objects, in the same order, as Chart.toJson() per chart.
 */
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { chartsToJson } from '../lib/core/charts-json';
import { buildStack } from '../lib/stack';
import { loadValues } from '../lib/values/load';
import { ENVIRONMENTS } from '../lib/values/schema';
import { ROOT } from './support/stack';

const charts = (env: string): Chart[] =>
  buildStack(loadValues({ env, valuesDir: join(ROOT, 'values'), baseLayer: { environment: env } }), '0.0.0').map((out) => out.chart);

test.each(ENVIRONMENTS)('%s: every chart renders as cdk8s renders it chart by chart', (env) => {
  const ours = JSON.stringify(chartsToJson(charts(env)));
  const cdk8s = JSON.stringify(charts(env).map((c) => c.toJson()));
  expect(ours).toBe(cdk8s);
  expect(charts(env).length).toBeGreaterThan(10);
});

test('dependencies between charts and objects order the output as with cdk8s', () => {
  const build = (): Chart[] => {
    const app = new App();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const late = new ApiObject(b, 'late', { apiVersion: 'v1', kind: 'ConfigMap' });
    const early = new ApiObject(b, 'early', { apiVersion: 'v1', kind: 'ConfigMap' });
    late.addDependency(early);
    const nested = new Chart(b, 'nested');
    new ApiObject(nested, 'inner', { apiVersion: 'v1', kind: 'Secret' });
    new ApiObject(a, 'x', { apiVersion: 'v1', kind: 'ConfigMap' }).addDependency(late);
    return [a, b, nested];
  };
  expect(JSON.stringify(chartsToJson(build()))).toBe(JSON.stringify(build().map((c) => c.toJson())));
  const names = (chartsToJson(build())[1] as { metadata: { name: string } }[]).map((o) => o.metadata.name);
  expect(names.indexOf(names.find((n) => n.includes('early'))!)).toBeLessThan(names.indexOf(names.find((n) => n.includes('late'))!));
});

test('a construct that fails validation anywhere in the app still fails the render, with cdk8s message', () => {
  const app = new App();
  const first = new Chart(app, 'first');
  const second = new Chart(app, 'second');
  new ApiObject(first, 'ok', { apiVersion: 'v1', kind: 'ConfigMap' });
  second.node.addValidation({ validate: () => ['broken on purpose'] });
  expect(() => chartsToJson([first, second])).toThrow(/\[second\] broken on purpose/);
});

test('charts of different apps are each rendered by cdk8s', () => {
  const one = new Chart(new App(), 'one');
  const two = new Chart(new App(), 'two');
  new ApiObject(one, 'a', { apiVersion: 'v1', kind: 'ConfigMap' });
  new ApiObject(two, 'b', { apiVersion: 'v1', kind: 'ConfigMap' });
  expect(JSON.stringify(chartsToJson([one, two]))).toBe(JSON.stringify([one.toJson(), two.toJson()]));
});
