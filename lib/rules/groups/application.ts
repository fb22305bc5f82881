/**
 * The Pynomaly API, against the metrics its MetricsCollector really exports
 * (see the facts file): the original rules queried pynomaly_memory_limit_bytes,
 * pynomaly_training_jobs_total, pynomaly_database_connections_active and a
 * `status` label, none of which exist.
 */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { SERVICES } from '../jobs';
import type { AlertRule } from '../model';
import { ALERTS } from '../names';
import { by, increase, num, rate, ratio, re, sel } from '../../catalog/promql';
import type { RulesValues } from '../values';
import { PER_JOB, serviceDown } from './common';

const RATE_WINDOW = '5m';

export function applicationRules(v: RulesValues): AlertRule[] {
  return [
    ...errorRate(v),
    highResponseTime(v),
    ...memory(v),
    highCpu(v),
    detectionFailures(v),
    trainingFailures(v),
    databaseConnections(),
    lowCacheHitRate(v),
    apiAbsent(),
    serviceDown('application'),
  ];
}

/** Share of 5xx responses; `status_code` is the app's label (the original used `status`). */
function errorRate(v: RulesValues): AlertRule[] {
  const errors = by('sum', PER_JOB, rate(sel(M.pynomaly_http_requests_total, { status_code: re('5..') }), RATE_WINDOW));
  const all = by('sum', PER_JOB, rate(sel(M.pynomaly_http_requests_total), RATE_WINDOW));
  const t = v.thresholds.errorRate;
  const rule = (severity: 'warning' | 'critical', percent: number, forDuration: string): AlertRule => ({
    name: ALERTS.PynomalyHighErrorRate,
    expr: `${errors}\n/\n${all}\n> ${ratio(percent)}`,
    for: forDuration,
    severity,
    category: 'application',
    service: SERVICES.api,
    threshold: `> ${percent} % 5xx`,
    summary: 'Pynomaly API error rate is {{ $value | humanizePercentage }}',
    description: `{{ $value | humanizePercentage }} of the requests to {{ $labels.job }} failed with a 5xx status over the last ${RATE_WINDOW} (${severity} above ${percent} %).`,
  });
  return [rule('warning', t.warningPercent, '2m'), rule('critical', t.criticalPercent, '1m')];
}

function highResponseTime(v: RulesValues): AlertRule {
  const buckets = by('sum', [...PER_JOB, 'le'], rate(sel(`${M.pynomaly_http_request_duration_seconds}_bucket`), RATE_WINDOW));
  const seconds = v.thresholds.latencyP95Seconds;
  return {
    name: ALERTS.PynomalyHighResponseTime,
    expr: `histogram_quantile(0.95, ${buckets})\n> ${num(seconds)}`,
    for: '5m',
    severity: 'warning',
    category: 'application',
    service: SERVICES.api,
    threshold: `p95 > ${seconds} s`,
    summary: 'Pynomaly API p95 latency is {{ $value | humanizeDuration }}',
    description: `95 % of the requests to {{ $labels.job }} over the last ${RATE_WINDOW} took up to {{ $value | humanizeDuration }} (above ${seconds} s).`,
  };
}

/**
 * Memory against the container's limit, both from cAdvisor: the app has no
 * limit metric, and its own pynomaly_memory_usage_bytes (unlabelled, unknown
 * scope) or process_resident_memory_bytes (one process, misses workers) can
 * not be joined to a limit as reliably. The working set is what the OOM killer
 * and the kubelet's eviction look at. Containers without a limit (0) are left
 * out: they have no ratio.
 */
function memory(v: RulesValues): AlertRule[] {
  const container = { container: re(v.application.containerRegex) };
  const keys = ['namespace', 'pod', 'container'];
  const used = by('max', keys, sel(M.container_memory_working_set_bytes, container));
  const limit = by('max', keys, `${sel(M.container_spec_memory_limit_bytes, container)} > 0`);
  const t = v.thresholds.memory;
  const rule = (severity: 'warning' | 'critical', percent: number, forDuration: string): AlertRule => ({
    name: ALERTS.PynomalyHighMemoryUsage,
    expr: `${used}\n/\n${limit}\n> ${ratio(percent)}`,
    for: forDuration,
    severity,
    category: 'application',
    service: SERVICES.api,
    threshold: `> ${percent} % of the memory limit`,
    summary: 'Pynomaly container {{ $labels.pod }}/{{ $labels.container }} uses {{ $value | humanizePercentage }} of its memory limit',
    description: `The working set of container {{ $labels.container }} in pod {{ $labels.pod }} is {{ $value | humanizePercentage }} of its memory limit (${severity} above ${percent} %); it will be OOM-killed at 100 %.`,
  });
  return [rule('warning', t.warningPercent, '5m'), rule('critical', t.criticalPercent, '2m')];
}

