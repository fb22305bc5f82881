/**
 * The monitoring stack watching itself: scrape targets, Prometheus (config,
 * rules, storage, notifications), Alertmanager (alerts, silences,
 * notifications, cluster), Grafana and Jaeger.
 */
import { M } from '../../catalog/index';
import { JOBS } from '../../catalog/jobs';
import { increase, matchers, rate } from '../../catalog/promql';
import { barGaugePanel, DashboardSpec, job, quantile, RATE, statPanel, tablePanel, targetVariables, textPanel, timeseriesPanel, valueText } from './kit';

export const MONITORING_STACK_UID = 'pynomaly-monitoring-stack';

const TARGETS = matchers({ namespace: '$namespace' });
const PROM = job(JOBS.prometheus);
const AM = job(JOBS.alertmanager);
const GRAFANA_JOB = job(JOBS.grafana);
const JAEGER = job(JOBS.jaeger);

const RELOAD_MAPPINGS = valueText({ 0: ['Failed', 'red'], 1: ['OK', 'green'] });

function reloadStat(title: string, metric: string, selector: string) {
  return statPanel({
    title,
    description: 'Whether the last configuration reload succeeded (a failed reload keeps the old configuration running)',
    queries: [{ expr: `min(${metric}${selector})` }],
    mappings: RELOAD_MAPPINGS,
    baseColor: 'red',
    thresholds: [[1, 'green']],
    background: true,
    sparkline: false,
  });
}

