import * as z from 'zod';
import { dnsLabel, duration, enabled, image, replicas, resources, storage } from '../values/types';
import { labelKeyProblem } from '../values/validators/kubernetes';
import { problemOf } from '../values/validators/refine';
import { urlProblem } from '../values/validators/url';
import { durationMs, sizeRangeProblem } from './duration';

/** A Kubernetes label key (`app.kubernetes.io/name`) and value. */
const LABEL_NAME = '([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)';
export const labelKey = z
  .string()
  .regex(new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${LABEL_NAME}$`), {
    message: 'expected a Kubernetes label key such as app.kubernetes.io/name',
  })
  .superRefine(problemOf(labelKeyProblem));
export const labelValue = z.string().regex(new RegExp(`^${LABEL_NAME}?$`), { message: 'expected a Kubernetes label value' });

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

/** Values of the Prometheus server (`prometheus.*`). */
export const prometheusValues = z
  .strictObject({
    enabled: enabled(true, 'the Prometheus server'),
    image: image({ repository: 'quay.io/prometheus/prometheus', tag: 'v3.14.0' }),
    replicas: replicas(1, 'Prometheus replicas; each scrapes every target on its own (HA pairs, deduplicate in Grafana or Thanos)'),
    retention: duration('30d', 'How long samples are kept (--storage.tsdb.retention.time)'),
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
