/**
 * Hostile input, as a user with a typo and as someone with write access to a
 * values file would try it. Every case either
 * - is refused: exit 1, one `error:` line naming the source and the key path,
 *   then `nothing was written.`, no stack trace, nothing written, within a
 *   time bound; or
 * - is accepted, and then its output passes strict Kubernetes validation and
 *   the real tools (promtool check config and rules, amtool check-config).
 * Cases run in-process through the CLI's main(); those that once crashed or
 * hung the process (billion laughs, huge list indexes, deep nesting) run the
 * bundled CLI in a child process with a timeout.
 */
import { spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as yaml from 'js-yaml';
import { ALERTMANAGER } from '../lib/alertmanager/constants';
import { main } from '../lib/cli';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { MAIN } from './support/cli';
import { alertmanagerArgs, LOOPBACK_SINK, runnableAlertmanager, swapUrlFiles } from './support/live-configs';
import { pollUntil, postJson, startServer, stopServers } from './support/live-server';
import { checkableCopy } from './support/promtool-config';
import { KubernetesValidator } from './support/k8s-schema';
import { describeWithTool, run } from './support/tools';
import { tempDir } from './support/values';

type Tree = Record<string, unknown>;

/** A refused case: what to pass, and the key path (and source) its one line must name. */
interface Refused {
  readonly cls: string;
  readonly name: string;
  readonly args: readonly string[];
  /** Text the error line must contain: the key path (with the source where it is known). */
  readonly names: readonly string[];
  /** Run the bundled CLI in a child process (cases that once crashed or hung the process). */
  readonly spawn?: boolean;
}

const tmp = tempDir('fuzz-');
let fileCount = 0;

/** A values file holding `content` (text or bytes); returns its path. */
function valuesFile(content: string | Buffer): string {
  const file = join(tmp, `values-${++fileCount}.yaml`);
  writeFileSync(file, content);
  return file;
}

const refused: Refused[] = [];

/** `--set key=value` refused; the line names `--set` and `expectKey` (default: the key). */
function set(cls: string, key: string, value: string, expectKey = key): void {
  refused.push({ cls, name: `--set ${key}=${value.slice(0, 60)}`, args: ['--set', `${key}=${value}`], names: ['--set ', expectKey] });
}

/** A values file refused; the line names the file and `key`. */
function file(cls: string, name: string, content: string | Buffer | Tree, key: string, opts: { spawn?: boolean } = {}): void {
  const path = valuesFile(typeof content === 'string' || Buffer.isBuffer(content) ? content : yaml.dump(content, { lineWidth: -1 }));
  refused.push({ cls, name, args: ['--values', path], names: [`--values ${path}`, key], spawn: opts.spawn });
}

/**
 * Generated cases: every value on the first `full` keys, and on the others a
 * rotating third of the values (each value still meets several keys).
 */
function sweep(cls: string, keys: readonly string[], values: readonly string[], full = 1): void {
  keys.forEach((key, k) => {
    for (const v of k < full ? values : values.filter((_, i) => (i + k) % 3 === 0)) set(cls, key, v);
  });
}

/** A nested tree from a dotted key path. */
function tree(path: string, value: unknown): Tree {
  return path.split('.').reduceRight<unknown>((acc, k) => ({ [k]: acc }), value) as Tree;
}

// ---------------------------------------------------------------------------
// 1. Prototype pollution and reserved keys

for (const key of ['__proto__', 'constructor', 'prototype']) {
  set('reserved keys', `${key}.polluted`, '1', `"${key}" is not allowed`);
  set('reserved keys', `prometheus.${key}.polluted`, '1', `"${key}" is not allowed`);
  set('reserved keys', `prometheus.pynomaly.selector.${key}`, 'x', `"${key}" is not allowed`);
  file('reserved keys', `${key} in a values file`, `${key}:\n  polluted: 1\n`, key);
  file('reserved keys', `${key} nested in a values file`, `grafana:\n  ${key}:\n    polluted: 1\n`, `grafana.${key}`);
}

// ---------------------------------------------------------------------------
// 2. Bounded input: sizes, aliases, indexes, nesting, encoding

const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
  const prev = i === 0 ? 'a' : ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'][i - 1];
  laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
}
const billionLaughs = `${laughs.join('\n')}\n`;
refused.push({
  cls: 'bounded input',
  name: 'billion laughs, given twice',
  args: ['--values', valuesFile(billionLaughs), '--values', valuesFile(billionLaughs)],
  names: ['--values ', 'malformed YAML: too many aliases'],
  spawn: true,
});
file('bounded input', 'billion laughs', billionLaughs, 'too many aliases', { spawn: true });
file('bounded input', 'a 20 MB cluster name', `cluster: "${'x'.repeat(20 * 1024 * 1024)}"\n`, 'more than 4194304 bytes', { spawn: true });
file('bounded input', 'a 1 MB cluster name', `cluster: "${'x'.repeat(1024 * 1024)}"\n`, 'cluster: value is 1048576 characters long');
file('bounded input', 'deep nesting', `a: ${'['.repeat(50000)}${']'.repeat(50000)}\n`, 'malformed YAML', { spawn: true });
file('bounded input', 'nesting deeper than 64 levels', `${'a:\n'.split('').join('')}${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} 1\n`, 'nested more than 64 levels deep');
file('bounded input', 'duplicate keys', 'prometheus:\n  retention: 15d\n  retention: 20d\n', 'Map keys must be unique');
file('bounded input', 'a list at the top level', '- a\n- b\n', 'expected a map of values at the top level');
file('bounded input', 'a tab-indented file', 'prometheus:\n\tretention: 15d\n', 'malformed YAML');
refused.push({
  cls: 'bounded input',
  name: 'a list index of a hundred million',
  args: ['--set', 'prometheus.pynomaly.namespaces[100000000]=x'],
  names: ['--set ', 'list index "100000000" is over 65536'],
  spawn: true,
});
set('bounded input', 'prometheus.pynomaly.namespaces[65537]', 'x', 'list index "65537" is over 65536');
set('bounded input', 'prometheus.pynomaly.namespaces[99999999999999999999]', 'x', 'is over 65536');
set('bounded input', 'prometheus.pynomaly.namespaces[3]', 'x', 'prometheus.pynomaly.namespaces.0: list item not set');
set('bounded input', 'cluster', 'y'.repeat(70 * 1024), 'cluster: value is 71680 characters long');
set('bounded input', 'grafana.dashboards.additional.big\\.json', 'z'.repeat(300 * 1024), 'characters long (at most 262144)');
set('bounded input', 'a..b', '1', 'malformed key');
file('bounded input', 'an unknown key with a line break and 200 characters', { prometheus: { [`bad\nkey${'k'.repeat(200)}`]: 1 } }, 'prometheus.bad\\nkey');
// Dashboards are read and parsed at render time: their errors name the dashboard's key (and file).
const dashboard = (cls: string, name: string, args: string[], names: string[]) => refused.push({ cls, name, args, names });
dashboard('bounded input', 'a dashboard file that never ends (/dev/zero)', ['--set', 'grafana.dashboards.additional.zero\\.json=/dev/zero'], ['grafana.dashboards.additional["zero.json"] (file /dev/zero): more than 1048576 bytes']);
refused.push({ cls: 'bounded input', name: 'a values file that never ends (/dev/zero)', args: ['--values', '/dev/zero'], names: ['--values /dev/zero: more than 4194304 bytes'] });
refused.push({ cls: 'bounded input', name: 'a values file that is a folder', args: ['--values', tmp], names: [`--values ${tmp}: is a folder`] });
const dashboardFile = (json: string) => valuesFile(yaml.dump(tree('grafana.dashboards.additional', { 'd.json': json })));
dashboard('bounded input', 'a dashboard nested 100 levels deep', ['--values', dashboardFile(`{"uid":"deep","title":"Deep","x":${'['.repeat(100)}${']'.repeat(100)}}`)], ['grafana.dashboards.additional["d.json"]: x.0.0', 'nested more than 64 levels deep']);
dashboard('reserved keys', 'a dashboard JSON with __proto__', ['--values', dashboardFile('{"uid":"p","title":"P","__proto__":{"polluted":1}}')], ['grafana.dashboards.additional["d.json"]: __proto__: the key "__proto__" is not allowed']);
set('bounded input', 'prometheus.retention', 'x,=y', 'expected key=value');
set('bounded input', `k${'k'.repeat(300)}`, '1', 'key is 301 characters long');

