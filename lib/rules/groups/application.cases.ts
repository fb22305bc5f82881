/** promtool cases of ./application.ts, computed from the configured thresholds. */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { num } from '../../catalog/promql';
import { AlertCase, around, counter, fires, gauge, nudgeTwin, series, step } from '../testing';
import type { RulesValues } from '../values';

/** Target labels of one API pod, as the scrape configuration sets them. */
export const API_TARGET = { job: JOBS.pynomalyApi, namespace: 'pynomaly', instance: '10.0.0.10:8000', pod: 'pynomaly-api-7d9f8-x2bcd' } as const;
/** What the per-job aggregations keep. */
const API_JOB = { namespace: API_TARGET.namespace, job: API_TARGET.job } as const;

export function applicationCases(v: RulesValues): AlertCase[] {
  return [...errorRate(v), ...responseTime(v), ...memory(v), ...cpu(v), ...detection(v), ...training(v), ...database(), ...cache(v), ...apiAbsent()];
}

/** 1000 requests a minute, `percent` of them 5xx. */
function requests(percent: number): AlertCase['input'] {
  const errors = percent * 10;
  return [
    { series: series(M.pynomaly_http_requests_total, { ...API_TARGET, method: 'POST', endpoint: '/api/v1/detect', status_code: '200' }), values: counter(1000 - errors, 15) },
    { series: series(M.pynomaly_http_requests_total, { ...API_TARGET, method: 'POST', endpoint: '/api/v1/detect', status_code: '503' }), values: counter(errors, 15) },
  ];
}

function errorRate(v: RulesValues): AlertCase[] {
  const t = v.thresholds.errorRate;
  const p = nudgeTwin(t);
  const alert = ALERTS.PynomalyHighErrorRate;
  return [
    {
      alert,
      title: `${p.aboveCritical} % 5xx fires the critical and the warning twin`,
      input: requests(p.aboveCritical),
      at: 10,
      expect: [fires('warning', API_JOB, p.aboveCritical / 100), fires('critical', API_JOB, p.aboveCritical / 100)],
    },
    { alert, title: `${p.belowCritical} % 5xx fires only the warning`, input: requests(p.belowCritical), at: 10, expect: [fires('warning', API_JOB, p.belowCritical / 100)] },
    { alert, title: `${p.belowWarning} % 5xx stays silent`, input: requests(p.belowWarning), at: 10, expect: [] },
  ];
}

/**
 * 100 requests a minute in buckets t/2, t, 2t: with `atMostT` of them within t
 * seconds, the p95 (rank 95) interpolates above t (atMostT < 95) or below it.
 */
function latencyBuckets(t: number, atMostT: number): AlertCase['input'] {
  const bucket = (le: string, perMinute: number) => ({
    series: series(`${M.pynomaly_http_request_duration_seconds}_bucket`, { ...API_TARGET, method: 'POST', endpoint: '/api/v1/detect', le }),
    values: counter(perMinute, 20),
  });
  return [bucket(num(t / 2), 50), bucket(num(t), atMostT), bucket(num(2 * t), 100), bucket('+Inf', 100)];
}

function responseTime(v: RulesValues): AlertCase[] {
  const t = v.thresholds.latencyP95Seconds;
  const alert = ALERTS.PynomalyHighResponseTime;
  // rank 95 between 94 (<= t) and 100 (<= 2t): t + t * 1/6
  const p95 = t + (t * (95 - 94)) / (100 - 94);
  return [
    { alert, title: `p95 ${p95.toFixed(3)} s fires`, input: latencyBuckets(t, 94), at: 15, expect: [fires('warning', API_JOB, p95)] },
    { alert, title: 'p95 just below the threshold stays silent', input: latencyBuckets(t, 96), at: 15, expect: [] },
  ];
}

