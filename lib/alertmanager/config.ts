/**
 * The native Alertmanager configuration (alertmanager.yml), built from values.
 *
 * Routing tree, first match wins unless `continue: true`:
 *   1. alertname=Watchdog -> heartbeat (or null): never pages, never muted, stops.
 *   2. one route per enabled team: category=<c>, severity=~critical|warning -> team-<c>,
 *      continue: true, so the alert goes on to its severity route below.
 *   3. severity=critical -> critical (PagerDuty, Slack, email, webhook), short waits.
 *   4. severity=warning  -> warning (Slack, email), muted in maintenance windows.
 *   5. severity=info     -> info (webhook), muted in maintenance windows.
 *   Root receiver: warning, so an alert that breaks the label contract (no
 *   severity) is still seen by a human instead of vanishing.
 *
 * Credentials: every one is a file path (`*_file`, `credentials_file`) into a
 * mounted user-provided Secret; the config never holds a credential. Only
 * fields that both amtool 0.25 (CI) and the deployed image accept are used:
 * Slack `api_url_file` (0.22+), PagerDuty `routing_key_file` (0.25+), email
 * `auth_password_file` (0.25+), webhook `http_config.authorization.credentials_file`
 * (prometheus/common). One exception: the webhook's `url_file` (0.26+, the
 * image is 0.34), rendered only when `alertmanager.receivers.webhook.urlSecret`
 * names a Secret (a URL that is itself a credential); amtool 0.25 does not know
 * the field, so the tests check a copy with it swapped for `url` (see
 * test/support/live-configs.ts, `swapUrlFiles`).
 */
import { ALERT_LABELS, CATEGORIES, Category, SEVERITIES, Severity, TWIN_EQUAL_LABELS, WATCHDOG_ALERT } from '../catalog/alerting';
import { ALERTMANAGER } from './constants';
import { TEMPLATE, useTemplate } from './templates';
import { AlertmanagerValues, MaintenanceWindow, TimingValues } from './values';

/** Receiver names, referenced by routes and by tests. */
export const RECEIVER = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
  /** Swallows what must never notify (the Watchdog without a dead man's switch). */
  null: 'null',
  heartbeat: 'heartbeat',
  team: (category: Category) => `team-${category}`,
} as const;

/** One Secret key mounted as a file in its own folder. */
export interface SecretMount {
  /** The integration it serves (`slack`, `webhook-url`, ...): its folder name. */
  readonly id: string;
  /** Pod volume name. */
  readonly volume: string;
  readonly secretName: string;
  readonly key: string;
  /** Mount folder: `<secretsDir>/<id>`. */
  readonly dir: string;
  /** File name inside `dir` (the Secret key is projected to this fixed name). */
  readonly file: string;
  /** `dir/file`: what the config references. */
  readonly path: string;
}

export interface RenderedAlertmanagerConfig {
  /** alertmanager.yml as an object. */
  readonly config: Record<string, unknown>;
  /** The Secrets the config reads files from; the StatefulSet mounts each. */
  readonly secretMounts: readonly SecretMount[];
}

/** Collects the Secret files the config references, one mount per receiver integration. */
class SecretFiles {
  private readonly mounts = new Map<string, SecretMount>();

  /** The path of the file holding `ref`, mounted at `<secretsDir>/<id>/<file>`. */
  public path(id: string, ref: { readonly name?: string; readonly key: string }, file: string): string {
    // The values schema refuses an enabled receiver without its Secret; this is a programming error.
    if (!ref.name) throw new Error(`alertmanager: ${id} needs a Secret name`);
    // The same key of the same Secret (a team's Slack through the shared webhook) is mounted once.
    const same = [...this.mounts.values()].find((m) => m.secretName === ref.name && m.key === ref.key && m.file === file);
    if (same) return same.path;
    const dir = `${ALERTMANAGER.secretsDir}/${id}`;
    const mount: SecretMount = { id, volume: `secret-${id}`, secretName: ref.name, key: ref.key, dir, file, path: `${dir}/${file}` };
    this.mounts.set(id, mount);
    return mount.path;
  }

  public all(): SecretMount[] {
    return [...this.mounts.values()];
  }
}

/** `label="value"`, the matcher syntax both amtool 0.25 and current Alertmanager parse. */
export function matcher(label: string, value: string, op: '=' | '=~' | '!=' = '='): string {
  return `${label}${op}${JSON.stringify(value)}`;
}