function highCpu(v: RulesValues): AlertRule {
  const percent = v.thresholds.appCpuPercent;
  return {
    name: ALERTS.PynomalyHighCpuUsage,
    expr: `${sel(M.pynomaly_cpu_usage_percent)} > ${num(percent)}`,
    for: '5m',
    severity: 'warning',
    category: 'application',
    service: SERVICES.api,
    threshold: `> ${percent} %`,
    summary: 'Pynomaly {{ $labels.instance }} reports {{ $value }} % CPU use',
    description: `The Pynomaly API at {{ $labels.instance }} has reported more than ${percent} % CPU use (pynomaly_cpu_usage_percent) for 5 minutes.`,
  };
}

/** Detection errors (errors_total of the detection component) per detection run. */
function detectionFailures(v: RulesValues): AlertRule {
  const failures = by('sum', PER_JOB, rate(sel(M.pynomaly_errors_total, { component: re(v.application.detectionComponentRegex) }), RATE_WINDOW));
  const detections = by('sum', PER_JOB, rate(sel(M.pynomaly_detections_total), RATE_WINDOW));
  const percent = v.thresholds.detectionFailurePercent;
  return {
    name: ALERTS.PynomalyHighDetectionFailureRate,
    expr: `${failures}\n/\n${detections}\n> ${ratio(percent)}`,
    for: '5m',
    severity: 'warning',
    category: 'application',
    service: SERVICES.api,
    threshold: `> ${percent} % errors per detection`,
    summary: 'Pynomaly detection failures are at {{ $value | humanizePercentage }} of detections',
    description: `{{ $labels.job }} logged {{ $value | humanizePercentage }} as many detection errors as detections over the last ${RATE_WINDOW} (above ${percent} %).`,
  };
}

/** Training errors in the last hour (the app has no per-job training status metric). */
function trainingFailures(v: RulesValues): AlertRule {
  const failures = by('sum', PER_JOB, increase(sel(M.pynomaly_errors_total, { component: re(v.application.trainingComponentRegex) }), '1h'));
  const limit = v.thresholds.trainingFailuresPerHour;
  return {
    name: ALERTS.PynomalyTrainingFailures,
    expr: `${failures} > ${num(limit)}`,
    severity: 'warning',
    category: 'application',
    service: SERVICES.api,
    threshold: `> ${limit} in 1h`,
    summary: 'Pynomaly model training failed {{ $value | humanize }} times in the last hour',
    description: `{{ $labels.job }} logged {{ $value | humanize }} training errors in the last hour (more than ${limit}).`,
  };
}

/** `pynomaly_db_connections_active` (the original's ..._database_... does not exist), per pod. */
function databaseConnections(): AlertRule {
  return {
    name: ALERTS.PynomalyDatabaseConnectionIssues,
    expr: `${sel(M.pynomaly_db_connections_active)} == 0`,
    for: '1m',
    severity: 'critical',
    category: 'application',
    service: SERVICES.api,
    threshold: '== 0 active connections',
    summary: 'Pynomaly {{ $labels.instance }} has no database connection',
    description: 'The Pynomaly API at {{ $labels.instance }} has had no active database connection for 1 minute: requests that need PostgreSQL fail.',
  };
}

function lowCacheHitRate(v: RulesValues): AlertRule {
  const keys = [...PER_JOB, 'cache_type'];
  const hits = by('sum', keys, rate(sel(M.pynomaly_cache_hits_total), RATE_WINDOW));
  const misses = by('sum', keys, rate(sel(M.pynomaly_cache_misses_total), RATE_WINDOW));
  const percent = v.thresholds.cacheHitRatePercent;
  return {
    name: ALERTS.PynomalyLowCacheHitRate,
    // No traffic gives 0/0 = NaN, which never fires.
    expr: `${hits}\n/\n(${hits} + ${misses})\n< ${ratio(percent)}`,
    for: '10m',
    severity: 'warning',
    category: 'application',
    service: SERVICES.api,
    threshold: `< ${percent} % hits`,
    summary: 'Pynomaly {{ $labels.cache_type }} cache hit rate is {{ $value | humanizePercentage }}',
    description: `Only {{ $value | humanizePercentage }} of the {{ $labels.cache_type }} cache lookups of {{ $labels.job }} hit over the last ${RATE_WINDOW} (below ${percent} %) for 10 minutes.`,
  };
}

/** The API vanished from service discovery: `up == 0` can no longer fire. */
function apiAbsent(): AlertRule {
  return {
    name: ALERTS.PynomalyApiAbsent,
    expr: `absent(${sel(M.up, { job: JOBS.pynomalyApi })})`,
    for: '10m',
    severity: 'warning',
    category: 'application',
    service: SERVICES.api,
    threshold: 'no target',
    summary: 'Prometheus has no {{ $labels.job }} target',
    description: 'Prometheus has discovered no target of job {{ $labels.job }} for 10 minutes: the API is not deployed, or its Service/ServiceMonitor no longer matches.',
  };
}
