/**
 * Values of Alertmanager (`alertmanager.*`). No value ever holds a credential:
 * a receiver that needs one names a user-provided Secret and key, which the
 * StatefulSet mounts as a file that the Alertmanager config points at.
 */
import * as z from 'zod';
import { CATEGORIES, Category } from '../catalog/alerting';
import { duration, enabled, hostPort, image, replicas, resources, secretRef, storage } from '../values/types';
import {
  dayOfMonthRangeProblem,
  emailAddressProblem,
  emailListProblem,
  monthRangeProblem,
  slackChannelProblem,
  weekdayRangeProblem,
  yearRangeProblem,
} from '../values/validators/alertmanager';
import { problemOf } from '../values/validators/refine';
import { urlProblem } from '../values/validators/url';

/**
 * A URL that is not itself a secret: it lands in a ConfigMap. Credentials go
 * to a Secret (sent as an Authorization header), never into the URL.
 */
function publicUrl(description: string, secretOption: string) {
  return z
    .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
    .superRefine(problemOf((u: string) => urlProblem(u, { secretOption })))
    .optional()
    .describe(description);
}

const AUTHORIZATION_TYPE = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { message: 'expected an HTTP authorization scheme such as Bearer' })
  .default('Bearer')
  .describe('Scheme of the Authorization header sent with the Secret\'s value (Bearer, GenieKey for an Opsgenie heartbeat, ...)');

/** Group wait/interval and repeat of one severity. */
function timing(defaults: { groupWait: string; groupInterval: string; repeatInterval: string }, what: string) {
  return z
    .strictObject({
      groupWait: duration(defaults.groupWait, `How long to wait to batch the first notification of a new ${what} group`),
      groupInterval: duration(defaults.groupInterval, `How long to wait before notifying about new ${what} alerts in a group already notified`),
      repeatInterval: duration(defaults.repeatInterval, `How often a still-firing ${what} notification is sent again`),
    })
    .prefault({})
    .describe(`Notification timing of ${what} alerts`);
}

const teamReceiver = (category: Category) =>
  z
    .strictObject({
      enabled: z.boolean().default(false).describe(`Also send critical and warning alerts with category=${category} to the ${category} team`),
      slackChannel: z.string().min(1).superRefine(problemOf(slackChannelProblem)).optional().describe(`Slack channel of the ${category} team`),
      slackSecret: secretRef(`the Slack webhook URL of the ${category} team (default: alertmanager.receivers.slack.secret)`, { key: 'api-url' }),
      emailTo: z
        .string()
        .min(3)
        .superRefine(problemOf(emailListProblem))
        .optional()
        .describe(`Email address(es) of the ${category} team; sent through the SMTP settings of alertmanager.receivers.email`),
    })
    .prefault({})
    .describe(`Team receiver for category=${category}`);

const teams = z
  .strictObject(Object.fromEntries(CATEGORIES.map((c) => [c, teamReceiver(c)])) as Record<Category, ReturnType<typeof teamReceiver>>)
  .prefault({})
  .describe('Team receivers, one per alert category: they get critical and warning alerts of their category in addition to the severity receivers');

const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;
const WEEKDAY = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday)';
const MONTH = '(january|february|march|april|may|june|july|august|september|october|november|december|1[0-2]|[1-9])';
const DAY = '-?([1-9]|[12][0-9]|3[01])';

const timeInterval = z
  .strictObject({
    times: z
      .array(
        z.strictObject({
          start: z.string().regex(TIME_OF_DAY, { message: 'expected HH:MM' }).describe('Start time of day (HH:MM UTC, inclusive)'),
          end: z.string().regex(TIME_OF_DAY, { message: 'expected HH:MM' }).describe('End time of day (HH:MM UTC, exclusive)'),
        })
        // Zero-padded HH:MM strings compare like the times they stand for.
        .refine((t) => t.start < t.end, { message: 'start must be before end (a window crossing midnight is two ranges)', path: ['end'] }),
      )
      .optional()
      .describe('Time ranges of the day; unset means the whole day'),
    weekdays: z
      .array(z.string().regex(new RegExp(`^${WEEKDAY}(:${WEEKDAY})?$`), { message: 'expected a weekday or a range such as monday:friday' }).superRefine(problemOf(weekdayRangeProblem)))
      .optional()
      .describe('Days of the week (e.g. saturday, monday:friday); unset means every day'),
    daysOfMonth: z
      .array(
        z
          .string()
          .regex(new RegExp(`^${DAY}(:${DAY})?$`), { message: 'expected a day of the month or a range such as 1:7 (negative counts from the end)' })
          .superRefine(problemOf(dayOfMonthRangeProblem)),
      )
      .optional()
      .describe('Days of the month (e.g. "1:7", "-1"); unset means every day'),
    months: z
      .array(z.string().regex(new RegExp(`^${MONTH}(:${MONTH})?$`), { message: 'expected a month or a range such as january:march' }).superRefine(problemOf(monthRangeProblem)))
      .optional()
      .describe('Months (e.g. december, 1:3); unset means every month'),
    years: z
      .array(z.string().regex(/^\d{4}(:\d{4})?$/, { message: 'expected a year or a range such as 2026:2027' }).superRefine(problemOf(yearRangeProblem)))
      .optional()
      .describe('Years (e.g. 2026); unset means every year'),
  })
  .refine((i) => Object.values(i).some((field) => field !== undefined), {
    message: 'set at least one of times, weekdays, daysOfMonth, months, years (an empty interval would mute forever)',
  })
  // No time zone: the official image has no zone database (prometheus/busybox), so
  // a `location` other than UTC would stop Alertmanager from loading its config.
  .describe('One recurring time interval (Alertmanager time_intervals semantics), in UTC');