function timing(t: TimingValues): Record<string, string> {
  return { group_wait: t.groupWait, group_interval: t.groupInterval, repeat_interval: t.repeatInterval };
}

export function alertmanagerConfig(v: AlertmanagerValues): RenderedAlertmanagerConfig {
  const secrets = new SecretFiles();
  const receivers = buildReceivers(v, secrets);
  const muted = v.maintenanceWindows.length ? { mute_time_intervals: v.maintenanceWindows.map((w) => w.name) } : {};
  const config: Record<string, unknown> = {
    route: {
      receiver: RECEIVER.warning,
      group_by: [...v.routing.groupBy],
      ...timing(v.routing.warning),
      routes: [
        watchdogRoute(v),
        ...CATEGORIES.filter((c) => v.receivers.teams[c].enabled).map((c) => teamRoute(v, c, muted)),
        { receiver: RECEIVER.critical, matchers: [matcher(ALERT_LABELS.severity, 'critical')], ...timing(v.routing.critical) },
        { receiver: RECEIVER.warning, matchers: [matcher(ALERT_LABELS.severity, 'warning')], ...timing(v.routing.warning), ...muted },
        { receiver: RECEIVER.info, matchers: [matcher(ALERT_LABELS.severity, 'info')], ...timing(v.routing.info), ...muted },
      ],
    },
    inhibit_rules: inhibitRules(),
    receivers,
    ...(v.maintenanceWindows.length ? { time_intervals: v.maintenanceWindows.map(timeInterval) } : {}),
    templates: [`${ALERTMANAGER.configDir}/*.tmpl`],
  };
  return { config, secretMounts: secrets.all() };
}

/** The Watchdog proves the pipeline end to end: to the dead man's switch if there is one, else nowhere. */
function watchdogRoute(v: AlertmanagerValues): Record<string, unknown> {
  const route = { matchers: [matcher('alertname', WATCHDOG_ALERT)] };
  if (!v.receivers.heartbeat.enabled) return { receiver: RECEIVER.null, ...route };
  const every = v.receivers.heartbeat.interval;
  return { receiver: RECEIVER.heartbeat, ...route, group_wait: '0s', group_interval: every, repeat_interval: every };
}

/**
 * A team gets the critical and warning alerts of its category, with the same
 * timing (and maintenance muting) as the severity routes, and the alert goes
 * on to its severity route (`continue: true`).
 */
function teamRoute(v: AlertmanagerValues, category: Category, muted: Record<string, unknown>): Record<string, unknown> {
  const paged: readonly Severity[] = ['critical', 'warning'];
  return {
    receiver: RECEIVER.team(category),
    matchers: [matcher(ALERT_LABELS.category, category), matcher(ALERT_LABELS.severity, paged.join('|'), '=~')],
    continue: true,
    routes: [
      { matchers: [matcher(ALERT_LABELS.severity, 'critical')], ...timing(v.routing.critical) },
      { matchers: [matcher(ALERT_LABELS.severity, 'warning')], ...timing(v.routing.warning), ...muted },
    ],
  };
}

/**
 * Warning/critical twins share one alertname and differ only in severity
 * (lib/catalog/alerting.ts), so one rule mutes every warning whose critical
 * twin fires for the same service, namespace, cluster and environment.
 */
export function inhibitRules(): Record<string, unknown>[] {
  return [
    {
      source_matchers: [matcher(ALERT_LABELS.severity, 'critical')],
      target_matchers: [matcher(ALERT_LABELS.severity, 'warning')],
      equal: [...TWIN_EQUAL_LABELS],
    },
  ];
}

function timeInterval(w: MaintenanceWindow): Record<string, unknown> {
  return {
    name: w.name,
    time_intervals: w.intervals.map((i) => ({
      ...(i.times ? { times: i.times.map((t) => ({ start_time: t.start, end_time: t.end })) } : {}),
      ...(i.weekdays ? { weekdays: i.weekdays } : {}),
      ...(i.daysOfMonth ? { days_of_month: i.daysOfMonth } : {}),
      ...(i.months ? { months: i.months } : {}),
      ...(i.years ? { years: i.years } : {}),
    })),
  };
}

// ---------------------------------------------------------------------------
// Receivers

type Integrations = Record<string, Record<string, unknown>[]>;

