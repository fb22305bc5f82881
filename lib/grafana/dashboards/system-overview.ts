/**
 * System Overview: is the API up, how much traffic, how many errors, how fast,
 * and what it costs in memory and CPU. Thresholds that restate an alert
 * (error ratio, p95 latency, app CPU, cache hit ratio) come from
 * `rules.thresholds` (see ./alert-thresholds.ts).
 */
import { M } from '../../catalog/index';
import { JOBS } from '../../catalog/jobs';
import { AlertPanelThresholds } from './alert-thresholds';
import { increase, rate, re } from '../../catalog/promql';
import { DashboardSpec, gaugePanel, heatmapPanel, job, quantile, RATE, statPanel, tablePanel, targetVariables, timeseriesPanel } from './kit';

export const SYSTEM_OVERVIEW_UID = 'pynomaly-system-overview';

const API = job(JOBS.pynomalyApi);
const API_5XX = job(JOBS.pynomalyApi, { status_code: re('5..') });
const API_4XX = job(JOBS.pynomalyApi, { status_code: re('4..') });

const requests = `sum(${rate(M.pynomaly_http_requests_total + API, RATE)})`;
const errorRatio = `sum(${rate(M.pynomaly_http_requests_total + API_5XX, RATE)}) / ${requests}`;

export function systemOverview(alerts: AlertPanelThresholds): DashboardSpec {
  return {
    uid: SYSTEM_OVERVIEW_UID,
    title: 'Pynomaly / System Overview',
    description: 'Health, traffic, errors, latency and resource use of the Pynomaly API',
    tags: ['overview'],
    requires: ['prometheus'],
    variables: targetVariables([JOBS.pynomalyApi]),
    rows: [
      {
        title: 'Health',
        panels: [
          statPanel({
            title: 'API targets up',
            description: 'API instances whose last scrape succeeded',
            queries: [{ expr: `sum(${M.up}${API}) or vector(0)`, instant: true }],
            unit: 'short',
            sparkline: false,
            background: true,
            baseColor: 'red',
            thresholds: [[1, 'green']],
          }),
          statPanel({ title: 'Request rate', queries: [{ expr: requests }], unit: 'reqps', decimals: 2 }),
          statPanel({
            title: 'Error ratio (5xx)',
            queries: [{ expr: errorRatio }],
            unit: 'percentunit',
            decimals: 2,
            ...alerts.errorRatio,
          }),
          statPanel({
            title: 'Latency p95',
            queries: [{ expr: quantile(0.95, M.pynomaly_http_request_duration_seconds, API) }],
            unit: 's',
            ...alerts.latencyP95,
          }),
          statPanel({ title: 'Active users', queries: [{ expr: `sum(${M.pynomaly_active_users}${API})` }], unit: 'short' }),
          statPanel({
            title: 'Uptime',
            description: 'Time since the most recently started API process',
            queries: [{ expr: `time() - max(${M.process_start_time_seconds}${API})`, instant: true }],
            unit: 's',
            sparkline: false,
          }),
        ],
      },
      {
        title: 'Traffic and errors',
        panels: [
          timeseriesPanel({
            title: 'Requests by status code',
            queries: [{ expr: `sum by (status_code) (${rate(M.pynomaly_http_requests_total + API, RATE)})`, legend: '{{status_code}}' }],
            unit: 'reqps',
            stack: true,
          }),
          timeseriesPanel({
            title: 'Requests by endpoint (top 10)',
            queries: [{ expr: `topk(10, sum by (method, endpoint) (${rate(M.pynomaly_http_requests_total + API, RATE)}))`, legend: '{{method}} {{endpoint}}' }],
            unit: 'reqps',
            legendTable: true,
          }),
          timeseriesPanel({
            title: 'Error ratio',
            description: 'Share of requests answered with 5xx (server) and 4xx (client) status codes',
            queries: [
              { expr: errorRatio, legend: '5xx' },
              { expr: `sum(${rate(M.pynomaly_http_requests_total + API_4XX, RATE)}) / ${requests}`, legend: '4xx' },
            ],
            unit: 'percentunit',
            min: 0,
            ...alerts.errorRatio,
          }),
          timeseriesPanel({
            title: 'Application errors by type',
            queries: [{ expr: `sum by (error_type, component) (${rate(M.pynomaly_errors_total + API, RATE)})`, legend: '{{component}}: {{error_type}}' }],
            unit: 'ops',
            stack: true,
          }),
        ],
      },
      {
        title: 'Latency',
        panels: [
          timeseriesPanel({
            title: 'Latency percentiles',
            queries: [0.5, 0.9, 0.95, 0.99].map((q) => ({
              expr: quantile(q, M.pynomaly_http_request_duration_seconds, API),
              legend: `p${Math.round(q * 100)}`,
            })),
            unit: 's',
            // The alert is on p95; the line shows where it fires.
            ...alerts.latencyLine,
          }),
          heatmapPanel({
            title: 'Request duration distribution',
            query: { expr: `sum by (le) (${increase(`${M.pynomaly_http_request_duration_seconds}_bucket` + API, RATE)})` },
            unit: 's',
          }),
          tablePanel({
            title: 'Slowest endpoints (p95 over the range)',
            queries: [
              { expr: `topk(10, ${quantile(0.95, M.pynomaly_http_request_duration_seconds, API, ['method', 'endpoint'], '$__range')})` },
            ],
            unit: 's',
            width: 24,
            sortBy: 'Value',
          }),
        ],
      },
      {
        title: 'Resources',
        panels: [
          timeseriesPanel({
            title: 'Memory',
            queries: [
              { expr: `sum by (instance) (${M.pynomaly_memory_usage_bytes}${API})`, legend: 'app {{instance}}' },
              { expr: `sum by (instance) (${M.process_resident_memory_bytes}${API})`, legend: 'RSS {{instance}}' },
            ],
            unit: 'bytes',
            width: 8,
          }),
          timeseriesPanel({
            title: 'CPU',
            queries: [
              { expr: `avg by (instance) (${M.pynomaly_cpu_usage_percent}${API})`, legend: 'app {{instance}}' },
              { expr: `sum by (instance) (${rate(M.process_cpu_seconds_total + API, RATE)}) * 100`, legend: 'process {{instance}}' },
            ],
            unit: 'percent',
            width: 8,
            // The line of PynomalyHighCpuUsage, which watches the app's own figure.
            ...alerts.appCpu,
          }),
          timeseriesPanel({
            title: 'Active database connections',
            queries: [{ expr: `sum by (instance) (${M.pynomaly_db_connections_active}${API})`, legend: '{{instance}}' }],
            unit: 'short',
            width: 8,
          }),
          gaugePanel({
            title: 'File descriptors used',
            queries: [{ expr: `max(${M.process_open_fds}${API} / ${M.process_max_fds}${API})`, instant: true }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: [
              [0.7, 'orange'],
              [0.9, 'red'],
            ],
          }),
          gaugePanel({
            title: 'Cache hit ratio',
            queries: [
              {
                expr: `sum(${rate(M.pynomaly_cache_hits_total + API, RATE)}) / (sum(${rate(M.pynomaly_cache_hits_total + API, RATE)}) + sum(${rate(M.pynomaly_cache_misses_total + API, RATE)}))`,
              },
            ],
            unit: 'percentunit',
            min: 0,
            max: 1,
            // Low is bad here: red below the PynomalyLowCacheHitRate alert's threshold.
            ...alerts.cacheHitRatio,
          }),
          timeseriesPanel({
            title: 'Active users and detectors',
            queries: [
              { expr: `sum(${M.pynomaly_active_users}${API})`, legend: 'users' },
              { expr: `sum(${M.pynomaly_active_detectors}${API})`, legend: 'detectors' },
            ],
            unit: 'short',
            width: 16,
          }),
        ],
      },
    ],
  };
}