// Text that is not UTF-8: invalid bytes, and lone surrogates through YAML escapes or --set.
file('UTF-8 only', 'invalid UTF-8 bytes', Buffer.from([0x63, 0x6c, 0x75, 0x73, 0x74, 0x65, 0x72, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), 'not valid UTF-8');
file('UTF-8 only', 'Latin-1 text', Buffer.from('cluster: caf\xe9\n', 'latin1'), 'not valid UTF-8');
file('UTF-8 only', 'a lone surrogate in cluster (YAML escape)', 'cluster: "a\\ud800b"\n', 'cluster: value is not valid UTF-8');
file('UTF-8 only', 'a lone low surrogate in a label', 'prometheus:\n  serviceMonitors:\n    labels:\n      team: "\\udc00"\n', 'prometheus.serviceMonitors.labels.team: value is not valid UTF-8');
file('UTF-8 only', 'a lone surrogate in a key', 'prometheus:\n  "\\ud83d": 1\n', 'key is not valid UTF-8');
set('UTF-8 only', 'cluster', 'x\ud800', 'cluster: value is not valid UTF-8');
set('UTF-8 only', 'rules.application.containerRegex', '\udfff', 'value is not valid UTF-8');

// ---------------------------------------------------------------------------
// 3. Durations, within what Prometheus' and Alertmanager's parsers accept

const DURATION_KEYS = [
  'prometheus.retention',
  'prometheus.scrapeInterval',
  'prometheus.evaluationInterval',
  'prometheus.targets.grafana.interval',
  'alertmanager.retention',
  'alertmanager.routing.critical.repeatInterval',
  'alertmanager.receivers.heartbeat.interval',
];
const BAD_DURATIONS = ['banana', '999999999999y', '293y', '106752d', '1h1h', '30m1h', '-5m', '1.5h', '5 m', '1e3s', '0x10s', 'ms', '5M'];
sweep('durations', DURATION_KEYS, BAD_DURATIONS);
for (const v of ['99999999999999999999B', '8EB', '9999999PB', '45 GB', '45GiB', '-1GB']) set('Prometheus sizes', 'prometheus.retentionSize', v);
file('durations', 'a user rule group interval out of range', { rules: { additionalGroups: [{ name: 'g', interval: '300y', rules: [{ record: 'a:b', expr: 'up' }] }] } }, 'rules.additionalGroups.0.interval');
file(
  'durations',
  'a user alert for out of range',
  { rules: { additionalGroups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', for: '9999999999999d', labels: { severity: 'info', category: 'application', service: 's' }, annotations: { summary: 's', description: 'd' } }] }] } },
  'rules.additionalGroups.0.rules.0.for',
);

// ---------------------------------------------------------------------------
// 4. Regexes: Go RE2 as Prometheus compiles them

const REGEX_KEYS = ['rules.application.containerRegex', 'rules.application.detectionComponentRegex', 'rules.application.trainingComponentRegex'];
const BAD_REGEXES = ['(', '(?=x)y', '(?!x)', '(?<=a)b', 'a\\\\1', 'a{1001}', '[z-a]', 'x**', '\\\\p{Nope}', '(?P<n>a(?P<n>b)', '[[:nope:]]', ')('];
sweep('RE2 regexes', REGEX_KEYS, BAD_REGEXES);

// ---------------------------------------------------------------------------
// 5. URLs: http(s) only, a valid port, nothing a consumer misreads

const URL_KEYS = [
  'alertmanager.receivers.webhook.url',
  'alertmanager.receivers.heartbeat.url',
  'alertmanager.externalUrl',
  'prometheus.externalUrl',
  'rules.runbookBaseUrl',
  'grafana.rootUrl',
  'grafana.datasources.elasticsearch.url',
  'grafana.datasources.jaeger.url',
];
const BAD_URLS = [
  'javascript:alert(1)',
  'ftp://files.example.com/x',
  'not a url "x"',
  'http://h:99999',
  'http://h:0',
  'https://example.com/{{ .Broken',
  'https://example.com/a b',
  'file:///etc/passwd',
  'http://',
  'https://example.com/\u0007bell',
];
sweep('URLs', URL_KEYS, BAD_URLS, 2);

// ---------------------------------------------------------------------------
// 6. Credentials in URLs, which land in ConfigMaps

const CREDENTIAL_URLS = [
  'https://user:secret@example.com/hook',
  'https://token@example.com/hook',
  'https://example.com/hook?token=abc',
  'https://example.com/hook?code=abc',
  'https://example.com/hook?api_key=abc',
  'https://example.com/hook?X-Amz-Signature=abc',
  'https://example.com/hook#access_token=abc',
  'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX',
  'https://example.webhook.office.com/webhookb2/abc@def/IncomingWebhook/ghi/jkl',
  'https://discord.com/api/webhooks/123/abcdef',
  'https://discordapp.com/api/webhooks/123/abcdef',
  'https://api.telegram.org/bot123:abc/sendMessage',
];
for (const key of ['alertmanager.receivers.webhook.url', 'alertmanager.receivers.heartbeat.url']) {
  for (const v of CREDENTIAL_URLS) set('credentials in URLs', key, v);
}
for (const v of CREDENTIAL_URLS.filter((_, i) => i % 4 === 0)) set('credentials in URLs', 'grafana.datasources.prometheus.url', v);
set('credentials in URLs', 'rules.runbookBaseUrl', 'https://wiki.example.com/runbooks?session=abc');

// ---------------------------------------------------------------------------
// 7. What the API server accepts: quantities, int32 counts, names, labels, images

for (const key of ['prometheus.replicas', 'alertmanager.replicas']) {
  for (const v of ['0', '-1', '3000000000', '2147483648', '1.5', 'many']) set('Kubernetes values', key, v);
}
for (const key of ['prometheus.storage.size', 'alertmanager.storage.size', 'grafana.persistence.size']) {
  for (const v of ['-5Gi', '0', '5 Gi', '5GB', '1e400', '99999999999Ei']) set('Kubernetes values', key, v);
}
set('Kubernetes values', 'prometheus.resources.requests.memory', '8Gi');
set('Kubernetes values', 'grafana.resources.requests.memory', '2Gi');
set('Kubernetes values', 'prometheus.resources.requests.cpu', '-100m');
set('Kubernetes values', 'alertmanager.resources.limits.memory', '1Mi', 'alertmanager.resources.requests.memory');
for (const v of ['Bad Class!', 'UPPER', '-leading', 'a_b', 'x'.repeat(254)]) set('Kubernetes values', 'prometheus.storage.storageClassName', v);
set('Kubernetes values', 'grafana.persistence.storageClassName', 'Bad Class!');
for (const k of ['bad key!', 'a/b/c', '-x', 'UPPER.example.com/x', `${'p'.repeat(254)}/x`]) {
  file('Kubernetes values', `label key ${k.slice(0, 20)}`, tree('rules.prometheusRule.labels', { [k]: 'x' }), 'rules.prometheusRule.labels.');
}
for (const v of ['bad value!', '-x', 'x'.repeat(64)]) file('Kubernetes values', `label value ${v.slice(0, 20)}`, tree('prometheus.serviceMonitors.labels', { team: v }), 'prometheus.serviceMonitors.labels.team');
for (const v of ['quay.io/x y', 'quay.io/prom\netheus', 'Quay.io/Prometheus/Prometheus', 'quay.io/prometheus:latest', 'quay.io//x', '']) {
  set('Kubernetes values', 'prometheus.image.repository', v);
}
for (const v of ['latest', 'v1 2', 'v1\n', '-v1']) set('Kubernetes values', 'alertmanager.image.tag', v);
for (const v of ['Bad_NS', 'a.b', 'x'.repeat(64)]) set('Kubernetes values', 'namespace', v);

// ---------------------------------------------------------------------------
// 8. PromQL and Go templates in user rules

const alert = (over: Tree): Tree => ({
  rules: {
    additionalGroups: [
      { name: 'mine', rules: [{ alert: 'Mine', expr: 'up == 0', labels: { severity: 'warning', category: 'application', service: 's' }, annotations: { summary: 's', description: 'd' }, ...over }] },
    ],
  },
});
const BAD_EXPRS = ['sum by (job (rate(x[5m]))', 'rate(up[5m]', 'nosuchfunction(up)', 'up{job=~"("}', 'up{job!~"(?=x)"}', 'up{job="\\q"}', 'up[99999999999y]', 'up +', 'sum(up) by job',
  // Type errors the grammar lets through:
  'rate(up)', 'sum(rate(up[5m]))[5m]', 'abs(up, up)', 'up and 1', 'topk(up, 3)', '"str" + 1', '1 > 2', 'up / on(job) 2', 'abs(-1)', 'histogram_quantile(up, 0.9)'];
/** Loaded by Prometheus, but failing at every evaluation (a bad label_replace regex, a range vector result): refused too. */
const FAILS_AT_EVALUATION = ['label_replace(up, "a", "$1", "b", "(")', 'label_replace(up, "a", "$1", "b", "(?=x)")', 'up[5m]'];
for (const expr of [...BAD_EXPRS, ...FAILS_AT_EVALUATION]) file('PromQL', `expr ${expr}`, alert({ expr }), 'rules.additionalGroups.0.rules.0.expr');
const BAD_TEMPLATES = [
  '{{ .Broken',
  '{{ $labels.job }',
  '{{ if true }}x',
  '{{ end }}',
  '{{ nosuchfunc 1 }}',
  '{{ $nope }}',
  '{{ "unterminated }}',
  '{{ (humanize 1 }}',
  '{{}}',
  '{{/* unclosed comment }}',
  '{{ else }}',
  '{{ range $x := 1 }}{{ end }}{{ break }}',
];
for (const t of BAD_TEMPLATES) file('Go templates', `annotation ${t}`, alert({ annotations: { summary: 's', description: t } }), 'rules.additionalGroups.0.rules.0.annotations.description');
for (const t of BAD_TEMPLATES.slice(0, 4)) file('Go templates', `label ${t}`, alert({ labels: { severity: 'warning', category: 'application', service: 's', team: t } }), 'rules.additionalGroups.0.rules.0.labels.team');

// ---------------------------------------------------------------------------
// 9. Alertmanager: template text in receiver fields, addresses, time intervals

for (const [key, v] of [
  ['alertmanager.receivers.slack.channel', '{{ .Broken'],
  ['alertmanager.receivers.slack.channel', '#a{{end}}'],
  ['alertmanager.receivers.slack.channel', '#two words'],
  ['alertmanager.receivers.email.to', '{{ .Broken'],
  ['alertmanager.receivers.email.to', 'ops@example.com{{'],
  ['alertmanager.receivers.email.to', 'not an address'],
  ['alertmanager.receivers.email.from', '{{ template "x" }}@example.com'],
  ['alertmanager.receivers.email.from', 'me@'],
  ['alertmanager.receivers.teams.application.slackChannel', '{{ .CommonLabels.x }}'],
  ['alertmanager.receivers.teams.infrastructure.emailTo', 'infra@example.com, {{ .X }}'],
  ['alertmanager.receivers.email.smarthost', 'h:99999'],
  ['alertmanager.receivers.email.smarthost', 'h:0'],
  ['alertmanager.receivers.email.smarthost', 'bad host!:25'],
]) {
  set('Alertmanager text', key, v);
}
const window = (interval: Tree): Tree => ({ alertmanager: { maintenanceWindows: [{ name: 'w', intervals: [interval] }] } });
const BAD_INTERVALS = [
  ['daysOfMonth', '-31:31'],
  ['daysOfMonth', '10:5'],
  ['daysOfMonth', '-1:-5'],
  ['daysOfMonth', '0'],
  ['daysOfMonth', '32'],
  ['weekdays', 'friday:monday'],
  ['weekdays', 'funday'],
  ['months', 'december:january'],
  ['months', '12:1'],
  ['years', '2027:2026'],
] as const;
/**
 * Intervals Alertmanager 0.25 loads but that never match (no month 13, no
 * year 99999): refused too, as a window that silently never mutes is a typo.
 */
const NEVER_MATCHING_INTERVALS = [
  ['months', '13'],
  ['years', '99999'],
] as const;
for (const [field, v] of [...BAD_INTERVALS, ...NEVER_MATCHING_INTERVALS]) {
  file('time intervals', `${field} ${v}`, window({ [field]: [v] }), `alertmanager.maintenanceWindows.0.intervals.0.${field}.0`);
}
file('time intervals', 'times reversed', window({ times: [{ start: '18:00', end: '09:00' }] }), 'alertmanager.maintenanceWindows.0.intervals.0.times.0.end');
file('time intervals', 'times 25:00', window({ times: [{ start: '09:00', end: '25:00' }] }), 'alertmanager.maintenanceWindows.0.intervals.0.times.0.end');
file('time intervals', 'an empty interval', window({}), 'alertmanager.maintenanceWindows.0.intervals.0');

// ---------------------------------------------------------------------------
// 10. Objects over the API server's 1 MiB limit

const bigGroup = (name: string, rules: number, alertName = 'Big', padding = 0): Tree => ({
  name,
  rules: Array.from({ length: rules }, (_, i) => ({
    alert: `${alertName}${i}`,
    expr: `sum(rate(pynomaly_http_requests_total{endpoint="/api/v1/endpoint-${i}", status_code=~"5.."}[5m])) > ${i}`,
    for: '5m',
    labels: { severity: 'warning', category: 'application', service: 'pynomaly-api' },
    annotations: { summary: `Endpoint ${i} fails`, description: `{{ $labels.endpoint }} has {{ $value | humanize }} errors per second (rule ${i} of ${rules}, padded to a realistic length)${'.'.repeat(padding)}` },
  })),
});
file('object size', 'one rule group of 1,500 long rules (over 1 MiB on its own)', { rules: { additionalGroups: [bigGroup('huge', 1500, 'Big', 600)] } }, 'rules.additionalGroups.0: rule group "huge" is');

// ---------------------------------------------------------------------------

/** Exit code and stderr of the CLI run in this process, and how long it took. */
function runInProcess(args: readonly string[]): { status: number; stderr: string; ms: number } {
  let stderr = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const start = performance.now();
  try {
    return { status: main(args), stderr, ms: performance.now() - start };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

/** The same through the bundled CLI in a child process, killed after `timeoutMs`. */
function runSpawned(args: readonly string[], timeoutMs: number): Promise<{ status: number; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal ? -1 : -2), stderr: signal ? `${stderr}[killed by ${signal} after ${timeoutMs} ms]` : stderr, ms: performance.now() - start });
    });
  });
}

