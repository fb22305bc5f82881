import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { clientPeer } from '../network/values';
import { dnsLabel, duration, enabled, image, labelKey, labelValue, replicas, resources, secretRef, storage } from '../values/types';
import { INT32_MAX } from '../values/validators/kubernetes';
import { seriesSelectorProblem } from '../values/validators/promql';
import { problemOf } from '../values/validators/refine';
import { re2Problem } from '../values/validators/regex';
import { urlProblem } from '../values/validators/url';
import { durationMs, sizeRangeProblem } from './duration';
import { RELABEL_ACTIONS } from './relabel';

export { labelKey, labelValue } from '../values/types';

/** Service labels a target's Services must all carry; never empty (that would select every Service). */
function selector(defaults: Record<string, string>, description: string) {
  description += '; merged with the default like any map (set a label to null to remove it)';
  return z
    .record(labelKey, labelValue)
    .refine((s) => Object.keys(s).length > 0, { message: 'a selector needs at least one label' })
    .default(defaults)
    .describe(description);
}

/** A Service port name (IANA style, as Kubernetes requires for named ports). */
const portName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/, {
  message: 'expected a port name: at most 15 lower case letters, digits and -',
});

/** What every scrape target has: a switch and optional timing (the global defaults otherwise). */
function targetFields(what: string, timing: { interval?: string; timeout?: string } = {}) {
  return {
    enabled: z.boolean().default(true).describe(`Scrape ${what}`),
    interval: timing.interval
      ? duration(timing.interval, 'Scrape interval of this target')
      : optionalDuration('Scrape interval of this target; unset uses prometheus.scrapeInterval'),
    timeout: timing.timeout
      ? duration(timing.timeout, 'Scrape timeout of this target (at most its interval)')
      : optionalDuration('Scrape timeout of this target; unset uses prometheus.scrapeTimeout, capped at the interval'),
  };
}

function optionalDuration(description: string) {
  return z
    .string()
    .refine(isDuration, { message: 'expected a Prometheus duration such as 15s' })
    .optional()
    .describe(description);
}

function isDuration(s: string): boolean {
  try {
    durationMs(s);
    return true;
  } catch {
    return false;
  }
}

/** A component of this stack (found in the stack's own namespace by its Service). */
function stackTarget(what: string) {
  return z.strictObject(targetFields(what)).prefault({}).describe(`Scrape target: ${what}; also takes interval and timeout`);
}

/** An exporter or service deployed outside this stack, found by the labels and port name of its Service. */
function externalTarget(what: string, defaults: { name: string; port: string; where: 'stack' | 'app' }) {
  const where =
    defaults.where === 'stack' ? "the stack's namespace" : 'prometheus.pynomaly.namespaces (where the application runs)';
  return z
    .strictObject({
      ...targetFields(what),
      namespaces: z
        .array(dnsLabel)
        .min(1)
        .optional()
        .describe(`Namespaces its Services are discovered in; unset: ${where}. Prometheus gets a Role in each`),
      selector: selector({ 'app.kubernetes.io/name': defaults.name }, 'Labels its Service carries (all must match)'),
      port: portName.default(defaults.port).describe('Name of the Service port that serves the metrics'),
    })
    .prefault({})
    .describe(`Scrape target: ${what}; also takes interval, timeout and namespaces (default: ${where})`);
}

/** The kubelet on every node, over https with the ServiceAccount token. */
function kubeletTarget(what: string) {
  return z
    .strictObject({
      ...targetFields(what),
      insecureSkipVerify: z
        .boolean()
        .default(true)
        .describe(
          "Skip verification of the kubelet's serving certificate: kubelets serve self-signed certificates unless the cluster " +
            'enables serverTLSBootstrap; set false where they are signed by the cluster CA',
        ),
    })
    .prefault({});
}

const LABEL_NAME = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'expected a Prometheus label name' });
const count = (description: string) => z.int().min(1).max(INT32_MAX, { message: `expected an integer <= ${INT32_MAX}` }).optional().describe(description);

