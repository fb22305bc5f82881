/**
 * Issue 12: "in dev (one Alertmanager, no cluster) the monitoring-stack
 * dashboard's Alertmanager cluster-members panel shows No data". The real
 * Alertmanager with clustering off (dev's flag) exports no
 * alertmanager_cluster_members at all; the panel's query, as shipped, answers
 * 1 there and the member count where the replicas are clustered (promtool
 * evaluates it over both kinds of series).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { ALERTMANAGER } from '../lib/alertmanager/constants';
import { GRAFANA } from '../lib/grafana/constants';
import { Manifest } from '../lib/synth/render';
import { configMapDataOf, containerOf, podOf } from './support/k8s';
import { alertmanagerArgs, runnableAlertmanager } from './support/live-configs';
import { getText, startServer, stopServers } from './support/live-server';
import { envObjects } from './support/stack';
import { describeWithTool, run } from './support/tools';
import { tempDir } from './support/values';

const tmp = tempDir('alertmanager-members-');

interface Panel {
  title: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** The query of the "Cluster members" panel of the monitoring-stack dashboard, as shipped in `env`. */
function membersQuery(objects: readonly Manifest[]): string {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${GRAFANA.dashboardConfigMapPrefix}monitoring-stack`)!;
  const dashboard = JSON.parse(Object.values(cm.data as Record<string, string>)[0]) as { panels: Panel[] };
  const all = (ps: readonly Panel[]): Panel[] => ps.flatMap((p) => [p, ...all(p.panels ?? [])]);
  const panel = all(dashboard.panels).find((p) => p.title === 'Cluster members');
  if (!panel?.targets?.[0]?.expr) throw new Error('no "Cluster members" panel with a query');
  return panel.targets[0].expr;
}

/** The dashboard's variables at "All" (Grafana substitutes `.*` for a regex matcher). */
const atAll = (expr: string) => expr.replace(/\$(namespace|service|instance)\b/g, '.*');

const dev = envObjects('dev');
const shipped = atAll(membersQuery(dev));

test('dev runs one Alertmanager with clustering off (the case of the issue)', () => {
  const args = containerOf(podOf(dev, 'StatefulSet', ALERTMANAGER.name), ALERTMANAGER.name).args ?? [];
  expect(args).toContain('--cluster.listen-address=');
  expect(args.some((a) => a.startsWith('--cluster.peer='))).toBe(false);
});

test('every environment ships the same panel query', () => {
  for (const env of ['staging', 'prod']) expect(atAll(membersQuery(envObjects(env)))).toBe(shipped);
});

describeWithTool('promtool', 'the Cluster members query, evaluated by promtool', (promtool) => {
  const up = (instance: string) => ({ series: `up{job="alertmanager", namespace="mon", service="alertmanager", instance="${instance}"}`, values: '1x10' });
  const members = (instance: string, n: number) => ({
    series: `alertmanager_cluster_members{job="alertmanager", namespace="mon", service="alertmanager", instance="${instance}"}`,
    values: `${n}x10`,
  });
  const ONE_UNCLUSTERED = [up('alertmanager-0:9093')];
  const THREE_CLUSTERED = ['alertmanager-0:9093', 'alertmanager-1:9093', 'alertmanager-2:9093'].flatMap((i) => [up(i), members(i, 3)]);

  /** promtool test rules with one promql_expr_test per case; its exit status and output. */
  function evaluate(cases: { input: object[]; expr: string; expected: { labels: string; value: number }[] }[]) {
    const dir = mkdtempSync(join(tmp, 'promtool-'));
    const file = join(dir, 'members-test.yaml');
    writeFileSync(
      file,
      yaml.dump({
        rule_files: [],
        evaluation_interval: '1m',
        tests: cases.map((c) => ({ interval: '1m', input_series: c.input, promql_expr_test: [{ expr: c.expr, eval_time: '5m', exp_samples: c.expected.map((e) => ({ labels: e.labels, value: e.value })) }] })),
      }),
    );
    const r = run(promtool, ['test', 'rules', file]);
    return { status: r.status, output: r.stdout + r.stderr };
  }

  test('one Alertmanager without clustering: 1 (not No data); three clustered: 3', () => {
    const r = evaluate([
      { input: ONE_UNCLUSTERED, expr: shipped, expected: [{ labels: '{}', value: 1 }] },
      { input: THREE_CLUSTERED, expr: shipped, expected: [{ labels: '{}', value: 3 }] },
    ]);
    expect([r.status, r.output]).toEqual([0, expect.stringContaining('SUCCESS')]);
  });

  test('control: the member metric alone gives No data without clustering (the bug), and promtool says so', () => {
    const memberOnly = shipped.slice(0, shipped.indexOf(' or '));
    expect(memberOnly).toMatch(/^max\(alertmanager_cluster_members\{/);
    expect(evaluate([{ input: ONE_UNCLUSTERED, expr: memberOnly, expected: [] }]).status).toBe(0);
    expect(evaluate([{ input: ONE_UNCLUSTERED, expr: memberOnly, expected: [{ labels: '{}', value: 1 }] }]).status).not.toBe(0);
  });
});

describeWithTool('prometheus-alertmanager', 'the real Alertmanager with clustering off exports no member count', (bin) => {
  afterAll(stopServers);

  test("dev's config and flag: alertmanager_cluster_members is absent from /metrics (hence the fallback)", async () => {
    const am = runnableAlertmanager(mkdtempSync(join(tmp, 'am-')), configMapDataOf(dev, ALERTMANAGER.configMap));
    const server = await startServer({ name: 'alertmanager dev', bin, args: (port) => alertmanagerArgs(am, port) });
    const metrics = await getText(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^alertmanager_config_last_reload_successful 1$/m);
    expect(metrics.text).not.toMatch(/^alertmanager_cluster_members/m);
  }, 30_000);
});