/** How a refused case must end. */
function expectRefused(c: Refused, r: { status: number; stderr: string; ms: number }, boundMs: number, output: string): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect({ name: c.name, status: r.status, lines: lines.length, last: lines[lines.length - 1] }).toEqual({ name: c.name, status: 1, lines: 2, last: 'nothing was written.' });
  expect(lines[0]).toMatch(/^error: /);
  for (const n of c.names) expect(lines[0]).toContain(n);
  expect(r.stderr).not.toMatch(/\n\s+at .*:\d+/); // no stack trace
  expect(r.stderr.length).toBeLessThan(1200);
  expect(r.ms).toBeLessThan(boundMs);
  expect(existsSync(output)).toBe(false);
}

const IN_PROCESS_BOUND_MS = 10_000;
const SPAWNED_BOUND_MS = 30_000;

describe('hostile input is refused with one line naming the source and key', () => {
  const inProcess = refused.filter((c) => !c.spawn);

  test('there are at least 150 refused cases across the classes', () => {
    expect(refused.length).toBeGreaterThanOrEqual(150);
    expect(new Set(refused.map((c) => c.cls)).size).toBeGreaterThanOrEqual(10);
  });

  test.each(inProcess.map((c, i) => [`${c.cls}: ${c.name}`, i] as const))('%s', (_title, i) => {
    const c = inProcess[i];
    const output = join(tmp, `out-${i}`);
    const r = runInProcess(['--env', 'dev', ...c.args, '--output', output]);
    expectRefused(c, r, IN_PROCESS_BOUND_MS, output);
    // Nothing reached Object.prototype.
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Tree).polluted).toBeUndefined();
  });

  const spawned = refused.filter((c) => c.spawn);
  test(`cases that once crashed or hung the process end within ${SPAWNED_BOUND_MS / 1000} s each (${spawned.length}, in a child process)`, async () => {
    const results = await Promise.all(spawned.map((c, i) => runSpawned(['--env', 'dev', ...c.args, '--output', join(tmp, `spawned-${i}`)], SPAWNED_BOUND_MS)));
    spawned.forEach((c, i) => expectRefused(c, results[i], SPAWNED_BOUND_MS, join(tmp, `spawned-${i}`)));
  }, 2 * SPAWNED_BOUND_MS);
});