const maintenanceWindow = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: 'expected a name of letters, digits, - and _' })
      .describe('Name of the window (an Alertmanager time interval name)'),
    intervals: z.array(timeInterval).min(1).describe('When the window is active: any of these intervals'),
  })
  .describe('A recurring maintenance window');

export const alertmanagerValues = z
  .strictObject({
    enabled: enabled(true, 'Alertmanager'),
    image: image({ repository: 'quay.io/prometheus/alertmanager', tag: 'v0.34.0' }),
    replicas: replicas(1, 'Alertmanager replicas; more than one forms a gossip cluster (through the headless Service) that deduplicates notifications'),
    retention: duration('120h', 'How long silences and the notification log are kept (--data.retention)'),
    storage: storage({ size: '2Gi' }),
    resources: resources({ requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } }),
    externalUrl: z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
      .superRefine(problemOf((u: string) => urlProblem(u)))
      .optional()
      .describe(
        'URL Alertmanager is reached at from outside (--web.external-url), used in notification links. Routes stay at / inside the pod (--web.route-prefix=/): a proxy serving a sub-path must strip it',
      ),
    routing: z
      .strictObject({
        groupBy: z
          .array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'expected a label name' }))
          .min(1)
          .default(['alertname', 'service', 'cluster', 'environment'])
          .describe('Labels alerts are grouped by into one notification'),
        critical: timing({ groupWait: '10s', groupInterval: '1m', repeatInterval: '15m' }, 'critical'),
        warning: timing({ groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' }, 'warning'),
        info: timing({ groupWait: '1m', groupInterval: '10m', repeatInterval: '24h' }, 'info'),
      })
      .prefault({})
      .describe('Routing tree: grouping and timing by severity'),
    maintenanceWindows: z
      .array(maintenanceWindow)
      .default([])
      .describe('Recurring maintenance windows: warning and info notifications are muted while one is active (critical ones never are)'),
    receivers: z
      .strictObject({
        pagerduty: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Page critical alerts through PagerDuty (Events API v2)'),
            secret: secretRef('the PagerDuty integration (routing) key', { key: 'routing-key' }),
          })
          .prefault({})
          .describe('PagerDuty: critical alerts only'),
        slack: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Send critical and warning alerts to Slack'),
            secret: secretRef('the Slack incoming-webhook URL', { key: 'api-url' }),
            channel: z.string().min(1).superRefine(problemOf(slackChannelProblem)).optional().describe("Slack channel; unset uses the webhook's own channel"),
          })
          .prefault({})
          .describe('Slack: critical and warning alerts'),
        email: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Send critical and warning alerts by email'),
            to: z.string().min(3).superRefine(problemOf(emailListProblem)).optional().describe('Recipient address(es), comma-separated'),
            from: z.string().min(3).superRefine(problemOf(emailAddressProblem)).optional().describe('Sender address'),
            smarthost: hostPort('SMTP server as host:port'),
            authUsername: z.string().min(1).optional().describe('SMTP user; unset sends without authentication'),
            secret: secretRef('the SMTP password (required when authUsername is set)', { key: 'password' }),
            requireTls: z.boolean().default(true).describe('Require STARTTLS'),
          })
          .prefault({})
          .describe('Email: critical and warning alerts (its SMTP settings also serve the team receivers)'),
        webhook: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Send critical and info alerts to a webhook'),
            url: publicUrl(
              'Webhook URL when it is not a secret (it is stored in a ConfigMap); set this or urlSecret',
              'alertmanager.receivers.webhook.urlSecret, or the credential in alertmanager.receivers.webhook.secret, sent as the Authorization header',
            ),
            urlSecret: secretRef(
              'the webhook URL itself, for URLs that carry a credential (rendered as url_file, Alertmanager 0.26+); set this or url',
              { key: 'url' },
            ),
            urlPort: z
              .int()
              .min(1)
              .max(65535, { message: 'expected a port number (1-65535)' })
              .default(443)
              .describe('Port of the URL in urlSecret, for the NetworkPolicy (the URL itself is not known at synth time; its host counts as outside the cluster)'),
            authorizationType: AUTHORIZATION_TYPE,
            secret: secretRef('the credential sent in the Authorization header (optional: unset sends none)', { key: 'token' }),
          })
          .prefault({})
          .describe('Webhook (a generic receiver of Alertmanager\'s JSON): critical and info alerts'),
        heartbeat: z
          .strictObject({
            enabled: z.boolean().default(false).describe(`Send the always-firing Watchdog alert to a dead man's switch (otherwise it goes to the null receiver)`),
            url: publicUrl(`Dead man's switch URL (not a secret), e.g. https://api.opsgenie.com/v2/heartbeats/<name>/ping`, 'alertmanager.receivers.heartbeat.secret, sent as the Authorization header'),
            authorizationType: AUTHORIZATION_TYPE,
            secret: secretRef('the credential sent in the Authorization header (optional: unset sends none)', { key: 'token' }),
            interval: duration('1m', 'How often the Watchdog is sent; keep well below the switch\'s expiry'),
          })
          .prefault({})
          .describe(`Dead man's switch for the Watchdog alert; it never pages`),
        teams,
      })
      .prefault({})
      .describe('Notification receivers; each is off until enabled, and credentials come only from Secrets'),
  })
  .superRefine((v, ctx) => {
    for (const issue of receiverIssues(v as AlertmanagerValues)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  })
  .prefault({})
  .describe('Alertmanager');

export type AlertmanagerValues = z.output<typeof alertmanagerValues>;
export type TimingValues = AlertmanagerValues['routing']['critical'];
export type MaintenanceWindow = AlertmanagerValues['maintenanceWindows'][number];

interface Issue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** What the types cannot say: an enabled receiver needs its Secret and its non-secret settings. */
export function receiverIssues(v: AlertmanagerValues): Issue[] {
  const r = v.receivers;
  const issues: Issue[] = [];
  const require = (path: Issue['path'], present: unknown, when: string) => {
    if (present === undefined) issues.push({ path, message: `required when ${when}` });
  };
  const key = (...path: string[]) => `alertmanager.receivers.${path.join('.')}`;

  if (r.pagerduty.enabled) require(['receivers', 'pagerduty', 'secret', 'name'], r.pagerduty.secret.name, `${key('pagerduty', 'enabled')} is true`);
  if (r.slack.enabled) require(['receivers', 'slack', 'secret', 'name'], r.slack.secret.name, `${key('slack', 'enabled')} is true`);
  if (r.email.enabled) {
    for (const field of ['to', 'from', 'smarthost'] as const) require(['receivers', 'email', field], r.email[field], `${key('email', 'enabled')} is true`);
  }
  if (r.email.authUsername !== undefined) {
    require(['receivers', 'email', 'secret', 'name'], r.email.secret.name, `${key('email', 'authUsername')} is set`);
  }
  if (r.webhook.enabled && (r.webhook.url === undefined) === (r.webhook.urlSecret.name === undefined)) {
    issues.push({ path: ['receivers', 'webhook', 'url'], message: `set exactly one of url and urlSecret.name when ${key('webhook', 'enabled')} is true` });
  }
  if (r.heartbeat.enabled) require(['receivers', 'heartbeat', 'url'], r.heartbeat.url, `${key('heartbeat', 'enabled')} is true`);

  for (const category of CATEGORIES) {
    const team = r.teams[category];
    if (!team.enabled) continue;
    if (team.slackChannel === undefined && team.emailTo === undefined) {
      issues.push({ path: ['receivers', 'teams', category], message: `set slackChannel or emailTo when ${key('teams', category, 'enabled')} is true` });
    }
    if (team.slackChannel !== undefined && team.slackSecret.name === undefined && r.slack.secret.name === undefined) {
      issues.push({
        path: ['receivers', 'teams', category, 'slackSecret', 'name'],
        message: `required when ${key('teams', category, 'slackChannel')} is set and ${key('slack', 'secret', 'name')} is not`,
      });
    }
    if (team.emailTo !== undefined) {
      for (const field of ['from', 'smarthost'] as const) {
        require(['receivers', 'email', field], r.email[field], `${key('teams', category, 'emailTo')} is set`);
      }
    }
  }

  const names = v.maintenanceWindows.map((w) => w.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issues.push({ path: ['maintenanceWindows', i, 'name'], message: `duplicate maintenance window name ${JSON.stringify(name)}` });
  });
  return dedupe(issues);
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path.join('.')}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
