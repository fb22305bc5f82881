/**
 * Every chart's objects of one app, as `Chart.toJson()` renders them.
 *
 * cdk8s renders a chart by first validating every construct of the whole app
 * and resolving the dependencies between all of them (`App._synthChart`), once
 * per chart: an environment has ~20 charts, so each synth walked every
 * construct some 40 times. Here the first chart is rendered by cdk8s (which
 * runs both passes for the app) and the others as cdk8s renders a chart after
 * them (its objects in dependency order, each in its closest chart). The tree
 * does not change between charts, so the passes would find nothing new;
 * test/charts-json.test.ts compares every environment with cdk8s's own way.
 */
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';

export function chartsToJson(charts: readonly Chart[]): unknown[][] {
  if (charts.length === 0) return [];
  const app = App.of(charts[0]);
  // Charts of another app (not ours to assume anything about) go through cdk8s.
  if (charts.some((c) => App.of(c) !== app)) return charts.map((c) => c.toJson());
  const [first, ...rest] = charts;
  return [first.toJson(), ...rest.map(objectsOf)];
}

/** cdk8s's chartToKube, then each object's JSON. */
function objectsOf(chart: Chart): unknown[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
    .map((o) => o.toJson());
}