// ---------------------------------------------------------------------------
// Controls: what we refuse in rules and time intervals, the real tools refuse too
// (so the validators are not merely stricter than their consumers).

/** Runs `bin` once over every file and returns, per file, whether the tool refused it (no SUCCESS in its block). */
function failedPerFile(bin: string, args: readonly string[], files: readonly string[]): boolean[] {
  const r = run(bin, [...args, ...files]);
  const blocks = r.stdout.split('Checking ').slice(1);
  expect(blocks).toHaveLength(files.length);
  return files.map((f, i) => {
    expect(blocks[i].replace(/^'/, '').startsWith(f)).toBe(true);
    return !blocks[i].includes('SUCCESS');
  });
}

describe('controls: what we refuse, the consumers refuse too', () => {
  describeWithTool('promtool', 'promtool check rules', (promtool) => {
    test('every refused expression, template and duration of a user rule fails promtool', () => {
      const rule = (over: Tree): Tree => ({ alert: 'Mine', expr: 'up == 0', ...over });
      const bad: [string, Tree][] = [
        ...BAD_EXPRS.map((expr): [string, Tree] => [`expr ${expr}`, { groups: [{ name: 'g', rules: [rule({ expr })] }] }]),
        ...BAD_TEMPLATES.map((t): [string, Tree] => [`annotation ${t}`, { groups: [{ name: 'g', rules: [rule({ annotations: { description: t } })] }] }]),
        ...BAD_TEMPLATES.slice(0, 4).map((t): [string, Tree] => [`label ${t}`, { groups: [{ name: 'g', rules: [rule({ labels: { team: t } })] }] }]),
        ...BAD_REGEXES.map((re): [string, Tree] => [`regex ${re}`, { groups: [{ name: 'g', rules: [rule({ expr: `up{job=~${JSON.stringify(re.replace(/\\\\/g, '\\'))}}` })] }] }]),
        ['for 9999999999999d', { groups: [{ name: 'g', rules: [rule({ for: '9999999999999d' })] }] }],
        ['interval 300y', { groups: [{ name: 'g', interval: '300y', rules: [rule({})] }] }],
      ];
      const files = bad.map(([, content], i) => {
        const f = join(tmp, `control-rules-${i}.yaml`);
        writeFileSync(f, yaml.dump(content, { lineWidth: -1 }));
        return f;
      });
      const failed = failedPerFile(promtool, ['check', 'rules'], files);
      expect(bad.map(([name], i) => [name, failed[i]]).filter(([, f]) => !f)).toEqual([]);
    });
    test('what fails only at evaluation, promtool loads (our check is the only guard)', () => {
      const files = FAILS_AT_EVALUATION.map((expr, i) => {
        const f = join(tmp, `control-eval-${i}.yaml`);
        writeFileSync(f, yaml.dump({ groups: [{ name: 'g', rules: [{ record: 'x:y', expr }] }] }));
        return f;
      });
      expect(failedPerFile(promtool, ['check', 'rules'], files)).toEqual(files.map(() => false));
    });
  });

  describeWithTool('amtool', 'amtool check-config', (amtool) => {
    /** The smallest Alertmanager config muting by one time interval (our field names, Alertmanager's keys). */
    const amConfig = (interval: Record<string, readonly string[]>): Tree => {
      const key: Record<string, string> = { daysOfMonth: 'days_of_month', weekdays: 'weekdays', months: 'months', years: 'years' };
      return {
        route: { receiver: 'null', routes: [{ receiver: 'null', mute_time_intervals: ['w'] }] },
        receivers: [{ name: 'null' }],
        time_intervals: [{ name: 'w', time_intervals: [Object.fromEntries(Object.entries(interval).map(([k, v]) => [key[k], v]))] }],
      };
    };
    test('every refused time interval fails amtool', () => {
      const files = BAD_INTERVALS.map(([f, v], i) => {
        const file = join(tmp, `control-am-${i}.yml`);
        writeFileSync(file, yaml.dump(amConfig({ [f]: [v] })));
        return file;
      });
      const failed = failedPerFile(amtool, ['check-config'], files);
      expect(BAD_INTERVALS.map(([f, v], i) => [`${f} ${v}`, failed[i]]).filter(([, x]) => !x)).toEqual([]);
    });
    test('never-matching intervals load in Alertmanager 0.25 (our check is the only guard)', () => {
      const files = NEVER_MATCHING_INTERVALS.map(([f, v], i) => {
        const file = join(tmp, `control-never-${i}.yml`);
        writeFileSync(file, yaml.dump(amConfig({ [f]: [v] })));
        return file;
      });
      expect(failedPerFile(amtool, ['check-config'], files)).toEqual(files.map(() => false));
    });
  });
});

// ---------------------------------------------------------------------------
// Accepted: unusual but valid values, whose output the consumers accept.

interface Accepted {
  readonly name: string;
  readonly args: readonly string[];
}

const accepted: Accepted[] = [];
function accept(name: string, values: Tree, sets: readonly string[] = []): void {
  accepted.push({ name, args: ['--values', valuesFile(yaml.dump(values, { lineWidth: -1 })), ...sets.flatMap((s) => ['--set', s])] });
}

const fullReceivers = {
  pagerduty: { enabled: true, secret: { name: 'pd' } },
  slack: { enabled: true, secret: { name: 'slack' }, channel: '#alerts-ünïcødé' },
  email: { enabled: true, to: 'Ops Team <ops@example.com>, oncall@example.com', from: 'alerts@example.com', smarthost: 'smtp.example.com:587' },
  // A public URL instead of prod's urlSecret (null removes the layer below's Secret name).
  webhook: { enabled: true, url: 'https://hooks.example.com:8443/alert?team=ops#anchor', urlSecret: { name: null } },
  heartbeat: { enabled: true, url: 'https://api.opsgenie.com/v2/heartbeats/pynomaly/ping', secret: { name: 'og' }, authorizationType: 'GenieKey' },
  teams: { application: { enabled: true, slackChannel: '@someone', emailTo: 'app@example.com' } },
};
accept('a Unicode cluster name with quotes and a snowman', { cluster: 'clüster "prod" ☃ \\ {{ not a template }}' });
accept('a cluster name of 64 KiB - 1 characters', { cluster: 'c'.repeat(64 * 1024 - 1) });
const EVERY_RECEIVER = 'every receiver, with Unicode and display names';
accept(EVERY_RECEIVER, { alertmanager: { receivers: fullReceivers } }, ['alertmanager.routing.critical.groupWait=1s']);
accept('maintenance windows at the edges of Alertmanager ranges', {
  alertmanager: {
    maintenanceWindows: [
      {
        name: 'edges',
        intervals: [
          { daysOfMonth: ['-31:-1', '1:31', '-1', '31'], months: ['1:12', 'january:december', 'may'], weekdays: ['sunday:saturday', 'monday:monday'], years: ['2026:2026', '2026:2099'] },
          { times: [{ start: '00:00', end: '24:00' }, { start: '23:59', end: '24:00' }] },
        ],
      },
    ],
  },
});
accept('RE2 regexes as Go reads them (a group name used twice is fine in Go)', {}, [
  'rules.application.containerRegex=(?P<n>pynomaly)-(?P<n>api|worker)[0-9]*',
  'rules.application.detectionComponentRegex=(?i)detect.*',
  'rules.application.trainingComponentRegex=\\p{L}+|train',
]);
accept('durations at the edge of the range', {}, ['prometheus.retention=292y', 'alertmanager.retention=106751d', 'alertmanager.routing.info.repeatInterval=1y2w3d4h5m6s7ms']);
accept('user rules with full PromQL and Go templates', {
  rules: {
    additionalGroups: [
      {
        name: 'fuzz-accepted',
        interval: '1m',
        rules: [
          { record: 'job:up:ratio', expr: 'avg by (job) (up{job=~"pynomaly.*|x", instance!~`\\d+`})' },
          { record: 'job:relabel', expr: 'label_replace(up, "dst", "$1", "instance", "(.*):\\\\d+")' },
          {
            alert: 'FuzzAccepted',
            expr: 'sum(rate(pynomaly_http_requests_total{status_code=~"5.."}[5m])) / sum(rate(pynomaly_http_requests_total[5m])) > 0.5',
            for: '5m',
            labels: { severity: 'warning', category: 'application', service: 'pynomaly-api', team: '{{ $labels.job | toUpper }}' },
            annotations: {
              summary: '{{- /* a comment */ -}} High error rate on {{ $labels.instance }}',
              description: '{{ with $labels.job }}{{ . }}{{ else }}none{{ end }} {{ range $i, $v := $labels }}{{ $i }}={{ $v }} {{ end }}{{ printf "%.2f" $value }} {{ $value | humanizePercentage }} {{ "}}" }} {{ `raw {{` }}',
            },
          },
        ],
      },
    ],
  },
});
accept('label keys and values at their limits', {
  rules: { prometheusRule: { labels: { [`${'p'.repeat(63)}.example.com/${'n'.repeat(63)}`]: 'v'.repeat(63), release: '' } } },
  prometheus: { serviceMonitors: { labels: { 'a.b/c_d': 'A-z_0.9' } } },
});
accept('quantities in every notation, requests equal to limits', {
  prometheus: { resources: { requests: { cpu: '0.5', memory: '4Gi' }, limits: { cpu: '500m', memory: '4096Mi' } }, storage: { size: '1e11', storageClassName: 'fast.ssd-1' } },
  grafana: { persistence: { enabled: true, size: '1.5Gi', storageClassName: 'standard' } },
});
accept('int32 replicas at the top of the range and URLs with ports', {}, ['prometheus.replicas=2147483647', 'alertmanager.externalUrl=http://[::1]:65535/am', 'prometheus.externalUrl=https://prom.example.com:1/x?tab=1#graph']);
accept(
  '3,000 user rules in 30 groups (1.6 MiB): split over several ConfigMaps and PrometheusRules',
  { rules: { prometheusRule: { enabled: true }, additionalGroups: Array.from({ length: 30 }, (_, g) => bigGroup(`many-${g}`, 100, `Many${g}x`)) } },
);
accept('a Grafana datasource URL with a $ (escaped: Grafana expands $VAR in provisioning files)', {}, ['grafana.datasources.jaeger.url=https://jaeger.example.com/$HOME/x']);
accept('image repositories with registry ports and nested paths', {}, ['prometheus.image.repository=registry.example.com:5000/mirror/prom__etheus/x-y', 'grafana.image.repository=grafana/grafana']);

describe('accepted unusual values synthesize output the consumers accept', () => {
  const outputs = accepted.map((_, i) => join(tmp, `accepted-${i}`));
  const validator = new KubernetesValidator();

  test.each(accepted.map((c, i) => [c.name, i] as const))('%s: exit 0 and strict Kubernetes validation', (_name, i) => {
    const r = runInProcess(['--env', 'prod', ...accepted[i].args, '--output', outputs[i]]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const problems: string[] = [];
    for (const f of manifestFiles(join(outputs[i], 'prod'))) {
      for (const o of yaml.loadAll(readFileSync(f, 'utf8')) as Tree[]) {
        if (!o) continue;
        problems.push(...validator.validate(o).map((p) => `${basename(f)} ${String(o.kind)}/${String((o.metadata as Tree).name)}: ${p}`));
        const bytes = Buffer.byteLength(JSON.stringify(o));
        if (bytes > 1024 * 1024) problems.push(`${String(o.kind)} is ${bytes} bytes`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('a $ in a datasource URL reaches Grafana as $$, a literal dollar', () => {
    const i = accepted.findIndex((c) => c.name.startsWith('a Grafana datasource URL with a $'));
    const text = readFileSync(join(outputs[i], 'prod', 'grafana.yaml'), 'utf8');
    expect(text).toContain('https://jaeger.example.com/$$HOME/x');
    expect(text).not.toMatch(/[^$]\$HOME/);
  });

  test('the 3,000 rules are split: every part under 1 MiB, all mounted into the rules folder', () => {
    const i = accepted.findIndex((c) => c.name.startsWith('3,000 user rules'));
    const objects = objectsIn(join(outputs[i], 'prod'));
    const ruleMaps = objects.filter((o) => o.kind === 'ConfigMap' && String((o.metadata as Tree).name).startsWith(PROMETHEUS.rulesConfigMap));
    expect(ruleMaps.length).toBeGreaterThan(1);
    const files = ruleMaps.flatMap((o) => Object.keys((o as { data: Tree }).data));
    expect(files.filter((f) => f.startsWith('additional-rules')).length).toBeGreaterThan(1);
    const sts = objects.find((o) => o.kind === 'StatefulSet' && (o.metadata as Tree).name === PROMETHEUS.name) as { spec: { template: { spec: { volumes: Tree[] } } } };
    const volume = sts.spec.template.spec.volumes.find((v) => v.name === 'rules') as { projected: { sources: { configMap: { name: string } }[] } };
    expect(volume.projected.sources.map((src) => src.configMap.name)).toEqual(ruleMaps.map((o) => (o.metadata as Tree).name));
    const crs = objectsIn(join(outputs[i], 'prod', 'prometheus-operator')).filter((o) => o.kind === 'PrometheusRule');
    expect(crs.length).toBeGreaterThan(1);
    const groups = crs.flatMap((o) => ((o as { spec: { groups: { name: string }[] } }).spec.groups).map((g) => g.name));
    expect(groups.filter((g) => g.startsWith('many-'))).toHaveLength(30);
  });

  describeWithTool('promtool', 'accepted values: promtool', (promtool) => {
    test('promtool check config (with the rule files) accepts every case', () => {
      const configs = outputs.map(checkablePrometheus);
      const r = run(promtool, ['check', 'config', ...configs]);
      expect([r.status, r.stdout + r.stderr]).toEqual([0, expect.stringContaining('SUCCESS')]);
      expect((r.stdout + r.stderr).match(/is valid prometheus config file syntax/g)).toHaveLength(accepted.length);
    });
    test('promtool check rules accepts every PrometheusRule', () => {
      const files = accepted.map((_c, i) => {
        const rules = objectsIn(join(outputs[i], 'prod', 'prometheus-operator')).filter((o) => o.kind === 'PrometheusRule') as { spec: Tree }[];
        return rules.map((rule, r) => {
          const f = join(tmp, `prometheusrule-${i}-${r}.yaml`);
          writeFileSync(f, yaml.dump(rule.spec, { lineWidth: -1 }));
          return f;
        });
      }).flat();
      const r = run(promtool, ['check', 'rules', ...files]);
      expect([r.status, r.stdout + r.stderr]).toEqual([0, expect.stringContaining('SUCCESS')]);
    });
  });

  describeWithTool('prometheus-alertmanager', 'accepted values: the live Alertmanager', (alertmanagerBin) => {
    afterAll(stopServers, 30_000);

    test('renders and sends a notification with the Unicode channels and display-name addresses', async () => {
      const i = accepted.findIndex((c) => c.name === EVERY_RECEIVER);
      const cm = objectsIn(join(outputs[i], 'prod')).find((o) => o.kind === 'ConfigMap' && (o.metadata as Tree).name === ALERTMANAGER.configMap) as { data: Record<string, string> };
      const am = runnableAlertmanager(join(tmp, 'live-am'), cm.data);
      // Slack and webhook notifications go to a local capture server instead of the closed loopback port.
      const capture = await captureServer();
      try {
        for (const f of [am.configFile, ...am.credentialFiles]) writeFileSync(f, readFileSync(f, 'utf8').split(LOOPBACK_SINK).join(capture.url));
        const server = await startServer({ name: 'alertmanager fuzz', bin: alertmanagerBin, args: (port) => alertmanagerArgs(am, port) });
        const labels = { alertname: 'FuzzLive', severity: 'critical', category: 'application', service: 'pynomaly-api', cluster: 'clüster', environment: 'prod' };
        const posted = await postJson(`${server.url}/api/v2/alerts`, [{ labels, annotations: { summary: 'ünïcødé {{ not a template }}', description: 'd' } }]);
        expect(posted.status).toBe(200);
        const slack = await pollUntil(
          async () => capture.received.filter((r) => r.path.endsWith('api-url') || r.body.includes('"channel"')),
          (got) => got.length >= 2,
          { timeoutMs: 20_000 },
        );
        const channels = slack.map((r) => (JSON.parse(r.body) as { channel: string }).channel).sort();
        expect(channels).toEqual(['#alerts-ünïcødé', '@someone']);
        for (const r of slack) expect(r.body).toContain('FuzzLive');
      } finally {
        capture.server.close();
      }
    }, 60_000);
  });

  describeWithTool('amtool', 'accepted values: amtool', (amtool) => {
    test('amtool check-config accepts every Alertmanager config with its templates', () => {
      const files = accepted.map((_c, i) => {
        const dir = join(tmp, `amtool-${i}`);
        mkdirSync(dir, { recursive: true });
        const cm = objectsIn(join(outputs[i], 'prod')).find((o) => o.kind === 'ConfigMap' && (o.metadata as Tree).name === ALERTMANAGER.configMap) as { data: Record<string, string> };
        for (const [name, content] of Object.entries(cm.data)) writeFileSync(join(dir, name), content);
        const config = yaml.load(cm.data[ALERTMANAGER.configFile]) as Tree;
        config.templates = [join(dir, '*.tmpl')];
        // amtool 0.25 predates the webhook's url_file (prod reads its webhook URL from a Secret file).
        swapUrlFiles(config, 'https://url-file.invalid/alertmanager');
        writeFileSync(join(dir, ALERTMANAGER.configFile), yaml.dump(config, { lineWidth: -1 }));
        return join(dir, ALERTMANAGER.configFile);
      });
      const r = run(amtool, ['check-config', ...files]);
      expect([r.status, r.stdout + r.stderr]).toEqual([0, expect.stringContaining('SUCCESS')]);
      expect((r.stdout + r.stderr).match(/Checking '[^']*'\s+SUCCESS/g)).toHaveLength(accepted.length);
    });
  });
});

/** Every manifest file below `dir`, or only those directly in it. */
/** A loopback HTTP server that records every request body it receives, by path. */
async function captureServer(): Promise<{ server: Server; url: string; received: { path: string; body: string }[] }> {
  const received: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function manifestFiles(dir: string, recursive = true): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...manifestFiles(full));
    } else if (entry.name.endsWith('.yaml')) out.push(full);
  }
  return out;
}

/** The objects of the manifest files directly in `dir`. */
function objectsIn(dir: string): Tree[] {
  return manifestFiles(dir, false).flatMap((f) => (yaml.loadAll(readFileSync(f, 'utf8')) as Tree[]).filter(Boolean));
}

/** prometheus.yml and its rule files, written for Debian's promtool: returns the config path. */
function checkablePrometheus(output: string): string {
  const objects = objectsIn(join(output, 'prod'));
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && (o.metadata as Tree).name === PROMETHEUS.configMap) as { data: Record<string, string> };
  const rules = Object.fromEntries(
    objects
      .filter((o) => o.kind === 'ConfigMap' && String((o.metadata as Tree).name).startsWith(PROMETHEUS.rulesConfigMap))
      .flatMap((o) => Object.entries((o as { data?: Record<string, string> }).data ?? {})),
  );
  return checkableCopy(configMap.data[PROMETHEUS.configFile], rules).configPath;
}
