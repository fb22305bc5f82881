/**
 * Beyond promtool/amtool's static checks: the synthesized configs LOAD AND
 * WORK in the real servers Debian installs here (prometheus 2.42 without
 * Kubernetes SD, prometheus-alertmanager 0.25), each started on a free
 * loopback port with a runnable copy of the ConfigMaps (test/support/live-configs.ts
 * says exactly what is rewritten: paths, SD blocks, Alertmanager address).
 *
 * Alertmanager (dev, staging, prod, and prod with every receiver on): alerts
 * POSTed to /api/v2/alerts land in the aggregation group of the receiver our
 * routing contract promises, and a critical alert inhibits its warning twin
 * for the same service only.
 *
 * Prometheus (dev, staging, prod): every rule group and rule of the rendered
 * files is loaded, every rule evaluates without error, the external labels are
 * ours, every scrape job builds its scrape pool, and the Watchdog alert
 * reaches the environment's live Alertmanager (end to end) and is routed there.
 *
 * Notifications cannot be delivered (no network, dummy credentials): never asserted.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { RECEIVER } from '../lib/alertmanager/config';
import { ALERTMANAGER } from '../lib/alertmanager/constants';
import { EVERY_RECEIVER_VALUES } from '../lib/alertmanager/example';
import { AlertmanagerValues } from '../lib/alertmanager/values';
import { ALERT_LABELS, CATEGORIES, Category, SEVERITIES, WATCHDOG_ALERT } from '../lib/catalog/alerting';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { Manifest } from '../lib/synth/render';
import { alertmanagerArgs, LOOPBACK_SINK, prometheusArgs, runnableAlertmanager, runnablePrometheus, RunnablePrometheus } from './support/live-configs';
import { getJson, LiveServer, pollUntil, postJson, ServerStartError, startServer, stopServers } from './support/live-server';
import { ENVIRONMENTS, synthFiles } from './support/stack';
import { describeWithTool } from './support/tools';
import { tempDir, valuesOf } from './support/values';

type Labels = Record<string, string>;
type ConfigMapData = Record<string, string>;

const tmp = tempDir('live-servers-');
const everyReceiverFile = join(tmp, 'every-receiver.yaml');
writeFileSync(everyReceiverFile, yaml.dump(EVERY_RECEIVER_VALUES));

/** The objects of one environment's plain manifests, as envObjects() reads them (it takes no values file). */
function objectsOf(files: Map<string, string>, env: string): Manifest[] {
  const out: Manifest[] = [];
  for (const [path, content] of files) {
    if (!path.startsWith(`${env}/`) || !path.endsWith('.yaml') || path.slice(env.length + 1).includes('/')) continue;
    out.push(...(yaml.loadAll(content) as Manifest[]).filter(Boolean));
  }
  return out;
}