/** One write_relabel_configs entry (Prometheus' relabel_config), checked as Prometheus would. */
const relabelConfig = z
  .strictObject({
    sourceLabels: z.array(LABEL_NAME).min(1).optional().describe('Labels whose values are joined (by separator) and matched against regex'),
    separator: z.string().optional().describe('Joins the source label values; default ;'),
    regex: z.string().superRefine(problemOf(re2Problem)).optional().describe('RE2 regular expression, fully anchored; default (.*)'),
    targetLabel: z.string().min(1).optional().describe('Label written by replace, hashmod, lowercase, uppercase'),
    replacement: z.string().optional().describe('Value written by replace (may use $1 ...); default $1'),
    modulus: z.int().min(1).optional().describe('Modulus of hashmod'),
    action: z.enum(RELABEL_ACTIONS).default('replace').describe(`One of ${RELABEL_ACTIONS.join(', ')}`),
  })
  .superRefine((r, ctx) => {
    const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(r.action);
    if (needsTarget && !r.targetLabel) ctx.addIssue({ code: 'custom', path: ['targetLabel'], message: `required for action ${r.action}` });
    if (r.action === 'hashmod' && r.modulus === undefined) ctx.addIssue({ code: 'custom', path: ['modulus'], message: 'required for action hashmod' });
  })
  .describe('A relabel rule applied to each sample before it is sent');

/** One remote_write endpoint: its credentials are Secret files, never values. */
const remoteWrite = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/, { message: 'expected a name of lower case letters, digits and - (at most 40 characters)' })
      .describe('Name of the remote: remote_write `name` (the remote_name label of its metrics) and part of its Secret volume name; unique'),
    url: z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
      .superRefine(problemOf((u: string) => urlProblem(u, { secretOption: 'basicAuth.passwordSecret or bearerTokenSecret of this remote' })))
      .describe('Endpoint of the remote write receiver (Mimir, Thanos Receive, Cortex, VictoriaMetrics, another Prometheus with --web.enable-remote-write-receiver)'),
    basicAuth: z
      .strictObject({
        username: z.string().min(1).describe('User name (not a secret: it is written in prometheus.yml)'),
        passwordSecret: secretRef('the password of this remote (basic_auth.password_file)', { key: 'password' }),
      })
      .optional()
      .describe('HTTP basic authentication; the password is read from a mounted Secret file'),
    bearerTokenSecret: secretRef('the bearer token of this remote (authorization.credentials_file); optional', { key: 'token' }),
    queue: z
      .strictObject({
        capacity: count('Samples buffered per shard (queue_config.capacity)'),
        minShards: count('Shards at start (queue_config.min_shards)'),
        maxShards: count('Most shards, i.e. concurrent requests (queue_config.max_shards)'),
        maxSamplesPerSend: count('Samples per request (queue_config.max_samples_per_send)'),
        batchSendDeadline: z.string().refine(isDuration, { message: 'expected a Prometheus duration such as 5s' }).optional().describe('Longest wait before a partly full request is sent (queue_config.batch_send_deadline)'),
        minBackoff: z.string().refine(isDuration, { message: 'expected a Prometheus duration such as 30ms' }).optional().describe('First retry delay (queue_config.min_backoff)'),
        maxBackoff: z.string().refine(isDuration, { message: 'expected a Prometheus duration such as 5s' }).optional().describe('Longest retry delay (queue_config.max_backoff)'),
      })
      .prefault({})
      .describe("Queue tuning (queue_config); each unset key keeps Prometheus' default"),
    writeRelabelConfigs: z.array(relabelConfig).default([]).describe('Relabel rules applied before sending (write_relabel_configs), e.g. to send only some series'),
  })
  .superRefine((r, ctx) => {
    if (r.basicAuth && !r.basicAuth.passwordSecret.name) ctx.addIssue({ code: 'custom', path: ['basicAuth', 'passwordSecret', 'name'], message: 'required when basicAuth is set' });
    if (r.basicAuth && r.bearerTokenSecret.name) ctx.addIssue({ code: 'custom', path: ['bearerTokenSecret', 'name'], message: 'set basicAuth or bearerTokenSecret, not both (Prometheus takes one authorization per remote)' });
    const { minShards, maxShards, minBackoff, maxBackoff } = r.queue;
    if (minShards !== undefined && maxShards !== undefined && minShards > maxShards) ctx.addIssue({ code: 'custom', path: ['queue', 'minShards'], message: `must not exceed queue.maxShards (${maxShards})` });
    if (minBackoff && maxBackoff && isDuration(minBackoff) && isDuration(maxBackoff) && durationMs(minBackoff) > durationMs(maxBackoff)) {
      ctx.addIssue({ code: 'custom', path: ['queue', 'minBackoff'], message: `must not exceed queue.maxBackoff (${maxBackoff})` });
    }
  })
  .describe('A remote_write endpoint');

