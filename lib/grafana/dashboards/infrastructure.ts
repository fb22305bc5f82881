/**
 * Infrastructure: containers (cAdvisor), nodes (node-exporter), PostgreSQL,
 * the application cache and Redis, Elasticsearch (through its exporter: it has
 * no native /metrics) and the network. Thresholds that restate an alert
 * (container memory of limit, node CPU and disk, app cache hit ratio,
 * Elasticsearch pending tasks) come from `rules.thresholds`.
 */
import { M } from '../../catalog/index';
import { JOBS } from '../../catalog/jobs';
import { AlertPanelThresholds } from './alert-thresholds';
import { increase, matchers, notRe, rate } from '../../catalog/promql';
import { barGaugePanel, DashboardSpec, gaugePanel, job, quantile, RATE, statPanel, targetVariables, timeseriesPanel, valueText } from './kit';

export const INFRASTRUCTURE_UID = 'pynomaly-infrastructure';

const API = job(JOBS.pynomalyApi);
/** Containers of the selected namespaces, without the pause container and pod-level totals. */
const CONTAINERS = matchers({ namespace: '$namespace', container: notRe('|POD') });
/** Pod-level network series (cAdvisor reports them on the pause container). */
const POD_NETWORK = matchers({ namespace: '$namespace', interface: notRe('lo') });
const NODE = job(JOBS.nodeExporter);
const NODE_FS = job(JOBS.nodeExporter, { fstype: notRe('tmpfs|overlay|squashfs|nsfs') });
const NODE_NET = job(JOBS.nodeExporter, { device: notRe('lo|veth.*|docker.*|cali.*|flannel.*|cni.*|cilium.*') });
const PG = job(JOBS.postgresExporter);
const REDIS = job(JOBS.redisExporter);
const ES = job(JOBS.elasticsearchExporter);
const ES_HEAP = job(JOBS.elasticsearchExporter, { area: 'heap' });

/** 0 → Down (red), 1 → Up (green), for `*_up` gauges. */
const UP_MAPPINGS = valueText({ 0: ['Down', 'red'], 1: ['Up', 'green'] });

/** The cluster health stat's 0, 1, 2. */
const ES_HEALTH_MAPPINGS = valueText({ 0: ['GREEN', 'green'], 1: ['YELLOW', 'yellow'], 2: ['RED', 'red'] });

function upStat(title: string, metric: string, selector: string) {
  return statPanel({
    title,
    queries: [{ expr: `min(${metric}${selector})` }],
    mappings: UP_MAPPINGS,
    baseColor: 'red',
    thresholds: [[1, 'green']],
    background: true,
    sparkline: false,
  });
}