/** The API container at `percent` of a 1 GiB limit, plus a container that must not count. */
function containerMemory(percent: number, extra: AlertCase['input'] = []): AlertCase['input'] {
  const limit = 1024 ** 3;
  const target = { job: JOBS.cadvisor, instance: 'node-a', node: 'node-a', namespace: API_TARGET.namespace, pod: API_TARGET.pod, container: 'pynomaly-api' };
  return [
    { series: series(M.container_memory_working_set_bytes, target), values: gauge((limit * percent) / 100, 10) },
    { series: series(M.container_spec_memory_limit_bytes, target), values: gauge(limit, 10) },
    ...extra,
  ];
}

function memory(v: RulesValues): AlertCase[] {
  const p = nudgeTwin(v.thresholds.memory);
  const alert = ALERTS.PynomalyHighMemoryUsage;
  const labels = { namespace: API_TARGET.namespace, pod: API_TARGET.pod, container: 'pynomaly-api' };
  const other = { job: JOBS.cadvisor, instance: 'node-a', namespace: 'monitoring', pod: 'prometheus-0', container: 'prometheus' };
  const unlimited = { ...other, namespace: API_TARGET.namespace, pod: 'pynomaly-worker-0', container: 'pynomaly-worker' };
  return [
    {
      alert,
      title: `${p.aboveCritical} % of the limit fires the critical and the warning twin`,
      input: containerMemory(p.aboveCritical),
      at: 10,
      expect: [fires('warning', labels, p.aboveCritical / 100), fires('critical', labels, p.aboveCritical / 100)],
    },
    { alert, title: `${p.belowCritical} % of the limit fires only the warning`, input: containerMemory(p.belowCritical), at: 10, expect: [fires('warning', labels, p.belowCritical / 100)] },
    {
      alert,
      title: `${p.belowWarning} % stays silent, as do other containers and a container without limit`,
      input: containerMemory(p.belowWarning, [
        { series: series(M.container_memory_working_set_bytes, other), values: gauge(990, 10) },
        { series: series(M.container_spec_memory_limit_bytes, other), values: gauge(1000, 10) },
        { series: series(M.container_memory_working_set_bytes, unlimited), values: gauge(8 * 1024 ** 3, 10) },
        { series: series(M.container_spec_memory_limit_bytes, unlimited), values: gauge(0, 10) },
      ]),
      at: 10,
      expect: [],
    },
  ];
}

function cpu(v: RulesValues): AlertCase[] {
  const p = around(v.thresholds.appCpuPercent, 0, 100);
  const alert = ALERTS.PynomalyHighCpuUsage;
  const input = (percent: number) => [{ series: series(M.pynomaly_cpu_usage_percent, API_TARGET), values: gauge(percent, 10) }];
  return [
    { alert, title: `${p.above} % fires`, input: input(p.above), at: 10, expect: [fires('warning', API_TARGET, p.above)] },
    { alert, title: `${p.below} % stays silent`, input: input(p.below), at: 10, expect: [] },
  ];
}

/** 100 detections a minute and `percent` detection errors per detection; API errors must not count. */
function detections(v: RulesValues, percent: number): AlertCase['input'] {
  const component = v.application.detectionComponentRegex.split('|')[0];
  return [
    { series: series(M.pynomaly_detections_total, { ...API_TARGET, detector_type: 'IsolationForest', dataset_name: 'transactions' }), values: counter(100, 15) },
    { series: series(M.pynomaly_errors_total, { ...API_TARGET, error_type: 'DetectionError', component }), values: counter(percent, 15) },
    { series: series(M.pynomaly_errors_total, { ...API_TARGET, error_type: 'ValidationError', component: 'api' }), values: counter(50, 15) },
  ];
}

function detection(v: RulesValues): AlertCase[] {
  const p = around(v.thresholds.detectionFailurePercent, 0, 100);
  const alert = ALERTS.PynomalyHighDetectionFailureRate;
  return [
    { alert, title: `${p.above} errors per 100 detections fire`, input: detections(v, p.above), at: 12, expect: [fires('warning', API_JOB, p.above / 100)] },
    { alert, title: `${p.below} errors per 100 detections (and many API errors) stay silent`, input: detections(v, p.below), at: 12, expect: [] },
  ];
}