/** Series a federating Prometheus should ask for by default: the API's own series, recording rules, alerts, target health. */
export const DEFAULT_FEDERATION_MATCH = [`{job="${JOBS.pynomalyApi}"}`, '{__name__=~"job:.+"}', '{__name__="ALERTS"}', '{__name__="up"}'];

const federation = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Let another Prometheus (a global one) pull series from /federate, which Prometheus always serves: opens its web port to federation.allowedFrom in the NetworkPolicy',
      ),
    allowedFrom: z
      .array(clientPeer)
      .default([])
      .describe('Who may call /federate: the federating Prometheus, e.g. [{namespace: monitoring-global, podSelector: {app.kubernetes.io/name: prometheus}}] or [{cidr: 10.20.0.0/16}]'),
    match: z
      .array(z.string().min(1).superRefine(problemOf(seriesSelectorProblem)))
      .min(1)
      .default(DEFAULT_FEDERATION_MATCH)
      .describe(
        'The match[] series selectors the federating Prometheus should ask for (its scrape job: metrics_path /federate, honor_labels true, params.match[] these); ' +
          'documentation for that job, and what the live test asks our Prometheus for. Our series carry the external labels cluster and environment',
      ),
  })
  .prefault({})
  .describe('Federation: a global Prometheus scrapes selected series from this one (GET /federate?match[]=...)');