function configMapData(objects: readonly Manifest[], name: string): ConfigMapData {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as unknown as { data?: ConfigMapData } | undefined;
  if (!cm) throw new Error(`no ConfigMap/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return cm.data ?? {};
}

interface Case {
  readonly name: string;
  readonly env: string;
  readonly objects: Manifest[];
  readonly alertmanager: AlertmanagerValues;
}

/** Each environment as shipped, and prod with every receiver, team and window on. */
const CASES: Case[] = [
  ...ENVIRONMENTS.map((env) => ({ name: env, env, objects: objectsOf(synthFiles({ envs: [env] }), env), alertmanager: valuesOf(env).alertmanager })),
  {
    name: 'every-receiver',
    env: 'prod',
    objects: objectsOf(synthFiles({ envs: ['prod'], valuesFiles: [everyReceiverFile] }), 'prod'),
    alertmanager: valuesOf('prod', [], EVERY_RECEIVER_VALUES).alertmanager,
  },
];

// ---------------------------------------------------------------------------
// The routing contract (lib/alertmanager/config.ts), restated from values.

/**
 * The receivers an alert must reach, in any order: the Watchdog only the
 * heartbeat (or null); a critical/warning alert of a category whose team is
 * enabled also the team; every other alert its severity's receiver, and one
 * without a known severity the warning receiver (so it is still seen).
 */
function promisedReceivers(v: AlertmanagerValues, labels: Labels): string[] {
  if (labels.alertname === WATCHDOG_ALERT) return [v.receivers.heartbeat.enabled ? RECEIVER.heartbeat : RECEIVER.null];
  const severity = labels[ALERT_LABELS.severity];
  const category = labels[ALERT_LABELS.category] as Category;
  const out: string[] = [];
  if (CATEGORIES.includes(category) && v.receivers.teams[category].enabled && (severity === 'critical' || severity === 'warning')) out.push(RECEIVER.team(category));
  out.push((SEVERITIES as readonly string[]).includes(severity) ? severity : RECEIVER.warning);
  return out.sort();
}

/** Each test alert carries a unique `test_case`, so it is found among whatever else the server holds. */
const alert = (testCase: string, labels: Labels): Labels => ({ test_case: testCase, ...labels });

const ROUTED_ALERTS: Labels[] = [
  alert('critical-application', { alertname: 'LiveCriticalApplication', severity: 'critical', category: 'application', service: 'pynomaly-api' }),
  alert('warning-application', { alertname: 'LiveWarningApplication', severity: 'warning', category: 'application', service: 'pynomaly-api' }),
  alert('warning-infrastructure', { alertname: 'LiveWarningInfrastructure', severity: 'warning', category: 'infrastructure', service: 'node' }),
  alert('critical-monitoring', { alertname: 'LiveCriticalMonitoring', severity: 'critical', category: 'monitoring', service: 'prometheus' }),
  alert('info-monitoring', { alertname: 'LiveInfoMonitoring', severity: 'info', category: 'monitoring', service: 'prometheus' }),
  alert('critical-unknown-category', { alertname: 'LiveCriticalBilling', severity: 'critical', category: 'billing', service: 'billing' }),
  alert('no-severity', { alertname: 'LiveUnlabelled', service: 'pynomaly-api' }),
  // Labelled like the real Watchdog rule (severity info): the Watchdog route must win over the info route.
  alert('watchdog', { alertname: WATCHDOG_ALERT, severity: 'info', category: 'monitoring', service: 'prometheus' }),
];

/** Warning/critical twins: one alertname, two severities; the other-service warning must stay active. */
const TWIN = { alertname: 'LiveTwinErrorRate', category: 'application' };
const TWIN_ALERTS: Labels[] = [
  alert('twin-critical', { ...TWIN, severity: 'critical', service: 'pynomaly-api' }),
  alert('twin-warning-same-service', { ...TWIN, severity: 'warning', service: 'pynomaly-api' }),
  alert('twin-warning-other-service', { ...TWIN, severity: 'warning', service: 'pynomaly-worker' }),
];

interface AmAlert {
  labels: Labels;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}
interface AmGroup {
  labels: Labels;
  receiver: { name: string };
  alerts: AmAlert[];
}

/** test_case → the receivers of the groups holding that alert (sorted). */
function receiversByTestCase(groups: readonly AmGroup[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of groups) for (const a of g.alerts) if (a.labels.test_case) (out[a.labels.test_case] ??= []).push(g.receiver.name);
  for (const list of Object.values(out)) list.sort();
  return out;
}

const byTestCase = (alerts: readonly AmAlert[]) => Object.fromEntries(alerts.filter((a) => a.labels.test_case).map((a) => [a.labels.test_case, a]));

// ---------------------------------------------------------------------------

describeWithTool('prometheus-alertmanager', 'live Alertmanager serves our config', (alertmanagerBin) => {
  const alertmanagers = new Map<string, LiveServer>();

  /** A runnable copy of a case's ConfigMap in its own folder. */
  const runnable = (c: Case, data: ConfigMapData = configMapData(c.objects, ALERTMANAGER.configMap)) =>
    runnableAlertmanager(mkdtempSync(join(tmp, `am-${c.name}-`)), data);

  beforeAll(async () => {
    // Started in parallel; each on its own port, storage and config folder.
    const started = await Promise.allSettled(
      CASES.map(async (c) => {
        const am = runnable(c);
        alertmanagers.set(c.name, await startServer({ name: `alertmanager ${c.name}`, bin: alertmanagerBin, args: (port) => alertmanagerArgs(am, port) }));
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }, 30_000);

  afterAll(stopServers, 30_000);

  const am = (name: string): LiveServer => {
    const server = alertmanagers.get(name);
    if (!server) throw new Error(`alertmanager ${name} did not start (see beforeAll)`);
    return server;
  };

  test('the every-receiver case really exercises team and heartbeat routes (else the routing test proves less)', () => {
    const every = CASES.find((c) => c.name === 'every-receiver')!.alertmanager;
    expect(ROUTED_ALERTS.filter((a) => promisedReceivers(every, a).some((r) => r.startsWith('team-'))).length).toBeGreaterThanOrEqual(3);
    expect(promisedReceivers(every, ROUTED_ALERTS.find((a) => a.alertname === WATCHDOG_ALERT)!)).toEqual([RECEIVER.heartbeat]);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s: Alertmanager loaded exactly the receivers of our config', async (name, c) => {
    const expected = (yaml.load(configMapData(c.objects, ALERTMANAGER.configMap)[ALERTMANAGER.configFile]) as { receivers: { name: string }[] }).receivers.map((r) => r.name);
    const live = await getJson<{ name: string }[]>(`${am(name).url}/api/v2/receivers`);
    expect(live.map((r) => r.name).sort()).toEqual([...expected].sort());
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s: every alert lands in the group of the receiver our routing promises', async (name, c) => {
    const server = am(name);
    const posted = await postJson(`${server.url}/api/v2/alerts`, ROUTED_ALERTS.map((labels) => ({ labels, annotations: { summary: `live test ${labels.test_case}` } })));
    expect([posted.status, posted.text]).toEqual([200, expect.anything()]);
    const expected = Object.fromEntries(ROUTED_ALERTS.map((a) => [a.test_case, promisedReceivers(c.alertmanager, a)]));
    const wanted = (got: Record<string, string[]>) => ROUTED_ALERTS.every((a) => JSON.stringify(got[a.test_case]) === JSON.stringify(expected[a.test_case]));
    const got = await pollUntil(async () => receiversByTestCase(await getJson<AmGroup[]>(`${server.url}/api/v2/alerts/groups`)), wanted, { timeoutMs: 5000 });
    expect(got).toEqual(expected);
  });

  test.each(CASES.map((c) => [c.name] as const))('%s: a critical alert inhibits its warning twin for the same service, not for another service', async (name) => {
    const server = am(name);
    const posted = await postJson(`${server.url}/api/v2/alerts`, TWIN_ALERTS.map((labels) => ({ labels })));
    expect(posted.status).toBe(200);
    const notInhibited = () => getJson<AmAlert[]>(`${server.url}/api/v2/alerts?inhibited=false`).then(byTestCase);
    const active = await pollUntil(notInhibited, (a) => !!a['twin-critical'] && !!a['twin-warning-other-service'] && !a['twin-warning-same-service'], { timeoutMs: 5000 });
    expect(Object.keys(active).filter((k) => k.startsWith('twin-')).sort()).toEqual(['twin-critical', 'twin-warning-other-service']);

    const inhibited = await getJson<AmAlert[]>(`${server.url}/api/v2/alerts?inhibited=true`).then(byTestCase);
    const critical = inhibited['twin-critical'];
    expect(inhibited['twin-warning-same-service']?.status).toEqual({ state: 'suppressed', inhibitedBy: [critical.fingerprint], silencedBy: [] });
    expect(inhibited['twin-warning-other-service']?.status).toEqual({ state: 'active', inhibitedBy: [], silencedBy: [] });
    expect(critical.status).toEqual({ state: 'active', inhibitedBy: [], silencedBy: [] });
  });

  test('control: the rewritten templates glob reaches our template file (a broken template stops Alertmanager from starting)', async () => {
    const c = CASES.find((x) => x.name === 'every-receiver')!;
    const data = { ...configMapData(c.objects, ALERTMANAGER.configMap), [ALERTMANAGER.templateFile]: '{{ define "pynomaly.title" }}{{ .Status }{{ end }}' };
    const broken = runnable(c, data);
    const start = startServer({ name: 'alertmanager broken-template', bin: alertmanagerBin, args: (port) => alertmanagerArgs(broken, port), readyTimeoutMs: 10_000 });
    await expect(start).rejects.toThrow(ServerStartError);
    await expect(start).rejects.toThrow(/exited .*before it was ready[\s\S]*pynomaly\.tmpl/);
  });

  test('every absolute path of the every-receiver copy (templates, *_file credentials) points at a file in the temp folder', () => {
    const c = CASES.find((x) => x.name === 'every-receiver')!;
    const copy = runnable(c);
    expect(copy.credentialFiles.length).toBeGreaterThanOrEqual(5);
    const paths = (JSON.stringify(copy.config).match(/"\/[^"]*"/g) ?? []).map((p) => JSON.parse(p) as string);
    expect(paths.length).toBe(copy.credentialFiles.length + 1);
    for (const p of paths) expect([p, p.startsWith(`${tmp}/`)]).toEqual([p, true]);
    for (const f of copy.credentialFiles) expect([f, existsSync(f)]).toEqual([f, true]);
  });

  test('every notification endpoint of the every-receiver copy is on loopback: no test sends a packet off this machine', () => {
    const c = CASES.find((x) => x.name === 'every-receiver')!;
    const copy = runnable(c);
    const text = JSON.stringify(copy.config);
    const urls = text.match(/https?:\/\/[^"\s]+/g) ?? [];
    expect(urls.length).toBeGreaterThanOrEqual(4);
    expect(urls.filter((u) => !u.startsWith(`${LOOPBACK_SINK}/`))).toEqual([]);
    expect(text).not.toMatch(/"smarthost":"(?!127\.0\.0\.1:)/);
    for (const f of copy.credentialFiles.filter((f) => f.includes('api-url'))) expect(readFileSync(f, 'utf8').startsWith(LOOPBACK_SINK)).toBe(true);
  });

  // -------------------------------------------------------------------------

  describeWithTool('prometheus', 'live Prometheus runs our config and rules', (prometheusBin) => {
    interface Rendered {
      readonly configYaml: string;
      readonly config: PromConfig;
      readonly rules: ConfigMapData;
    }
    interface PromConfig {
      global: { external_labels: Labels; evaluation_interval: string };
      scrape_configs: { job_name: string; relabel_configs?: { action?: string }[] }[];
    }

    const rendered = (env: string): Rendered => {
      const objects = CASES.find((c) => c.name === env)!.objects;
      const configYaml = configMapData(objects, PROMETHEUS.configMap)[PROMETHEUS.configFile];
      return { configYaml, config: yaml.load(configYaml) as PromConfig, rules: configMapData(objects, PROMETHEUS.rulesConfigMap) };
    };

    /** A rule that parses but fails at every evaluation (duplicate series on the "one" side of a group_left match). */
    const CONTROL_RULES = {
      'zz-live-control.yaml': yaml.dump({
        groups: [
          {
            name: 'live-control',
            rules: [
              { alert: 'LiveControlHealthy', expr: 'vector(1)' },
              {
                alert: 'LiveControlEvaluationError',
                expr: 'vector(1) * on() group_left() (label_replace(vector(1), "twin", "a", "", "") or label_replace(vector(1), "twin", "b", "", ""))',
              },
            ],
          },
        ],
      }),
    };

    /** The environments, and a control instance (dev + a failing rule, alerting block dropped). */
    const INSTANCES = [...ENVIRONMENTS.map((env) => ({ name: env, env, extraRules: {} })), { name: 'control', env: 'dev', extraRules: CONTROL_RULES }];
    const prometheuses = new Map<string, { server: LiveServer; copy: RunnablePrometheus }>();

    beforeAll(async () => {
      const started = await Promise.allSettled(
        INSTANCES.map(async (i) => {
          const { configYaml, rules } = rendered(i.env);
          let copy: RunnablePrometheus | undefined;
          const server = await startServer({
            name: `prometheus ${i.name}`,
            bin: prometheusBin,
            args: (port) => {
              // The swapped SD blocks scrape this very Prometheus: a loopback target that exists.
              copy = runnablePrometheus(mkdtempSync(join(tmp, `prom-${i.name}-`)), configYaml, { ...rules, ...i.extraRules }, {
                staticTarget: `127.0.0.1:${port}`,
                alertmanager: i.name === 'control' ? undefined : am(i.env).address,
              });
              // Resend firing alerts at every evaluation instead of every minute: an alert evaluated
              // before the (5 s throttled) discovery hands over the Alertmanager is otherwise dropped
              // for a minute. A server flag; the loaded config stays ours.
              return prometheusArgs(copy, port, ['--rules.alert.resend-delay=1s']);
            },
          });
          prometheuses.set(i.name, { server, copy: copy! });
        }),
      );
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    }, 45_000);

    const prom = (name: string) => {
      const p = prometheuses.get(name);
      if (!p) throw new Error(`prometheus ${name} did not start (see beforeAll)`);
      return p;
    };

    interface LiveRule {
      name: string;
      type: 'alerting' | 'recording';
      health: 'ok' | 'err' | 'unknown';
      lastError?: string;
      lastEvaluation: string;
    }
    interface LiveGroup {
      name: string;
      file: string;
      rules: LiveRule[];
      lastEvaluation: string;
    }
    const NEVER = '0001-01-01T00:00:00Z';
    const liveGroups = (name: string) => getJson<{ data: { groups: LiveGroup[] } }>(`${prom(name).server.url}/api/v1/rules`).then((r) => r.data.groups);
    /** Bounded: the first evaluation of each group comes within one evaluation interval (15 s) of the start. */
    const evaluatedGroups = (name: string) => pollUntil(() => liveGroups(name), (gs) => gs.length > 0 && gs.every((g) => g.lastEvaluation !== NEVER), { timeoutMs: 25_000, intervalMs: 500 });

    /** file → group → rule names, as the rendered rule files define them. */
    function renderedRuleTree(rules: ConfigMapData): Record<string, Record<string, string[]>> {
      const out: Record<string, Record<string, string[]>> = {};
      for (const [file, content] of Object.entries(rules)) {
        const doc = yaml.load(content) as { groups: { name: string; rules: { alert?: string; record?: string }[] }[] };
        for (const g of doc.groups) (out[file] ??= {})[g.name] = g.rules.map((r) => r.alert ?? r.record ?? '?');
      }
      return out;
    }

    function liveRuleTree(groups: readonly LiveGroup[]): Record<string, Record<string, string[]>> {
      const out: Record<string, Record<string, string[]>> = {};
      for (const g of groups) (out[g.file.split('/').pop()!] ??= {})[g.name] = g.rules.map((r) => r.name);
      return out;
    }

    test.each([...ENVIRONMENTS])('%s: every rule group and every rule of the rendered files is loaded', async (env) => {
      const expected = renderedRuleTree(rendered(env).rules);
      const groups = await liveGroups(env);
      expect(liveRuleTree(groups)).toEqual(expected);
      const count = (tree: Record<string, Record<string, string[]>>) => Object.values(tree).flatMap((f) => Object.values(f));
      expect(groups.length).toBe(count(expected).length);
      expect(groups.flatMap((g) => g.rules).length).toBe(count(expected).flat().length);
      expect(groups.length).toBeGreaterThanOrEqual(5);
      // The rule files Prometheus read are the copies of the ConfigMap's files, all of them.
      expect(new Set(groups.map((g) => g.file))).toEqual(new Set(prom(env).copy.ruleFiles));
    });

    test.each([...ENVIRONMENTS])('%s: the running config has our external labels and evaluation interval', async (env) => {
      const { config } = rendered(env);
      const live = yaml.load((await getJson<{ data: { yaml: string } }>(`${prom(env).server.url}/api/v1/status/config`)).data.yaml) as PromConfig;
      expect(live.global.external_labels).toEqual(config.global.external_labels);
      expect(live.global.external_labels).toEqual({ cluster: valuesOf(env).cluster, environment: env });
      expect(live.global.evaluation_interval).toBe(config.global.evaluation_interval);
      expect(live.scrape_configs.map((s) => s.job_name)).toEqual(config.scrape_configs.map((s) => s.job_name));
    });

    test.each([...ENVIRONMENTS])('%s: every scrape job builds its scrape pool; jobs that select by Kubernetes metadata drop a target without it', async (env) => {
      const { config } = rendered(env);
      // Every job discovers by Kubernetes metadata but the probe job, whose targets (the probed URLs) are static.
      const probeJobs = config.scrape_configs.filter((j) => 'static_configs' in j);
      expect(probeJobs.map((j) => j.job_name)).toEqual(['blackbox']);
      expect(prom(env).copy.swappedSd).toBe(config.scrape_configs.length - probeJobs.length);
      interface Targets {
        data: { activeTargets: { scrapePool: string }[]; droppedTargets: { discoveredLabels: Labels }[] };
      }
      const poolsOf = (t: Targets) => ({
        active: [...new Set(t.data.activeTargets.map((a) => a.scrapePool))].sort(),
        dropped: [...new Set(t.data.droppedTargets.map((d) => d.discoveredLabels.job))].sort(),
      });
      const selects = (job: PromConfig['scrape_configs'][number]) => (job.relabel_configs ?? []).some((r) => r.action === 'keep');
      const expected = {
        active: config.scrape_configs.filter((j) => !selects(j)).map((j) => j.job_name).sort(),
        dropped: config.scrape_configs.filter(selects).map((j) => j.job_name).sort(),
      };
      expect(expected.active.length).toBeGreaterThan(0);
      expect(expected.dropped.length).toBeGreaterThan(0);
      // Discovery hands targets over every 5 s.
      const got = await pollUntil(async () => poolsOf(await getJson<Targets>(`${prom(env).server.url}/api/v1/targets`)), (p) => JSON.stringify(p) === JSON.stringify(expected), {
        timeoutMs: 15_000,
        intervalMs: 500,
      });
      expect(got).toEqual(expected);
    });

    test.each([...ENVIRONMENTS])('%s: after its first evaluation every rule is healthy (no evaluation error)', async (env) => {
      const groups = await evaluatedGroups(env);
      expect(groups.filter((g) => g.lastEvaluation === NEVER).map((g) => g.name)).toEqual([]);
      const unhealthy = groups.flatMap((g) => g.rules.filter((r) => r.health !== 'ok' || r.lastError).map((r) => `${g.name}/${r.name}: ${r.health} ${r.lastError ?? ''}`));
      expect(unhealthy).toEqual([]);
      expect(groups.flatMap((g) => g.rules).length).toBeGreaterThan(20);
    });

    test('control: a rule that fails at evaluation is reported unhealthy (so the health check can fail)', async () => {
      const groups = await evaluatedGroups('control');
      const control = groups.find((g) => g.name === 'live-control');
      expect(control?.rules.map((r) => [r.name, r.health])).toEqual([
        ['LiveControlHealthy', 'ok'],
        ['LiveControlEvaluationError', 'err'],
      ]);
      expect(control?.rules[1].lastError).toMatch(/many-to-many matching not allowed|duplicate series/);
    });

    test.each([...ENVIRONMENTS])('%s: end to end, Prometheus\' Watchdog reaches the live Alertmanager with our external labels and is routed as promised', async (env) => {
      const server = am(env);
      const values = CASES.find((c) => c.name === env)!.alertmanager;
      const fromPrometheus = (a: AmAlert) => a.labels.alertname === WATCHDOG_ALERT && a.labels.environment === env && !a.labels.test_case;
      const filter = encodeURIComponent(`alertname="${WATCHDOG_ALERT}"`);
      const alerts = await pollUntil(() => getJson<AmAlert[]>(`${server.url}/api/v2/alerts?filter=${filter}`), (as) => as.some(fromPrometheus), { timeoutMs: 30_000, intervalMs: 500 });
      const watchdog = alerts.find(fromPrometheus);
      expect(watchdog?.labels).toEqual(
        expect.objectContaining({ alertname: WATCHDOG_ALERT, severity: 'info', category: 'monitoring', cluster: valuesOf(env).cluster, environment: env }),
      );
      const groups = await pollUntil(
        () => getJson<AmGroup[]>(`${server.url}/api/v2/alerts/groups`),
        (gs) => gs.some((g) => g.alerts.some((a) => a.fingerprint === watchdog?.fingerprint)),
        { timeoutMs: 5000 },
      );
      const receivers = groups.filter((g) => g.alerts.some((a) => a.fingerprint === watchdog?.fingerprint)).map((g) => g.receiver.name);
      expect(receivers).toEqual(promisedReceivers(values, watchdog!.labels));
    });
  });
});