export function monitoringStack(): DashboardSpec {
  return {
    uid: MONITORING_STACK_UID,
    title: 'Pynomaly / Monitoring Stack',
    description: 'Health of the monitoring stack itself: scrape targets, Prometheus, Alertmanager, Grafana and Jaeger',
    tags: ['monitoring'],
    requires: ['prometheus'],
    variables: targetVariables([JOBS.prometheus, JOBS.alertmanager, JOBS.grafana, JOBS.jaeger]),
    rows: [
      {
        title: 'Scrape targets',
        panels: [
          barGaugePanel({
            title: 'Targets up by job',
            queries: [{ expr: `sum by (job) (${M.up}${TARGETS}) / count by (job) (${M.up}${TARGETS})`, legend: '{{job}}', instant: true }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            baseColor: 'red',
            thresholds: [
              [0.5, 'orange'],
              [1, 'green'],
            ],
          }),
          tablePanel({
            title: 'Targets down',
            queries: [{ expr: `${M.up}${TARGETS} == 0` }],
            hide: ['Time', 'Value', '__name__'],
          }),
          timeseriesPanel({
            title: 'Scrape duration by job',
            queries: [{ expr: `max by (job) (${M.scrape_duration_seconds}${TARGETS})`, legend: '{{job}}' }],
            unit: 's',
          }),
          timeseriesPanel({
            title: 'Samples scraped by job',
            queries: [{ expr: `sum by (job) (${M.scrape_samples_scraped}${TARGETS})`, legend: '{{job}}' }],
            unit: 'short',
          }),
        ],
      },
      {
        title: 'Prometheus',
        panels: [
          reloadStat('Prometheus config', M.prometheus_config_last_reload_successful, PROM),
          statPanel({
            title: 'Alertmanagers discovered',
            queries: [{ expr: `min(${M.prometheus_notifications_alertmanagers_discovered}${PROM})` }],
            unit: 'short',
            baseColor: 'red',
            thresholds: [[1, 'green']],
          }),
          statPanel({ title: 'Head series', queries: [{ expr: `sum(${M.prometheus_tsdb_head_series}${PROM})` }], unit: 'short' }),
          statPanel({ title: 'TSDB blocks', queries: [{ expr: `sum(${M.prometheus_tsdb_storage_blocks_bytes}${PROM})` }], unit: 'bytes' }),
          statPanel({
            title: 'Rule evaluation failures (range)',
            queries: [{ expr: `sum(${increase(M.prometheus_rule_evaluation_failures_total + PROM, '$__range')}) or vector(0)`, instant: true }],
            unit: 'short',
            decimals: 0,
            thresholds: [[1, 'red']],
            sparkline: false,
          }),
          statPanel({
            title: 'TSDB compaction failures and WAL corruptions (range)',
            queries: [
              {
                expr: `sum(${increase(M.prometheus_tsdb_compactions_failed_total + PROM, '$__range')}) + sum(${increase(M.prometheus_tsdb_wal_corruptions_total + PROM, '$__range')})`,
                instant: true,
              },
            ],
            unit: 'short',
            decimals: 0,
            thresholds: [[1, 'red']],
            sparkline: false,
          }),
          timeseriesPanel({
            title: 'Rule groups: failures and missed iterations',
            queries: [
              { expr: `sum by (rule_group) (${rate(M.prometheus_rule_evaluation_failures_total + PROM, RATE)})`, legend: 'failed {{rule_group}}' },
              { expr: `sum by (rule_group) (${rate(M.prometheus_rule_group_iterations_missed_total + PROM, RATE)})`, legend: 'missed {{rule_group}}' },
            ],
            unit: 'ops',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Query latency p99',
            queries: [{ expr: `max by (slice) (${M.prometheus_engine_query_duration_seconds}${job(JOBS.prometheus, { quantile: '0.99' })})`, legend: '{{slice}}' }],
            unit: 's',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Alerts sent to Alertmanager',
            queries: [
              { expr: `sum(${rate(M.prometheus_notifications_sent_total + PROM, RATE)})`, legend: 'sent' },
              { expr: `sum(${rate(M.prometheus_notifications_errors_total + PROM, RATE)})`, legend: 'errors' },
              { expr: `sum(${rate(M.prometheus_notifications_dropped_total + PROM, RATE)})`, legend: 'dropped' },
            ],
            unit: 'ops',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Volume used by claim',
            description: 'Every PersistentVolumeClaim of the namespace (Prometheus, Alertmanager, Grafana, Elasticsearch)',
            queries: [
              {
                expr: `max by (persistentvolumeclaim) (1 - ${M.kubelet_volume_stats_available_bytes}${TARGETS} / ${M.kubelet_volume_stats_capacity_bytes}${TARGETS})`,
                legend: '{{persistentvolumeclaim}}',
              },
            ],
            unit: 'percentunit',
            max: 1,
            width: 24,
            thresholds: [
              [0.8, 'orange'],
              [0.9, 'red'],
            ],
          }),
        ],
      },
      {
        title: 'Alertmanager',
        panels: [
          reloadStat('Alertmanager config', M.alertmanager_config_last_reload_successful, AM),
          statPanel({ title: 'Firing alerts', queries: [{ expr: `max(${M.alertmanager_alerts}${job(JOBS.alertmanager, { state: 'active' })})` }], unit: 'short', thresholds: [[1, 'orange']] }),
          statPanel({ title: 'Suppressed alerts', queries: [{ expr: `max(${M.alertmanager_alerts}${job(JOBS.alertmanager, { state: 'suppressed' })})` }], unit: 'short' }),
          statPanel({ title: 'Active silences', queries: [{ expr: `max(${M.alertmanager_silences}${job(JOBS.alertmanager, { state: 'active' })})` }], unit: 'short' }),
          statPanel({
            title: 'Cluster members',
            description: 'Members of the gossip cluster; with clustering off (one replica) no member metric exists, so the Alertmanagers up are counted',
            queries: [{ expr: `max(${M.alertmanager_cluster_members}${AM}) or count(${M.up}${AM} == 1)` }],
            unit: 'short',
          }),
          statPanel({
            title: 'Distinct configs',
            description: 'Number of different configuration hashes among the replicas: more than 1 means they disagree',
            queries: [{ expr: `count(count_values("hash", ${M.alertmanager_config_hash}${AM}))` }],
            unit: 'short',
            thresholds: [[2, 'red']],
          }),
          timeseriesPanel({
            title: 'Notifications by integration',
            queries: [{ expr: `sum by (integration) (${rate(M.alertmanager_notifications_total + AM, RATE)})`, legend: '{{integration}}' }],
            unit: 'ops',
          }),
          timeseriesPanel({
            title: 'Failed notifications',
            queries: [{ expr: `sum by (integration, reason) (${rate(M.alertmanager_notifications_failed_total + AM, RATE)})`, legend: '{{integration}} {{reason}}' }],
            unit: 'ops',
          }),
          textPanel({
            title: 'Alerts and silences',
            markdown:
              'Current alerts and silences: **Alerting → Alert groups** and **Alerting → Silences**, with the *Alertmanager* datasource selected. ' +
              'Alert rules live in Prometheus (**Alerting → Alert rules**, data source *Prometheus*).',
            height: 3,
          }),
        ],
      },
      {
        title: 'Grafana and Jaeger',
        panels: [
          timeseriesPanel({
            title: 'Grafana request latency p95 by handler (top 10)',
            queries: [{ expr: `topk(10, ${quantile(0.95, M.grafana_http_request_duration_seconds, GRAFANA_JOB, ['handler'])})`, legend: '{{handler}}' }],
            unit: 's',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Jaeger spans received by receiver',
            queries: [
              { expr: `sum by (receiver, transport) (${rate(M.otelcol_receiver_accepted_spans_total + JAEGER, RATE)})`, legend: 'accepted {{receiver}} {{transport}}' },
              { expr: `sum by (receiver, transport) (${rate(M.otelcol_receiver_refused_spans_total + JAEGER, RATE)})`, legend: 'refused {{receiver}} {{transport}}' },
            ],
            unit: 'ops',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Jaeger spans written to storage',
            queries: [
              { expr: `sum(${rate(M.otelcol_exporter_sent_spans_total + JAEGER, RATE)})`, legend: 'written' },
              { expr: `sum(${rate(M.otelcol_exporter_send_failed_spans_total + JAEGER, RATE)})`, legend: 'failed' },
            ],
            unit: 'ops',
            width: 8,
          }),
        ],
      },
    ],
  };
}