function receiver(name: string, integrations: Integrations): Record<string, unknown> {
  const nonEmpty = Object.entries(integrations).filter(([, list]) => list.length > 0);
  return { name, ...Object.fromEntries(nonEmpty) };
}

function buildReceivers(v: AlertmanagerValues, secrets: SecretFiles): Record<string, unknown>[] {
  const r = v.receivers;
  const slack = r.slack.enabled ? [slackConfig(secrets.path('slack', r.slack.secret, 'api-url'), r.slack.channel)] : [];
  const email = r.email.enabled && r.email.to ? [emailConfig(v, secrets, r.email.to)] : [];
  const webhook = r.webhook.enabled ? [webhookConfig('webhook', r.webhook, secrets)] : [];
  const pagerduty = r.pagerduty.enabled ? [pagerdutyConfig(secrets.path('pagerduty', r.pagerduty.secret, 'routing-key'))] : [];

  const bySeverity: Record<Severity, Integrations> = {
    critical: { pagerduty_configs: pagerduty, slack_configs: slack, email_configs: email, webhook_configs: webhook },
    warning: { slack_configs: slack, email_configs: email },
    info: { webhook_configs: webhook },
  };
  const out = SEVERITIES.map((s) => receiver(RECEIVER[s], bySeverity[s]));
  out.push(receiver(RECEIVER.null, {}));
  if (r.heartbeat.enabled) out.push(receiver(RECEIVER.heartbeat, { webhook_configs: [webhookConfig('heartbeat', r.heartbeat, secrets)] }));
  for (const category of CATEGORIES) {
    const team = r.teams[category];
    if (!team.enabled) continue;
    const id = RECEIVER.team(category);
    const teamSlack = team.slackChannel
      ? [slackConfig(secrets.path(`${id}-slack`, team.slackSecret.name ? team.slackSecret : r.slack.secret, 'api-url'), team.slackChannel)]
      : [];
    const teamEmail = team.emailTo ? [emailConfig(v, secrets, team.emailTo)] : [];
    out.push(receiver(id, { slack_configs: teamSlack, email_configs: teamEmail }));
  }
  return out;
}

function slackConfig(apiUrlFile: string, channel: string | undefined): Record<string, unknown> {
  return {
    api_url_file: apiUrlFile,
    ...(channel ? { channel } : {}),
    send_resolved: true,
    title: useTemplate(TEMPLATE.title),
    text: useTemplate(TEMPLATE.text),
  };
}

function emailConfig(v: AlertmanagerValues, secrets: SecretFiles, to: string): Record<string, unknown> {
  const e = v.receivers.email;
  return {
    to,
    from: e.from,
    smarthost: e.smarthost,
    ...(e.authUsername ? { auth_username: e.authUsername, auth_password_file: secrets.path('email', e.secret, 'password') } : {}),
    require_tls: e.requireTls,
    send_resolved: true,
    headers: { Subject: useTemplate(TEMPLATE.title) },
  };
}

function pagerdutyConfig(routingKeyFile: string): Record<string, unknown> {
  return {
    routing_key_file: routingKeyFile,
    severity: 'critical',
    description: useTemplate(TEMPLATE.title),
    send_resolved: true,
  };
}

interface WebhookValues {
  readonly url?: string;
  /** The URL itself from a Secret file (`url_file`); only the generic webhook has it. */
  readonly urlSecret?: { readonly name?: string; readonly key: string };
  readonly authorizationType: string;
  readonly secret: { readonly name?: string; readonly key: string };
}

/** The file name the webhook URL is projected to (`url_file`). */
export const WEBHOOK_URL_FILE = 'url';

/**
 * A webhook: its URL in the config, or (`urlSecret`) read from a mounted Secret
 * file; its credential, if any, an Authorization header read from a file.
 */
function webhookConfig(id: string, w: WebhookValues, secrets: SecretFiles): Record<string, unknown> {
  const authorization = w.secret.name ? { type: w.authorizationType, credentials_file: secrets.path(id, w.secret, 'credentials') } : undefined;
  return {
    ...(w.urlSecret?.name ? { url_file: secrets.path(`${id}-url`, w.urlSecret, WEBHOOK_URL_FILE) } : { url: w.url }),
    send_resolved: true,
    ...(authorization ? { http_config: { authorization } } : {}),
  };
}
