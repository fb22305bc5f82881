/**
 * The Alertmanager config we ship, proven by the real amtool (0.25 from
 * Debian in CI, older than the image: the config must satisfy both):
 * check-config for every environment and for a values set with every
 * receiver on, the notification templates rendered, and the routing table
 * pinned with `amtool config routes test`. Plus: no credential anywhere in
 * what we synthesize.
 */
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { CATEGORIES, WATCHDOG_ALERT } from '../lib/catalog/alerting';
import { ALERTMANAGER } from '../lib/alertmanager/constants';
import { EVERY_RECEIVER_VALUES } from '../lib/alertmanager/example';
import { TEMPLATE } from '../lib/alertmanager/templates';
import { Manifest } from '../lib/synth/render';
import { ENVIRONMENTS, synthFiles } from './support/stack';
import { SECRET_PATTERNS, stringsOf } from './support/policy';
import { describeWithTool, run } from './support/tools';
import { swapUrlFiles } from './support/live-configs';
import { WEBHOOK_URL_FILE } from '../lib/alertmanager/config';

/** Where staging and prod read the webhook URL from (a mounted Secret file). */
const WEBHOOK_URL_PATH = `${ALERTMANAGER.secretsDir}/webhook-url/${WEBHOOK_URL_FILE}`;
import { tempDir } from './support/values';

const tmp = tempDir('alertmanager-amtool-');
const everyReceiverFile = join(tmp, 'every-receiver.yaml');
writeFileSync(everyReceiverFile, yaml.dump(EVERY_RECEIVER_VALUES));

/** The config cases: each environment as shipped, and prod with every receiver, team and window on. */
const CASES = [
  ...ENVIRONMENTS.map((env) => ({ name: env, files: synthFiles({ envs: [env] }), env })),
  { name: 'every-receiver', files: synthFiles({ envs: ['prod'], valuesFiles: [everyReceiverFile] }), env: 'prod' },
];

interface Shipped {
  readonly configText: string;
  readonly templateText: string;
  readonly config: AmConfig;
}

interface Route {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  mute_time_intervals?: string[];
  routes?: Route[];
}

interface AmConfig {
  route: Route & { group_by: string[] };
  receivers: ({ name: string } & Record<string, unknown>)[];
  time_intervals?: { name: string; time_intervals: Record<string, unknown>[] }[];
  templates: string[];
}

function shipped(files: Map<string, string>, env: string): Shipped {
  const objects = yaml.loadAll(files.get(`${env}/alertmanager.yaml`)!) as Manifest[];
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ALERTMANAGER.configMap) as unknown as { data: Record<string, string> };
  const configText = cm.data[ALERTMANAGER.configFile];
  return { configText, templateText: cm.data[ALERTMANAGER.templateFile], config: yaml.load(configText) as AmConfig };
}

const byName = Object.fromEntries(CASES.map((c) => [c.name, shipped(c.files, c.env)]));

// ---------------------------------------------------------------------------