/** `perHour` training errors spread evenly over 80 minutes. */
function trainingErrors(v: RulesValues, perHour: number): AlertCase['input'] {
  const component = v.application.trainingComponentRegex.split('|')[0];
  return [
    { series: series(M.pynomaly_errors_total, { ...API_TARGET, error_type: 'TrainingError', component }), values: counter(perHour / 60, 80) },
    { series: series(M.pynomaly_errors_total, { ...API_TARGET, error_type: 'DetectionError', component: 'detection' }), values: counter(1, 80) },
  ];
}

function training(v: RulesValues): AlertCase[] {
  const limit = v.thresholds.trainingFailuresPerHour;
  const alert = ALERTS.PynomalyTrainingFailures;
  const below = Math.max(limit - 1, 0);
  return [
    { alert, title: `${limit + 1} failures in 1h fire`, input: trainingErrors(v, limit + 1), at: 70, expect: [fires('warning', API_JOB, limit + 1)] },
    { alert, title: `${below} failures in 1h (and other components' errors) stay silent`, input: trainingErrors(v, below), at: 70, expect: [] },
  ];
}

function database(): AlertCase[] {
  const alert = ALERTS.PynomalyDatabaseConnectionIssues;
  const connections = (values: string) => [{ series: series(M.pynomaly_db_connections_active, API_TARGET), values }];
  return [
    { alert, title: 'no connection from 5m fires at 6m, after its 1m for', input: connections(step(5, 5, 0, 10)), at: 6, expect: [fires('critical', API_TARGET, 0)] },
    { alert, title: 'no connection from 5m is still pending at 5m', input: connections(step(5, 5, 0, 10)), at: 5, expect: [] },
    { alert, title: 'one connection stays silent', input: connections(gauge(1, 10)), at: 10, expect: [] },
  ];
}

/** `percent` hits of 100 lookups a minute in the model cache; an idle cache must not fire. */
function lookups(percent: number): AlertCase['input'] {
  const model = { ...API_TARGET, cache_type: 'model' };
  const idle = { ...API_TARGET, cache_type: 'result' };
  return [
    { series: series(M.pynomaly_cache_hits_total, model), values: counter(percent, 25) },
    { series: series(M.pynomaly_cache_misses_total, model), values: counter(100 - percent, 25) },
    { series: series(M.pynomaly_cache_hits_total, idle), values: gauge(0, 25) },
    { series: series(M.pynomaly_cache_misses_total, idle), values: gauge(0, 25) },
  ];
}

function cache(v: RulesValues): AlertCase[] {
  const p = around(v.thresholds.cacheHitRatePercent, 0, 100);
  const alert = ALERTS.PynomalyLowCacheHitRate;
  return [
    { alert, title: `${p.below} % hits fire after 10m`, input: lookups(p.below), at: 20, expect: [fires('warning', { ...API_JOB, cache_type: 'model' }, p.below / 100)] },
    { alert, title: `${p.above} % hits (and an idle cache) stay silent`, input: lookups(p.above), at: 20, expect: [] },
  ];
}

function apiAbsent(): AlertCase[] {
  const alert = ALERTS.PynomalyApiAbsent;
  const prometheus = { series: series(M.up, { job: JOBS.prometheus, instance: 'localhost:9090', namespace: 'monitoring' }), values: gauge(1, 15) };
  return [
    { alert, title: 'no API target for 10m fires', input: [prometheus], at: 15, expect: [fires('warning', { job: JOBS.pynomalyApi }, 1)] },
    { alert, title: 'an API target that is down is not absent', input: [prometheus, { series: series(M.up, API_TARGET), values: gauge(0, 15) }], at: 15, expect: [] },
  ];
}