/** Values of the Prometheus server (`prometheus.*`). */
export const prometheusValues = z
  .strictObject({
    enabled: enabled(true, 'the Prometheus server'),
    image: image({ repository: 'quay.io/prometheus/prometheus', tag: 'v3.14.0' }),
    replicas: replicas(1, 'Prometheus replicas; each scrapes every target on its own (HA pairs, deduplicate in Grafana or Thanos)'),
    retention: duration('30d', 'Retention of the TSDB by time: how long samples are kept (--storage.tsdb.retention.time); whichever of retention and retentionSize is reached first deletes the oldest blocks'),
    retentionSize: z
      .string()
      .regex(/^[0-9]+(B|KB|MB|GB|TB|PB|EB)$/, { message: 'expected a Prometheus size such as 45GB' })
      .superRefine(problemOf(sizeRangeProblem))
      .default('45GB')
      .describe('Largest size of the TSDB before old blocks are deleted (--storage.tsdb.retention.size); keep below the volume size'),
    scrapeInterval: duration('15s', 'Default scrape interval'),
    scrapeTimeout: duration('10s', 'Default scrape timeout (capped at the interval of each target)'),
    evaluationInterval: duration('15s', 'Rule evaluation interval'),
    storage: storage({ size: '50Gi' }),
    resources: resources({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } }),
    externalUrl: z.string().superRefine(problemOf((u: string) => urlProblem(u))).optional().describe('URL Prometheus is reached at from outside (--web.external-url), used in alert links'),
    configReloader: z
      .strictObject({
        image: image({ repository: 'quay.io/prometheus-operator/prometheus-config-reloader', tag: 'v0.93.1' }),
        resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }),
      })
      .prefault({})
      .describe('Sidecar that watches the mounted configuration and rules and asks Prometheus to reload them (POST /-/reload)'),
    pynomaly: z
      .strictObject({
        namespaces: z
          .array(dnsLabel)
          .min(1)
          .default(['pynomaly'])
          .describe('Namespaces the Pynomaly application runs in: the API (and by default its Redis and PostgreSQL exporters) are discovered there, and Prometheus gets a Role in each'),
        selector: selector({ 'app.kubernetes.io/name': 'pynomaly-api' }, 'Labels of the Pynomaly API Service (all must match)'),
        port: portName.default('http').describe('Name of the API Service port (container port 8000) that serves /metrics'),
      })
      .prefault({})
      .describe('Where the Pynomaly API is found (Kubernetes service discovery)'),
    targets: z
      .strictObject({
        pynomalyApi: z
          .strictObject(targetFields('the Pynomaly API (/metrics on port 8000)', { interval: '10s', timeout: '5s' }))
          .prefault({})
          .describe('Scrape target: the Pynomaly API; where it is found: prometheus.pynomaly'),
        prometheus: stackTarget('Prometheus itself'),
        alertmanager: stackTarget('Alertmanager (when alertmanager.enabled)'),
        grafana: stackTarget('Grafana (when grafana.enabled)'),
        nodeExporter: externalTarget('node-exporter (port 9100)', { name: 'node-exporter', port: 'http-metrics', where: 'stack' }),
        redisExporter: externalTarget('redis-exporter (port 9121)', { name: 'redis-exporter', port: 'http-metrics', where: 'app' }),
        postgresExporter: externalTarget('postgres-exporter (port 9187)', { name: 'postgres-exporter', port: 'http-metrics', where: 'app' }),
        elasticsearchExporter: externalTarget('the Elasticsearch exporter (port 9114)', {
          name: 'elasticsearch-exporter',
          port: 'http-metrics',
          where: 'stack',
        }),
        jaeger: externalTarget('Jaeger v2 (its telemetry port 8888)', { name: 'jaeger', port: 'http-metrics', where: 'stack' }),
        kubelet: kubeletTarget('the kubelet of every node (https, /metrics)').describe('Scrape target: kubelet; also takes interval and timeout'),
        cadvisor: kubeletTarget('container metrics from the kubelet of every node (https, /metrics/cadvisor)').describe('Scrape target: cAdvisor; also takes interval and timeout'),
      })
      .prefault({})
      .describe('Scrape targets, each can be switched off; the same declarations render scrape_configs and ServiceMonitors'),
    remoteWrite: z
      .array(remoteWrite)
      .default([])
      .superRefine((list, ctx) => {
        list.forEach((r, i) => {
          if (list.findIndex((o) => o.name === r.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate remote name ${JSON.stringify(r.name)}` });
        });
      })
      .describe(
        'Remote write endpoints (long-term storage): every sample is also sent to each, e.g. [{name: mimir, url: https://mimir.example.com/api/v1/push, basicAuth: {username: pynomaly, passwordSecret: {name: prometheus-remote-write}}}]. ' +
          'Credentials are Secret files (basicAuth.passwordSecret, bearerTokenSecret); the URL may carry none',
      ),
    federation,
    serviceMonitors: z
      .strictObject({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Render ServiceMonitors (dist/<env>/prometheus-operator/, applied only where the Prometheus Operator CRDs exist) for the same targets',
          ),
        labels: z
          .record(labelKey, labelValue)
          .default({})
          .describe("Extra labels on every ServiceMonitor, to match the operator Prometheus' serviceMonitorSelector (e.g. release: kube-prometheus-stack)"),
        kubelet: z
          .boolean()
          .default(false)
          .describe(
            "Also render ServiceMonitors for the kubelet and cAdvisor (selecting the operator's kubelet Service in kube-system); " +
              'off by default because operator stacks such as kube-prometheus-stack already scrape the kubelet',
          ),
      })
      .prefault({})
      .describe('ServiceMonitors for clusters where a Prometheus Operator runs'),
  })
  .superRefine((v, ctx) => {
    if (v.federation.enabled && v.federation.allowedFrom.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['federation', 'allowedFrom'], message: 'required when prometheus.federation.enabled is true: name the federating Prometheus (a namespace and pod selector, or a cidr)' });
    }
    // Prometheus refuses a scrape timeout longer than the interval: say so here, naming the key.
    if (isDuration(v.scrapeTimeout) && isDuration(v.scrapeInterval) && durationMs(v.scrapeTimeout) > durationMs(v.scrapeInterval)) {
      ctx.addIssue({ code: 'custom', path: ['scrapeTimeout'], message: `the scrape timeout must not exceed the scrape interval (${v.scrapeInterval})` });
    }
    for (const [key, t] of Object.entries(v.targets)) {
      if (t.timeout === undefined || !isDuration(t.timeout)) continue;
      const interval = t.interval ?? v.scrapeInterval;
      if (isDuration(interval) && durationMs(t.timeout) > durationMs(interval)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', key, 'timeout'],
          message: `the scrape timeout must not exceed the scrape interval (${interval})`,
        });
      }
    }
  })
  .prefault({})
  .describe('Prometheus server');

export type PrometheusValues = z.output<typeof prometheusValues>;
export type TargetValues = PrometheusValues['targets'];
export type TargetKey = keyof TargetValues;