describe('no credential in anything we synthesize', () => {
  /** Values a user would put in the Secrets; the test pretends they exist. None may ever reach our output. */
  const SECRET_VALUES = [
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'pd-routing-key-0123456789abcdef0123456789abcdef',
    'smtp-password-c0rrect-h0rse',
    'webhook-bearer-token-5f2b9c',
    'opsgenie-genie-key-0f9e8d7c',
  ];
  test.each(CASES.map((c) => [c.name, c] as const))('%s: no secret pattern or secret value in any string of any object or file', (_name, c) => {
    let scanned = 0;
    for (const [path, content] of c.files) {
      const texts = path.endsWith('.yaml') && !path.includes('/templates/') ? stringsOf(yaml.loadAll(content)) : [content];
      for (const text of [content, ...texts]) {
        scanned++;
        for (const p of SECRET_PATTERNS) expect([path, p.source, p.test(text)]).toEqual([path, p.source, false]);
        for (const v of SECRET_VALUES) expect([path, text.includes(v)]).toEqual([path, false]);
      }
    }
    expect(scanned).toBeGreaterThan(10);
  });

  test('the scan would catch one: a config with an inline credential trips it', () => {
    const leaked = 'receivers:\n  - name: x\n    slack_configs:\n      - api_url: https://hooks.slack.com/services/T/B/X\n';
    expect(SECRET_PATTERNS.some((p) => p.test(leaked))).toBe(true);
    expect(SECRET_PATTERNS.some((p) => p.test('api_url_file: /etc/alertmanager/secrets/slack/api-url'))).toBe(false);
    expect(SECRET_PATTERNS.some((p) => p.test('password: hunter2'))).toBe(true);
    expect(SECRET_PATTERNS.some((p) => p.test('url: https://bot:hunter2@hooks.example.com/x'))).toBe(true);
    expect(SECRET_PATTERNS.some((p) => p.test('password: $__file{/etc/secrets/grafana/password}'))).toBe(false);
  });

  test('we never render a Secret object', () => {
    for (const c of CASES) {
      for (const [path, content] of c.files) {
        if (!path.endsWith('.yaml') || path.includes('/templates/')) continue;
        const kinds = (yaml.loadAll(content) as (Manifest | null)[]).filter(Boolean).map((o) => o!.kind);
        expect([path, kinds.includes('Secret')]).toEqual([path, false]);
      }
    }
  });

  test('every credential field of the every-receiver config is a file path into a mounted Secret folder', () => {
    const fileFields: [string, string][] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k.endsWith('_file') && typeof v === 'string') fileFields.push([k, v]);
          walk(v);
        }
      }
    };
    walk(byName['every-receiver'].config);
    expect(new Set(fileFields.map(([k]) => k))).toEqual(new Set(['api_url_file', 'routing_key_file', 'auth_password_file', 'credentials_file', 'url_file']));
    for (const [, path] of fileFields) expect(path.startsWith(`${ALERTMANAGER.secretsDir}/`)).toBe(true);
  });

  test.each(['staging', 'prod'])('%s: the webhook URL is a file of the mounted Secret alertmanager-webhook (url_file, never url)', (env) => {
    const c = CASES.find((x) => x.name === env)!;
    const info = byName[env].config.receivers.find((r) => r.name === 'info') as unknown as { webhook_configs: Record<string, unknown>[] };
    expect(info.webhook_configs).toEqual([{ url_file: WEBHOOK_URL_PATH, send_resolved: true }]);
    const objects = yaml.loadAll(c.files.get(`${env}/alertmanager.yaml`)!) as Manifest[];
    const sts = objects.find((o) => o.kind === 'StatefulSet') as unknown as { spec: { template: { spec: { volumes: Record<string, unknown>[]; containers: { volumeMounts: { name: string; mountPath: string }[] }[] } } } };
    const pod = sts.spec.template.spec;
    const volume = pod.volumes.find((v) => (v.secret as { secretName?: string } | undefined)?.secretName === 'alertmanager-webhook');
    expect(volume).toMatchObject({ secret: { secretName: 'alertmanager-webhook', items: [{ key: 'url', path: WEBHOOK_URL_FILE }] } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume!.name, mountPath: `${ALERTMANAGER.secretsDir}/webhook-url`, readOnly: true });
  });
});

// ---------------------------------------------------------------------------

