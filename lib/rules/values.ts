import * as z from 'zod';
import { CATEGORIES, SEVERITIES } from '../catalog/alerting';
import { isPrometheusDuration } from '../prometheus/duration';
import { enabled } from '../values/types';
import { labelKey, labelValue } from '../prometheus/values';
import { goTemplateProblem } from '../values/validators/go-template';
import { byteSize, mebibytes, MAX_OBJECT_CONTENT_BYTES } from '../values/validators/object-size';
import { promqlProblem } from '../values/validators/promql';
import { problemOf } from '../values/validators/refine';
import { re2Problem } from '../values/validators/regex';
import { urlProblem } from '../values/validators/url';
import { ALERT_NAMES } from './names';

/**
 * Values of the alert rules (`rules.*`). Ratios are given in percent (integers
 * survive `--set`, which reads `0.1` as a string); defaults are the thresholds
 * of the original rules (see the facts file).
 */

/** The rule groups we ship; each can be switched off. */
export const GROUP_IDS = ['application', 'infrastructure', 'datastores', 'monitoring', 'changes'] as const;
export type GroupId = (typeof GROUP_IDS)[number];

const GROUP_DESCRIPTIONS: Record<GroupId, string> = {
  application: 'Pynomaly API: error rate, latency, memory, CPU, detection and training failures, database, cache, scrape health',
  infrastructure: 'Hosts (node-exporter CPU and disk) and the exporters/Jaeger scrape health',
  datastores: 'Redis, PostgreSQL and Elasticsearch health',
  monitoring: 'Monitoring of the monitoring: Watchdog, config reloads, rule evaluation, notifications, scrape targets',
  changes: 'Info alerts: deployments/restarts and configuration changes',
};

function percent(defaultValue: number, description: string) {
  return z.number().gt(0).lt(100).default(defaultValue).describe(`${description} (percent)`);
}

/** A warning/critical pair of one alert: the warning threshold must come first. */
function twin(defaults: { warning: number; critical: number }, what: string, direction: 'above' | 'below' = 'above') {
  return z
    .strictObject({
      warningPercent: percent(defaults.warning, `Warning when ${what} is ${direction}`),
      criticalPercent: percent(defaults.critical, `Critical when ${what} is ${direction}`),
    })
    .prefault({})
    .refine((t) => (direction === 'above' ? t.warningPercent < t.criticalPercent : t.warningPercent > t.criticalPercent), {
      message: `the warning threshold must be reached before the critical one`,
    })
    .describe(`Thresholds of ${what}`);
}

const thresholds = z
  .strictObject({
    errorRate: twin({ warning: 10, critical: 25 }, 'the share of 5xx responses of the API over 5m'),
    latencyP95Seconds: z.number().positive().default(2).describe('Warning when the p95 latency of the API over 5m is above this many seconds'),
    memory: twin({ warning: 80, critical: 90 }, 'the working set of the API container relative to its memory limit'),
    appCpuPercent: percent(80, 'Warning when pynomaly_cpu_usage_percent is above'),
    detectionFailurePercent: percent(10, 'Warning when detection errors relative to detections over 5m are above'),
    trainingFailuresPerHour: z.int().min(0).default(5).describe('Warning when more training errors than this happened in the last hour'),
    cacheHitRatePercent: percent(50, 'Warning when the cache hit rate over 5m is below'),
    hostCpuPercent: percent(80, 'Warning when the CPU use of a node is above'),
    disk: twin({ warning: 80, critical: 90 }, 'the used space of a node filesystem'),
    elasticsearchPendingTasks: z.int().min(0).default(10).describe('Warning when Elasticsearch has more pending cluster tasks than this'),
    notificationFailurePercent: percent(1, 'Warning when failed notifications (Prometheus to Alertmanager, Alertmanager to receivers) are above'),
  })
  .prefault({})
  .describe('Alert thresholds');

const application = z
  .strictObject({
    containerRegex: z
      .string()
      .min(1)
      .superRefine(problemOf(re2Problem))
      .default('pynomaly.*')
      .describe('Regex of the container name(s) of the Pynomaly API in cAdvisor metrics (memory alerts)'),
    detectionComponentRegex: z
      .string()
      .min(1)
      .superRefine(problemOf(re2Problem))
      .default('detection')
      .describe('Regex of the pynomaly_errors_total component label values counted as detection failures'),
    trainingComponentRegex: z
      .string()
      .min(1)
      .superRefine(problemOf(re2Problem))
      .default('training')
      .describe('Regex of the pynomaly_errors_total component label values counted as training failures'),
  })
  .prefault({})
  .describe('How the rules recognise the Pynomaly API in metrics it does not label itself');

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
/** An optional duration with no default: an omitted `for` stays omitted. */
const optionalDuration = (description: string) =>
  z
    .string()
    .regex(PROMETHEUS_DURATION, { message: 'expected a Prometheus duration such as 5m or 1h' })
    .refine(isPrometheusDuration, { message: 'expected a Prometheus duration such as 5m or 1h' })
    .optional()
    .describe(description);
const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RECORD_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const stringMap = (what: string) =>
  z
    .record(z.string().regex(LABEL_NAME, { message: `expected a label name ([a-zA-Z_][a-zA-Z0-9_]*)` }), z.string().superRefine(problemOf((t: string) => goTemplateProblem(t))))
    .optional()
    .describe(what);