export function infrastructure(alerts: AlertPanelThresholds): DashboardSpec {
  return {
    uid: INFRASTRUCTURE_UID,
    title: 'Pynomaly / Infrastructure',
    description: 'Containers, nodes, PostgreSQL, cache and Redis, Elasticsearch and network of the Pynomaly stack',
    tags: ['infrastructure'],
    requires: ['prometheus'],
    variables: targetVariables([JOBS.pynomalyApi, JOBS.nodeExporter, JOBS.postgresExporter, JOBS.redisExporter, JOBS.elasticsearchExporter]),
    rows: [
      {
        title: 'Containers',
        panels: [
          timeseriesPanel({
            title: 'CPU by pod',
            queries: [{ expr: `sum by (pod) (${rate(M.container_cpu_usage_seconds_total + CONTAINERS, RATE)})`, legend: '{{pod}}' }],
            unit: 'short',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Memory working set by pod',
            queries: [{ expr: `sum by (pod) (${M.container_memory_working_set_bytes}${CONTAINERS})`, legend: '{{pod}}' }],
            unit: 'bytes',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Memory of limit by container',
            description: 'Working set over the memory limit; containers without a limit are left out',
            queries: [
              {
                expr: `max by (pod, container) (${M.container_memory_working_set_bytes}${CONTAINERS} / (${M.container_spec_memory_limit_bytes}${CONTAINERS} > 0))`,
                legend: '{{pod}}/{{container}}',
              },
            ],
            unit: 'percentunit',
            width: 8,
            // PynomalyHighMemoryUsage compares the same ratio (for the API's containers).
            ...alerts.memoryOfLimit,
          }),
          timeseriesPanel({
            title: 'CPU throttling by pod',
            description: 'Share of CFS periods in which the container was throttled by its CPU limit',
            queries: [
              {
                expr: `sum by (pod) (${rate(M.container_cpu_cfs_throttled_periods_total + CONTAINERS, RATE)}) / sum by (pod) (${rate(M.container_cpu_cfs_periods_total + CONTAINERS, RATE)})`,
                legend: '{{pod}}',
              },
            ],
            unit: 'percentunit',
            width: 16,
          }),
          statPanel({
            title: 'OOM kills (range)',
            queries: [{ expr: `sum(${increase(M.container_oom_events_total + CONTAINERS, '$__range')}) or vector(0)`, instant: true }],
            unit: 'short',
            decimals: 0,
            thresholds: [[1, 'red']],
            sparkline: false,
            width: 8,
            height: 8,
          }),
        ],
      },
      {
        title: 'Nodes',
        panels: [
          timeseriesPanel({
            title: 'CPU used by node',
            queries: [{ expr: `1 - avg by (instance) (${rate(M.node_cpu_seconds_total + job(JOBS.nodeExporter, { mode: 'idle' }), RATE)})`, legend: '{{instance}}' }],
            unit: 'percentunit',
            max: 1,
            width: 8,
            ...alerts.hostCpu,
          }),
          timeseriesPanel({
            title: 'Memory used by node',
            queries: [
              {
                expr: `1 - sum by (instance) (${M.node_memory_MemAvailable_bytes}${NODE}) / sum by (instance) (${M.node_memory_MemTotal_bytes}${NODE})`,
                legend: '{{instance}}',
              },
            ],
            unit: 'percentunit',
            max: 1,
            width: 8,
            thresholds: [
              [0.8, 'orange'],
              [0.9, 'red'],
            ],
          }),
          timeseriesPanel({
            title: 'Load (1 min)',
            queries: [{ expr: `max by (instance) (${M.node_load1}${NODE})`, legend: '{{instance}}' }],
            unit: 'short',
            width: 8,
          }),
          barGaugePanel({
            title: 'Disk used by mount point',
            queries: [
              {
                expr: `1 - max by (instance, mountpoint) (${M.node_filesystem_avail_bytes}${NODE_FS} / ${M.node_filesystem_size_bytes}${NODE_FS})`,
                legend: '{{instance}} {{mountpoint}}',
                instant: true,
              },
            ],
            unit: 'percentunit',
            min: 0,
            max: 1,
            ...alerts.disk,
          }),
          timeseriesPanel({
            title: 'Disk I/O busy by device',
            queries: [{ expr: `max by (instance, device) (${rate(M.node_disk_io_time_seconds_total + NODE, RATE)})`, legend: '{{instance}} {{device}}' }],
            unit: 'percentunit',
          }),
        ],
      },
      {
        title: 'Database',
        panels: [
          upStat('PostgreSQL', M.pg_up, PG),
          statPanel({
            title: 'Connections used',
            queries: [{ expr: `sum(${M.pg_stat_database_numbackends}${PG}) / max(${M.pg_settings_max_connections}${PG})` }],
            unit: 'percentunit',
            thresholds: [
              [0.8, 'orange'],
              [0.9, 'red'],
            ],
          }),
          statPanel({
            title: 'Buffer cache hit ratio',
            queries: [
              {
                expr: `sum(${rate(M.pg_stat_database_blks_hit + PG, RATE)}) / (sum(${rate(M.pg_stat_database_blks_hit + PG, RATE)}) + sum(${rate(M.pg_stat_database_blks_read + PG, RATE)}))`,
              },
            ],
            unit: 'percentunit',
            baseColor: 'red',
            thresholds: [
              [0.9, 'orange'],
              [0.99, 'green'],
            ],
          }),
          statPanel({
            title: 'Deadlocks (range)',
            queries: [{ expr: `sum(${increase(M.pg_stat_database_deadlocks + PG, '$__range')}) or vector(0)`, instant: true }],
            unit: 'short',
            decimals: 0,
            thresholds: [[1, 'red']],
            sparkline: false,
          }),
          statPanel({ title: 'App DB connections', queries: [{ expr: `sum(${M.pynomaly_db_connections_active}${API})` }], unit: 'short', baseColor: 'red', thresholds: [[1, 'green']] }),
          statPanel({ title: 'Database size', queries: [{ expr: `sum(${M.pg_database_size_bytes}${PG})` }], unit: 'bytes' }),
          timeseriesPanel({
            title: 'Transactions',
            queries: [
              { expr: `sum(${rate(M.pg_stat_database_xact_commit + PG, RATE)})`, legend: 'commits' },
              { expr: `sum(${rate(M.pg_stat_database_xact_rollback + PG, RATE)})`, legend: 'rollbacks' },
            ],
            unit: 'ops',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Backends by database',
            queries: [
              { expr: `sum by (datname) (${M.pg_stat_database_numbackends}${PG})`, legend: '{{datname}}' },
              { expr: `max(${M.pg_settings_max_connections}${PG})`, legend: 'max_connections' },
            ],
            unit: 'short',
            width: 8,
          }),
          timeseriesPanel({
            title: 'App query duration p95 by operation',
            queries: [{ expr: quantile(0.95, M.pynomaly_db_query_duration_seconds, API, ['operation']), legend: '{{operation}}' }],
            unit: 's',
            width: 8,
          }),
        ],
      },
      {
        title: 'Cache and Redis',
        panels: [
          upStat('Redis', M.redis_up, REDIS),
          gaugePanel({
            title: 'Redis memory of maxmemory',
            queries: [{ expr: `max(${M.redis_memory_used_bytes}${REDIS} / (${M.redis_memory_max_bytes}${REDIS} > 0))` }],
            unit: 'percentunit',
            min: 0,
            max: 1,
            height: 4,
            thresholds: [
              [0.8, 'orange'],
              [0.9, 'red'],
            ],
          }),
          statPanel({ title: 'Redis clients', queries: [{ expr: `sum(${M.redis_connected_clients}${REDIS})` }], unit: 'short' }),
          statPanel({ title: 'Redis commands', queries: [{ expr: `sum(${rate(M.redis_commands_processed_total + REDIS, RATE)})` }], unit: 'ops' }),
          statPanel({
            title: 'Redis keyspace hit ratio',
            queries: [
              {
                expr: `sum(${rate(M.redis_keyspace_hits_total + REDIS, RATE)}) / (sum(${rate(M.redis_keyspace_hits_total + REDIS, RATE)}) + sum(${rate(M.redis_keyspace_misses_total + REDIS, RATE)}))`,
              },
            ],
            unit: 'percentunit',
            baseColor: 'red',
            thresholds: [
              [0.5, 'orange'],
              [0.8, 'green'],
            ],
          }),
          statPanel({
            title: 'Redis keys',
            queries: [{ expr: `sum(${M.redis_db_keys}${REDIS})` }],
            unit: 'short',
          }),
          timeseriesPanel({
            title: 'App cache hit ratio by cache',
            queries: [
              {
                expr: `sum by (cache_type) (${rate(M.pynomaly_cache_hits_total + API, RATE)}) / (sum by (cache_type) (${rate(M.pynomaly_cache_hits_total + API, RATE)}) + sum by (cache_type) (${rate(M.pynomaly_cache_misses_total + API, RATE)}))`,
                legend: '{{cache_type}}',
              },
            ],
            unit: 'percentunit',
            min: 0,
            max: 1,
            width: 8,
            // The ratio PynomalyLowCacheHitRate compares, per cache as the alert does.
            ...alerts.cacheHitRatio,
          }),
          timeseriesPanel({
            title: 'Redis memory',
            queries: [
              { expr: `sum by (instance) (${M.redis_memory_used_bytes}${REDIS})`, legend: 'used {{instance}}' },
              { expr: `sum by (instance) (${M.redis_memory_max_bytes}${REDIS} > 0)`, legend: 'max {{instance}}' },
            ],
            unit: 'bytes',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Redis evictions and rejected connections',
            queries: [
              { expr: `sum(${rate(M.redis_evicted_keys_total + REDIS, RATE)})`, legend: 'evicted keys' },
              { expr: `sum(${rate(M.redis_rejected_connections_total + REDIS, RATE)})`, legend: 'rejected connections' },
            ],
            unit: 'ops',
            width: 8,
          }),
        ],
      },
      {
        title: 'Elasticsearch',
        panels: [
          statPanel({
            title: 'Cluster health',
            // 0 green, 1 yellow, 2 red: the exporter sets 1 on the current color's series.
            queries: [
              {
                expr: `max(${M.elasticsearch_cluster_health_status}${job(JOBS.elasticsearchExporter, { color: 'red' })}) * 2 + max(${M.elasticsearch_cluster_health_status}${job(JOBS.elasticsearchExporter, { color: 'yellow' })})`,
              },
            ],
            mappings: ES_HEALTH_MAPPINGS,
            thresholds: [
              [1, 'yellow'],
              [2, 'red'],
            ],
            background: true,
            sparkline: false,
          }),
          statPanel({ title: 'Nodes', queries: [{ expr: `max(${M.elasticsearch_cluster_health_number_of_nodes}${ES})` }], unit: 'short', sparkline: false }),
          statPanel({
            title: 'Unassigned shards',
            queries: [{ expr: `max(${M.elasticsearch_cluster_health_unassigned_shards}${ES})` }],
            unit: 'short',
            thresholds: [[1, 'orange']],
          }),
          statPanel({
            title: 'Pending tasks',
            queries: [{ expr: `max(${M.elasticsearch_cluster_health_number_of_pending_tasks}${ES})` }],
            unit: 'short',
            ...alerts.elasticsearchPendingTasks,
          }),
          statPanel({ title: 'Documents', queries: [{ expr: `sum(${M.elasticsearch_indices_docs}${ES})` }], unit: 'short' }),
          upStat('Exporter reaches cluster', M.elasticsearch_cluster_health_up, ES),
          timeseriesPanel({
            title: 'JVM heap used by node',
            queries: [{ expr: `max by (name) (${M.elasticsearch_jvm_memory_used_bytes}${ES_HEAP} / ${M.elasticsearch_jvm_memory_max_bytes}${ES_HEAP})`, legend: '{{name}}' }],
            unit: 'percentunit',
            max: 1,
            width: 8,
            thresholds: [[0.85, 'red']],
          }),
          timeseriesPanel({
            title: 'Disk free by node',
            queries: [
              {
                expr: `min by (name) (${M.elasticsearch_filesystem_data_available_bytes}${ES} / ${M.elasticsearch_filesystem_data_size_bytes}${ES})`,
                legend: '{{name}}',
              },
            ],
            unit: 'percentunit',
            max: 1,
            width: 8,
          }),
          timeseriesPanel({
            title: 'Indexing and search rate',
            queries: [
              { expr: `sum(${rate(M.elasticsearch_indices_indexing_index_total + ES, RATE)})`, legend: 'documents indexed' },
              { expr: `sum(${rate(M.elasticsearch_indices_search_query_total + ES, RATE)})`, legend: 'search queries' },
            ],
            unit: 'ops',
            width: 8,
          }),
        ],
      },
      {
        title: 'Network',
        panels: [
          timeseriesPanel({
            title: 'Node network traffic',
            queries: [
              { expr: `sum by (instance) (${rate(M.node_network_receive_bytes_total + NODE_NET, RATE)})`, legend: 'in {{instance}}' },
              { expr: `sum by (instance) (${rate(M.node_network_transmit_bytes_total + NODE_NET, RATE)})`, legend: 'out {{instance}}' },
            ],
            unit: 'Bps',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Node network errors',
            queries: [
              { expr: `sum by (instance) (${rate(M.node_network_receive_errs_total + NODE_NET, RATE)})`, legend: 'in {{instance}}' },
              { expr: `sum by (instance) (${rate(M.node_network_transmit_errs_total + NODE_NET, RATE)})`, legend: 'out {{instance}}' },
            ],
            unit: 'pps',
            width: 8,
          }),
          timeseriesPanel({
            title: 'Pod network traffic',
            queries: [
              { expr: `sum by (pod) (${rate(M.container_network_receive_bytes_total + POD_NETWORK, RATE)})`, legend: 'in {{pod}}' },
              { expr: `sum by (pod) (${rate(M.container_network_transmit_bytes_total + POD_NETWORK, RATE)})`, legend: 'out {{pod}}' },
            ],
            unit: 'Bps',
            width: 8,
          }),
        ],
      },
    ],
  };
}