describeWithTool('amtool', 'Alertmanager config', (amtool) => {
  /**
   * Writes the shipped config for amtool. Only `templates:` is rewritten (to a
   * temp copy of our template file) so that amtool really parses the templates;
   * the credential files are left as they are: amtool does not open them (it
   * checks syntax and structure, Alertmanager reads the files at send time).
   */
  function writeForAmtool(name: string, s: Shipped, templateText = s.templateText): string {
    const dir = mkdtempSync(join(tmp, `${name}-`));
    writeFileSync(join(dir, ALERTMANAGER.templateFile), templateText);
    const config = { ...(yaml.load(s.configText) as AmConfig), templates: [join(dir, '*.tmpl')] };
    // amtool 0.25 predates the webhook's url_file (0.26+): the checked copy has a url there instead.
    swappedUrlFiles[name] = swapUrlFiles(config as unknown as Record<string, unknown>, 'https://url-file.invalid/alertmanager');
    const file = join(dir, ALERTMANAGER.configFile);
    writeFileSync(file, yaml.dump(config, { lineWidth: -1 }));
    return file;
  }

  const swappedUrlFiles: Record<string, string[]> = {};
  const configFiles = Object.fromEntries(Object.entries(byName).map(([name, s]) => [name, writeForAmtool(name, s)]));

  test('the checked copies differ from what we ship only where staging and prod read the webhook URL from a file', () => {
    // Every webhook integration reading the URL from a file: critical and info share the one mount.
    expect(swappedUrlFiles).toEqual({ dev: [], staging: [WEBHOOK_URL_PATH, WEBHOOK_URL_PATH], prod: [WEBHOOK_URL_PATH, WEBHOOK_URL_PATH], 'every-receiver': [WEBHOOK_URL_PATH, WEBHOOK_URL_PATH] });
  });

  test.each(Object.keys(byName))('%s: amtool check-config accepts the config and its templates', (name) => {
    const r = run(amtool, ['check-config', configFiles[name]]);
    expect([name, r.status, r.stdout + r.stderr]).toEqual([name, 0, expect.stringContaining('SUCCESS')]);
    expect(r.stdout).toMatch(/1 inhibit rules/);
    expect(r.stdout).toMatch(/1 templates/);
  });

  test('the credential files need not exist for the check (so CI needs no Secrets)', () => {
    const paths = (byName['every-receiver'].configText.match(/\/etc\/alertmanager\/secrets\/[^\s"]+/g) ?? []) as string[];
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) expect([p, existsSync(p)]).toEqual([p, false]);
  });

  test('the template check is real: a broken template fails check-config', () => {
    const broken = writeForAmtool('broken', byName['every-receiver'], '{{ define "pynomaly.title" }}{{ .Status }{{ end }}');
    expect(run(amtool, ['check-config', broken]).status).not.toBe(0);
  });

  test('amtool rejects fields it does not know: webhook url_file (Alertmanager 0.26+) is why the checked copies swap it for url', () => {
    const version = /version (\d+)\.(\d+)/.exec(run(amtool, ['--version']).stdout + run(amtool, ['--version']).stderr);
    const minor = version ? Number(version[2]) : NaN;
    const config = yaml.load(byName['every-receiver'].configText) as AmConfig;
    const info = config.receivers.find((r) => r.name === 'info') as unknown as { webhook_configs: Record<string, unknown>[] };
    const { url: _url, ...rest } = info.webhook_configs[0];
    info.webhook_configs[0] = { ...rest, url_file: '/etc/alertmanager/secrets/webhook/url' };
    const dir = mkdtempSync(join(tmp, 'url-file-'));
    const file = join(dir, 'alertmanager.yml');
    writeFileSync(file, yaml.dump({ ...config, templates: [] }));
    const r = run(amtool, ['check-config', file]);
    if (minor < 26) {
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/field url_file not found/);
    } else {
      expect(r.status).toBe(0); // a newer amtool knows it: the swap is then unnecessary, and harmless
    }
  });

  test('the templates render the alert: title with status, alertname, service and environment; text with summary and runbook', () => {
    const dir = mkdtempSync(join(tmp, 'render-'));
    const tmpl = join(dir, ALERTMANAGER.templateFile);
    writeFileSync(tmpl, byName.prod.templateText);
    const data = join(dir, 'data.json');
    const labels = { alertname: 'PynomalyHighErrorRate', severity: 'critical', category: 'application', service: 'pynomaly-api', environment: 'prod' };
    writeFileSync(
      data,
      JSON.stringify({
        receiver: 'critical',
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels,
            annotations: { summary: 'Error rate 31 % on pynomaly-api', description: 'More than 25 % of requests fail.', runbook_url: 'https://runbooks.example.com/high-error-rate' },
            startsAt: '2026-01-01T00:00:00Z',
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus/graph',
            fingerprint: 'abc',
          },
        ],
        groupLabels: { alertname: 'PynomalyHighErrorRate' },
        commonLabels: labels,
        commonAnnotations: {},
        externalURL: 'http://alertmanager',
      }),
    );
    const render = (name: string) => run(amtool, ['template', 'render', `--template.glob=${tmpl}`, `--template.data=${data}`, `--template.text={{ template "${name}" . }}`]);
    const title = render(TEMPLATE.title);
    expect([title.status, title.stderr]).toEqual([0, '']);
    expect(title.stdout.trim()).toBe('[FIRING:1] PynomalyHighErrorRate - pynomaly-api (prod)');
    const text = render(TEMPLATE.text);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('[FIRING] critical: Error rate 31 % on pynomaly-api');
    expect(text.stdout).toContain('Runbook: https://runbooks.example.com/high-error-rate');
  });

  /** `amtool config routes test`: the receivers an alert with these labels goes to, in order. */
  function receiversFor(name: string, labels: Record<string, string>, verify?: string[]): { status: number; receivers: string } {
    const args = ['config', 'routes', 'test', `--config.file=${configFiles[name]}`];
    if (verify) args.push(`--verify.receivers=${verify.join(',')}`);
    const r = run(amtool, [...args, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    return { status: r.status, receivers: r.stdout.trim().split('\n')[0] };
  }

  const alert = (severity: string, category?: string) => ({ alertname: 'PynomalyHighErrorRate', severity, service: 'pynomaly-api', ...(category ? { category } : {}) });

  /** [case, labels, expected receivers in order] with every receiver and team on. */
  const EVERY_RECEIVER_TABLE: [string, Record<string, string>, string[]][] = [
    ['critical application', alert('critical', 'application'), ['team-application', 'critical']],
    ['warning application', alert('warning', 'application'), ['team-application', 'warning']],
    ['info application (teams get no info)', alert('info', 'application'), ['info']],
    ['critical infrastructure', alert('critical', 'infrastructure'), ['team-infrastructure', 'critical']],
    ['warning infrastructure', alert('warning', 'infrastructure'), ['team-infrastructure', 'warning']],
    ['critical monitoring', alert('critical', 'monitoring'), ['team-monitoring', 'critical']],
    ['warning monitoring', alert('warning', 'monitoring'), ['team-monitoring', 'warning']],
    ['critical, unknown category', alert('critical', 'billing'), ['critical']],
    ['Watchdog goes to the dead man\'s switch only', { alertname: WATCHDOG_ALERT, severity: 'none', category: 'monitoring' }, ['heartbeat']],
    ['Watchdog even if labelled critical never pages', { alertname: WATCHDOG_ALERT, severity: 'critical', category: 'monitoring' }, ['heartbeat']],
    ['no severity (contract broken) is still seen', { alertname: 'Unlabelled' }, ['warning']],
  ];

  test.each(EVERY_RECEIVER_TABLE)('every-receiver routing: %s', (_case, labels, expected) => {
    const r = receiversFor('every-receiver', labels, expected);
    expect([r.status, r.receivers]).toEqual([0, expected.join(',')]);
  });

  test('--verify.receivers really verifies: a wrong expectation fails', () => {
    expect(receiversFor('every-receiver', alert('critical', 'application'), ['critical']).status).not.toBe(0);
  });

  /** Dev, as shipped: no team and no dead man's switch (it notifies nobody; its values say so). */
  const DEV_TABLE: [string, Record<string, string>, string[]][] = [
    ['critical', alert('critical', 'application'), ['critical']],
    ['warning', alert('warning', 'infrastructure'), ['warning']],
    ['info', alert('info', 'monitoring'), ['info']],
    ['Watchdog to null', { alertname: WATCHDOG_ALERT, severity: 'none' }, ['null']],
  ];
  /**
   * Staging and prod, as shipped: application and infrastructure alerts also reach their teams;
   * what each receiver integrates (critical pages, info reaches the webhook) is pinned below.
   */
  const TEAM_TABLE: [string, Record<string, string>, string[]][] = [
    ['critical application to its team, and pages', alert('critical', 'application'), ['team-application', 'critical']],
    ['warning application to its team', alert('warning', 'application'), ['team-application', 'warning']],
    ['critical infrastructure to its team, and pages', alert('critical', 'infrastructure'), ['team-infrastructure', 'critical']],
    ['warning infrastructure to its team', alert('warning', 'infrastructure'), ['team-infrastructure', 'warning']],
    ['monitoring has no team: severity only', alert('warning', 'monitoring'), ['warning']],
    ['info never reaches a team', alert('info', 'application'), ['info']],
    ['Watchdog to null', { alertname: WATCHDOG_ALERT, severity: 'none' }, ['null']],
  ];
  const SHIPPED: [string, [string, Record<string, string>, string[]][]][] = [
    ['dev', DEV_TABLE],
    ['staging', TEAM_TABLE],
    ['prod', TEAM_TABLE],
  ];

  test('every environment has its routing table', () => {
    expect(SHIPPED.map(([env]) => env).sort()).toEqual([...ENVIRONMENTS].sort());
  });

  test.each(SHIPPED.flatMap(([env, table]) => table.map(([c, l, e]) => [env, c, l, e] as const)))('%s routing: %s', (env, _case, labels, expected) => {
    const r = receiversFor(env, labels, expected);
    expect([r.status, r.receivers]).toEqual([0, expected.join(',')]);
  });

  /** The integrations of each receiver an alert reaches, as `receiver:integration`, sorted. */
  function integrationsFor(name: string, labels: Record<string, string>): string[] {
    const receivers = receiversFor(name, labels).receivers.split(',');
    const config = byName[name].config;
    return receivers
      .flatMap((r) => Object.keys(config.receivers.find((x) => x.name === r) ?? {}).filter((k) => k.endsWith('_configs')).map((k) => `${r}:${k.replace(/_configs$/, '')}`))
      .sort();
  }

  /** The routing the production profile promises, end to end: amtool's route, then the receiver's integrations. */
  const PROFILE_TABLE: [string, Record<string, string>, string[]][] = [
    ['application critical pages and reaches the application team', alert('critical', 'application'), ['critical:pagerduty', 'critical:slack', 'critical:webhook', 'team-application:slack']],
    ['infrastructure warning reaches the infrastructure team and Slack, never pages', alert('warning', 'infrastructure'), ['team-infrastructure:slack', 'warning:slack']],
    ['info reaches the webhook only', alert('info', 'application'), ['info:webhook']],
  ];

  test.each(['staging', 'prod'].flatMap((env) => PROFILE_TABLE.map(([c, l, e]) => [env, c, l, e] as const)))('%s production profile: %s', (env, _case, labels, expected) => {
    expect(integrationsFor(env, labels)).toEqual(expected);
  });

  test('dev stays quiet: every receiver an alert reaches has no integration', () => {
    for (const [, labels] of PROFILE_TABLE) expect(integrationsFor('dev', labels)).toEqual([]);
  });

  test('routes show: team routes continue, severity routes stop', () => {
    const r = run(amtool, ['config', 'routes', 'show', `--config.file=${configFiles['every-receiver']}`]);
    expect(r.status).toBe(0);
    for (const c of CATEGORIES) expect(r.stdout).toMatch(new RegExp(`\\{category="${c}",severity=~"critical\\|warning"\\}\\s+continue: true\\s+receiver: team-${c}`));
    expect(r.stdout).toMatch(/\{severity="critical"\}\s+receiver: critical\n/);
    expect(r.stdout).not.toMatch(/\{severity="critical"\}\s+continue: true\s+receiver: critical/);
  });
});

// ---------------------------------------------------------------------------

describe('timing and maintenance windows of the routes (amtool cannot evaluate time)', () => {
  const { config } = byName['every-receiver'];
  const top = (receiver: string, severity?: string) =>
    config.route.routes!.find((r) => r.receiver === receiver && (!severity || r.matchers?.includes(`severity="${severity}"`)))!;
  const windowNames = EVERY_RECEIVER_VALUES.alertmanager.maintenanceWindows.map((w) => w.name);

  test('group by alertname, service, cluster, environment', () => {
    expect(config.route.group_by).toEqual(['alertname', 'service', 'cluster', 'environment']);
  });

  test('critical: short group wait, 15m repeat, never muted', () => {
    expect(top('critical', 'critical')).toMatchObject({ group_wait: '10s', repeat_interval: '15m' });
    expect(top('critical', 'critical').mute_time_intervals).toBeUndefined();
    expect(top('critical', 'critical').continue).toBeUndefined();
  });

  test('warning: 4h repeat, muted during every maintenance window; info likewise muted', () => {
    expect(top('warning', 'warning')).toMatchObject({ repeat_interval: '4h', mute_time_intervals: windowNames });
    expect(top('info', 'info')).toMatchObject({ mute_time_intervals: windowNames });
  });

  test('team routes: critical child unmuted with critical timing, warning child muted', () => {
    for (const c of CATEGORIES) {
      const team = top(`team-${c}`);
      expect(team.continue).toBe(true);
      const [critical, warning] = team.routes!;
      expect(critical).toMatchObject({ matchers: ['severity="critical"'], repeat_interval: '15m' });
      expect(critical.mute_time_intervals).toBeUndefined();
      expect(warning).toMatchObject({ matchers: ['severity="warning"'], repeat_interval: '4h', mute_time_intervals: windowNames });
    }
  });

  test('the Watchdog route is never muted and pings every interval', () => {
    const watchdog = config.route.routes![0];
    expect(watchdog).toMatchObject({ receiver: 'heartbeat', matchers: [`alertname="${WATCHDOG_ALERT}"`], group_wait: '0s', repeat_interval: '1m' });
    expect(watchdog.mute_time_intervals).toBeUndefined();
    expect(watchdog.continue).toBeUndefined();
  });

  test('the windows are defined as time_intervals from values (UTC)', () => {
    expect(config.time_intervals).toEqual([
      { name: 'weekly-maintenance', time_intervals: [{ times: [{ start_time: '02:00', end_time: '04:00' }], weekdays: ['sunday'] }] },
      { name: 'year-end-freeze', time_intervals: [{ days_of_month: ['24:31'], months: ['december'] }] },
    ]);
  });

  test('without windows no route is muted and no time_intervals are emitted', () => {
    const prod = byName.prod.config;
    expect(prod.time_intervals).toBeUndefined();
    expect(JSON.stringify(prod.route)).not.toContain('mute_time_intervals');
  });
});