/** A user rule in Prometheus' own format (alerting or recording). */
const userRule = z
  .strictObject({
    alert: z.string().regex(ALERT_NAME, { message: 'expected an alert name ([a-zA-Z_][a-zA-Z0-9_]*)' }).optional().describe('Alert name (alerting rule)'),
    record: z.string().regex(RECORD_NAME, { message: 'expected a metric name' }).optional().describe('Series name (recording rule)'),
    expr: z.string().trim().min(1, { message: 'expr must not be empty' }).superRefine(problemOf(promqlProblem)).describe('PromQL expression'),
    for: optionalDuration('How long the condition must hold before the alert fires'),
    labels: stringMap('Labels added to the alert or series'),
    annotations: stringMap('Annotations of the alert (summary, description, runbook_url)'),
  })
  .superRefine((r, ctx) => {
    if (Boolean(r.alert) === Boolean(r.record)) {
      ctx.addIssue({ code: 'custom', message: 'a rule has exactly one of alert or record' });
      return;
    }
    if (r.record) {
      if (r.for !== undefined || r.annotations) ctx.addIssue({ code: 'custom', message: `recording rule ${r.record}: for and annotations only apply to alerts` });
      return;
    }
    // Our Alertmanager routes on these: an alert without them would reach no team.
    const labels = r.labels ?? {};
    if (!(SEVERITIES as readonly string[]).includes(labels.severity ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['labels', 'severity'], message: `alert ${r.alert}: labels.severity must be one of ${SEVERITIES.join(', ')}` });
    }
    if (!(CATEGORIES as readonly string[]).includes(labels.category ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['labels', 'category'], message: `alert ${r.alert}: labels.category must be one of ${CATEGORIES.join(', ')}` });
    }
    if (!labels.service) ctx.addIssue({ code: 'custom', path: ['labels', 'service'], message: `alert ${r.alert}: labels.service is required` });
    for (const key of ['summary', 'description']) {
      if (!r.annotations?.[key]) ctx.addIssue({ code: 'custom', path: ['annotations', key], message: `alert ${r.alert}: annotations.${key} is required` });
    }
  });

const userGroup = z.strictObject({
  name: z.string().trim().min(1, { message: 'a rule group needs a name' }).describe('Group name, unique among all rule groups'),
  interval: optionalDuration('Evaluation interval of the group (default: the global one)'),
  rules: z.array(userRule).min(1, { message: 'a rule group needs at least one rule' }).describe('Rules of the group'),
});

export const rulesValues = z
  .strictObject({
    enabled: enabled(true, 'the Pynomaly alert rules'),
    runbookBaseUrl: z
      .url()
      .superRefine(problemOf((u: string) => urlProblem(u)))
      .default('https://github.com/pynomaly/pynomaly-monitoring/blob/main/dist/runbooks.md')
      .describe("Base of every alert's runbook_url annotation; the alert adds #<alertname in lower case>"),
    groups: z
      .strictObject(
        Object.fromEntries(
          GROUP_IDS.map((id) => [id, z.strictObject({ enabled: enabled(true, `the ${id} rule group: ${GROUP_DESCRIPTIONS[id]}`) }).prefault({})]),
        ) as Record<GroupId, z.ZodPrefault<z.ZodObject<{ enabled: z.ZodDefault<z.ZodBoolean> }, z.core.$strict>>>,
      )
      .prefault({})
      .describe('Rule groups, each of which can be switched off'),
    disabled: z.array(z.enum(ALERT_NAMES)).default([]).describe('Alert names to leave out (both twins of a warning/critical pair)'),
    thresholds,
    application,
    additionalGroups: z
      .array(userGroup)
      .default([])
      .superRefine((groups, ctx) => {
        const seen = new Set<string>();
        groups.forEach((g, i) => {
          if (seen.has(g.name)) ctx.addIssue({ code: 'custom', message: `rule group ${g.name} is defined twice` });
          seen.add(g.name);
          // A group is never split: one too large for any object is refused here, naming its source.
          const bytes = byteSize(JSON.stringify(g));
          if (bytes > MAX_OBJECT_CONTENT_BYTES) {
            ctx.addIssue({ code: 'custom', path: [i], message: `rule group ${JSON.stringify(g.name)} is ${mebibytes(bytes)}, more than one Kubernetes object holds (${mebibytes(MAX_OBJECT_CONTENT_BYTES)}): split it into smaller groups` });
          }
        });
      })
      .describe('Your own rule groups, in Prometheus rule format; alerts need labels severity, category and service and annotations summary and description'),
    prometheusRule: z
      .strictObject({
        enabled: enabled(true, 'a PrometheusRule (prometheus-operator) with the same rules, for an Operator-managed Prometheus (in dist/<env>/prometheus-operator/, never read by kubectl apply -f dist/<env>/)'),
        labels: z.record(labelKey, labelValue).default({}).describe('Extra labels of the PrometheusRule, to match the ruleSelector of your Prometheus'),
      })
      .prefault({})
      .describe('PrometheusRule custom resource (needs the monitoring.coreos.com/v1 CRDs)'),
  })
  .prefault({})
  .describe('Alert rules');

export type RulesValues = z.output<typeof rulesValues>;
export type RuleThresholds = RulesValues['thresholds'];
export type UserRuleGroup = RulesValues['additionalGroups'][number];
