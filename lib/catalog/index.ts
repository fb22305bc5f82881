/**
 * The metric catalog: every metric a rule or dashboard may name, with its type
 * and labels, declared once. Rules and dashboards refer to metrics through
 * `M.<name>` so a typo is a compile error, and a test parses every expression
 * and fails on any metric or label that is not declared here.
 *
 * The application's metrics are those its MetricsCollector really defines
 * (see ../shared/pynomaly-monitoring-facts.md); the original rules queried
 * several that do not exist (pynomaly_memory_limit_bytes, ...), and used a
 * `status` label that is really `status_code`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  /** Labels the metric carries besides the target labels every series gets. */
  readonly labels: readonly string[];
  readonly help: string;
  /** Who exports it: the app, an exporter, Prometheus itself, ... */
  readonly source: MetricSource;
}

export type MetricSource =
  | 'pynomaly'
  | 'fastapi-instrumentator'
  | 'process'
  | 'prometheus'
  | 'alertmanager'
  | 'grafana'
  | 'node-exporter'
  | 'redis-exporter'
  | 'postgres-exporter'
  | 'elasticsearch-exporter'
  | 'logstash-exporter'
  | 'blackbox-exporter'
  | 'cadvisor'
  | 'kubelet'
  | 'jaeger';

/**
 * Labels every scraped series carries (target labels from the scrape config
 * and relabelling) plus the external labels Prometheus adds to alerts.
 */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'service', 'container', 'node', 'cluster', 'environment'] as const;

function m(source: MetricSource, type: MetricType, name: string, labels: readonly string[], help: string): MetricDef {
  return { name, type, labels, help, source };
}

const HISTOGRAM_LABELS = ['le'];

export const METRICS = {
  // --- Pynomaly application (MetricsCollector) ------------------------------------------
  pynomaly_http_requests_total: m('pynomaly', 'counter', 'pynomaly_http_requests_total', ['method', 'endpoint', 'status_code'], 'HTTP requests by method, endpoint and status code'),
  pynomaly_detections_total: m('pynomaly', 'counter', 'pynomaly_detections_total', ['detector_type', 'dataset_name'], 'Anomaly detections run'),
  pynomaly_model_training_total: m('pynomaly', 'counter', 'pynomaly_model_training_total', ['detector_type', 'algorithm'], 'Model trainings run'),
  pynomaly_errors_total: m('pynomaly', 'counter', 'pynomaly_errors_total', ['error_type', 'component'], 'Errors by type and component'),
  pynomaly_cache_hits_total: m('pynomaly', 'counter', 'pynomaly_cache_hits_total', ['cache_type'], 'Cache hits'),
  pynomaly_cache_misses_total: m('pynomaly', 'counter', 'pynomaly_cache_misses_total', ['cache_type'], 'Cache misses'),
  pynomaly_stream_messages_processed_total: m('pynomaly', 'counter', 'pynomaly_stream_messages_processed_total', ['stream_id'], 'Stream messages processed'),
  pynomaly_http_request_duration_seconds: m('pynomaly', 'histogram', 'pynomaly_http_request_duration_seconds', ['method', 'endpoint'], 'HTTP request duration (0.01-10 s buckets)'),
  pynomaly_detection_duration_seconds: m('pynomaly', 'histogram', 'pynomaly_detection_duration_seconds', ['detector_type'], 'Detection duration (0.1-60 s buckets)'),
  pynomaly_anomalies_found: m('pynomaly', 'histogram', 'pynomaly_anomalies_found', ['detector_type'], 'Anomalies found per detection (0-1000 buckets)'),
  pynomaly_training_duration_seconds: m('pynomaly', 'histogram', 'pynomaly_training_duration_seconds', ['detector_type', 'algorithm'], 'Training duration (1-1800 s buckets)'),
  pynomaly_db_query_duration_seconds: m('pynomaly', 'histogram', 'pynomaly_db_query_duration_seconds', ['operation'], 'Database query duration'),
  pynomaly_stream_processing_latency_seconds: m('pynomaly', 'histogram', 'pynomaly_stream_processing_latency_seconds', ['stream_id'], 'Stream processing latency'),
  pynomaly_active_users: m('pynomaly', 'gauge', 'pynomaly_active_users', [], 'Active users'),
  pynomaly_active_detectors: m('pynomaly', 'gauge', 'pynomaly_active_detectors', [], 'Active detectors'),
  pynomaly_memory_usage_bytes: m('pynomaly', 'gauge', 'pynomaly_memory_usage_bytes', [], 'Memory used by the application'),
  pynomaly_cpu_usage_percent: m('pynomaly', 'gauge', 'pynomaly_cpu_usage_percent', [], 'CPU used by the application, percent'),
  pynomaly_db_connections_active: m('pynomaly', 'gauge', 'pynomaly_db_connections_active', [], 'Active database connections'),

  // --- FastAPI instrumentator defaults and process metrics of the API -------------------
  http_requests_total: m('fastapi-instrumentator', 'counter', 'http_requests_total', ['handler', 'method', 'status'], 'Requests by handler, method and status class (2xx, 5xx)'),
  http_request_duration_seconds: m('fastapi-instrumentator', 'histogram', 'http_request_duration_seconds', ['handler', 'method'], 'Request duration'),
  process_resident_memory_bytes: m('process', 'gauge', 'process_resident_memory_bytes', [], 'Resident memory'),
  process_cpu_seconds_total: m('process', 'counter', 'process_cpu_seconds_total', [], 'CPU time'),
  process_open_fds: m('process', 'gauge', 'process_open_fds', [], 'Open file descriptors'),
  process_max_fds: m('process', 'gauge', 'process_max_fds', [], 'File descriptor limit'),
  process_start_time_seconds: m('process', 'gauge', 'process_start_time_seconds', [], 'Start time of the process'),

  // --- Every scrape ----------------------------------------------------------------------
  up: m('prometheus', 'gauge', 'up', [], '1 if the last scrape of the target succeeded'),
  scrape_duration_seconds: m('prometheus', 'gauge', 'scrape_duration_seconds', [], 'Duration of the last scrape'),
  scrape_samples_scraped: m('prometheus', 'gauge', 'scrape_samples_scraped', [], 'Samples of the last scrape'),

  // --- Prometheus itself -------------------------------------------------------------------
  prometheus_config_last_reload_successful: m('prometheus', 'gauge', 'prometheus_config_last_reload_successful', [], '1 if the last configuration reload succeeded'),
  prometheus_config_last_reload_success_timestamp_seconds: m('prometheus', 'gauge', 'prometheus_config_last_reload_success_timestamp_seconds', [], 'Time of the last successful configuration reload'),
  prometheus_rule_evaluation_failures_total: m('prometheus', 'counter', 'prometheus_rule_evaluation_failures_total', ['rule_group'], 'Rule evaluation failures'),
  prometheus_rule_group_iterations_missed_total: m('prometheus', 'counter', 'prometheus_rule_group_iterations_missed_total', ['rule_group'], 'Rule group evaluations missed'),
  prometheus_notifications_errors_total: m('prometheus', 'counter', 'prometheus_notifications_errors_total', ['alertmanager'], 'Errors sending alerts to Alertmanager'),
  prometheus_notifications_sent_total: m('prometheus', 'counter', 'prometheus_notifications_sent_total', ['alertmanager'], 'Alerts sent to Alertmanager'),
  prometheus_notifications_dropped_total: m('prometheus', 'counter', 'prometheus_notifications_dropped_total', [], 'Alerts dropped'),
  prometheus_notifications_alertmanagers_discovered: m('prometheus', 'gauge', 'prometheus_notifications_alertmanagers_discovered', [], 'Alertmanagers discovered and active'),
  prometheus_tsdb_head_series: m('prometheus', 'gauge', 'prometheus_tsdb_head_series', [], 'Series in the head block'),
  prometheus_tsdb_storage_blocks_bytes: m('prometheus', 'gauge', 'prometheus_tsdb_storage_blocks_bytes', [], 'Bytes of persistent blocks'),
  prometheus_tsdb_compactions_failed_total: m('prometheus', 'counter', 'prometheus_tsdb_compactions_failed_total', [], 'Failed compactions'),
  prometheus_tsdb_wal_corruptions_total: m('prometheus', 'counter', 'prometheus_tsdb_wal_corruptions_total', [], 'WAL corruptions'),
  prometheus_target_scrapes_exceeded_sample_limit_total: m('prometheus', 'counter', 'prometheus_target_scrapes_exceeded_sample_limit_total', [], 'Scrapes over the sample limit'),
  prometheus_sd_discovered_targets: m('prometheus', 'gauge', 'prometheus_sd_discovered_targets', ['config', 'name'], 'Discovered targets'),
  prometheus_engine_query_duration_seconds: m('prometheus', 'summary', 'prometheus_engine_query_duration_seconds', ['slice', 'quantile'], 'Query engine timings'),
  prometheus_http_requests_total: m('prometheus', 'counter', 'prometheus_http_requests_total', ['code', 'handler'], 'HTTP requests to Prometheus'),
  prometheus_build_info: m('prometheus', 'info', 'prometheus_build_info', ['version', 'revision', 'branch', 'goversion'], 'Build information'),

  // --- Alertmanager ------------------------------------------------------------------------
  alertmanager_config_last_reload_successful: m('alertmanager', 'gauge', 'alertmanager_config_last_reload_successful', [], '1 if the last configuration reload succeeded'),
  alertmanager_config_last_reload_success_timestamp_seconds: m('alertmanager', 'gauge', 'alertmanager_config_last_reload_success_timestamp_seconds', [], 'Time of the last successful configuration reload'),
  alertmanager_config_hash: m('alertmanager', 'gauge', 'alertmanager_config_hash', [], 'Hash of the loaded configuration'),
  alertmanager_notifications_total: m('alertmanager', 'counter', 'alertmanager_notifications_total', ['integration'], 'Notifications attempted'),
  alertmanager_notifications_failed_total: m('alertmanager', 'counter', 'alertmanager_notifications_failed_total', ['integration', 'reason'], 'Notifications that failed'),
  alertmanager_alerts: m('alertmanager', 'gauge', 'alertmanager_alerts', ['state'], 'Alerts by state'),
  alertmanager_cluster_members: m('alertmanager', 'gauge', 'alertmanager_cluster_members', [], 'Members of the gossip cluster'),
  alertmanager_silences: m('alertmanager', 'gauge', 'alertmanager_silences', ['state'], 'Silences by state'),

  // --- Grafana -------------------------------------------------------------------------------
  grafana_http_request_duration_seconds: m('grafana', 'histogram', 'grafana_http_request_duration_seconds', ['handler', 'method', 'status_code'], 'Grafana HTTP request duration'),
  grafana_build_info: m('grafana', 'info', 'grafana_build_info', ['version', 'edition'], 'Build information'),
  grafana_alerting_active_alerts: m('grafana', 'gauge', 'grafana_alerting_active_alerts', [], 'Grafana alerting active alerts'),

  // --- node-exporter ------------------------------------------------------------------------
  node_cpu_seconds_total: m('node-exporter', 'counter', 'node_cpu_seconds_total', ['cpu', 'mode'], 'CPU time by mode'),
  node_load1: m('node-exporter', 'gauge', 'node_load1', [], '1 minute load average'),
  node_memory_MemTotal_bytes: m('node-exporter', 'gauge', 'node_memory_MemTotal_bytes', [], 'Total memory'),
  node_memory_MemAvailable_bytes: m('node-exporter', 'gauge', 'node_memory_MemAvailable_bytes', [], 'Available memory'),
  node_filesystem_avail_bytes: m('node-exporter', 'gauge', 'node_filesystem_avail_bytes', ['device', 'fstype', 'mountpoint'], 'Filesystem space available to non-root users'),
  node_filesystem_size_bytes: m('node-exporter', 'gauge', 'node_filesystem_size_bytes', ['device', 'fstype', 'mountpoint'], 'Filesystem size'),
  node_filesystem_readonly: m('node-exporter', 'gauge', 'node_filesystem_readonly', ['device', 'fstype', 'mountpoint'], '1 if the filesystem is read-only'),
  node_network_receive_bytes_total: m('node-exporter', 'counter', 'node_network_receive_bytes_total', ['device'], 'Bytes received'),
  node_network_transmit_bytes_total: m('node-exporter', 'counter', 'node_network_transmit_bytes_total', ['device'], 'Bytes sent'),
  node_network_receive_errs_total: m('node-exporter', 'counter', 'node_network_receive_errs_total', ['device'], 'Receive errors'),
  node_network_transmit_errs_total: m('node-exporter', 'counter', 'node_network_transmit_errs_total', ['device'], 'Transmit errors'),
  node_disk_io_time_seconds_total: m('node-exporter', 'counter', 'node_disk_io_time_seconds_total', ['device'], 'Time spent doing I/O'),
  node_disk_read_bytes_total: m('node-exporter', 'counter', 'node_disk_read_bytes_total', ['device'], 'Bytes read'),
  node_disk_written_bytes_total: m('node-exporter', 'counter', 'node_disk_written_bytes_total', ['device'], 'Bytes written'),
  node_uname_info: m('node-exporter', 'info', 'node_uname_info', ['nodename', 'release', 'version', 'machine', 'sysname', 'domainname'], 'Kernel and host names'),

  // --- redis-exporter -------------------------------------------------------------------------
  redis_up: m('redis-exporter', 'gauge', 'redis_up', [], '1 if the exporter reached Redis'),
  redis_connected_clients: m('redis-exporter', 'gauge', 'redis_connected_clients', [], 'Connected clients'),
  redis_memory_used_bytes: m('redis-exporter', 'gauge', 'redis_memory_used_bytes', [], 'Memory used by Redis'),
  redis_memory_max_bytes: m('redis-exporter', 'gauge', 'redis_memory_max_bytes', [], 'maxmemory setting (0 when unlimited)'),
  redis_keyspace_hits_total: m('redis-exporter', 'counter', 'redis_keyspace_hits_total', [], 'Keyspace hits'),
  redis_keyspace_misses_total: m('redis-exporter', 'counter', 'redis_keyspace_misses_total', [], 'Keyspace misses'),
  redis_commands_processed_total: m('redis-exporter', 'counter', 'redis_commands_processed_total', [], 'Commands processed'),
  redis_evicted_keys_total: m('redis-exporter', 'counter', 'redis_evicted_keys_total', [], 'Keys evicted'),
  redis_rejected_connections_total: m('redis-exporter', 'counter', 'redis_rejected_connections_total', [], 'Connections rejected'),
  redis_db_keys: m('redis-exporter', 'gauge', 'redis_db_keys', ['db'], 'Keys per database'),

  // --- postgres-exporter ------------------------------------------------------------------------
  pg_up: m('postgres-exporter', 'gauge', 'pg_up', [], '1 if the exporter reached PostgreSQL'),
  pg_stat_database_numbackends: m('postgres-exporter', 'gauge', 'pg_stat_database_numbackends', ['datid', 'datname'], 'Backends connected per database'),
  pg_settings_max_connections: m('postgres-exporter', 'gauge', 'pg_settings_max_connections', [], 'max_connections setting'),
  pg_stat_database_xact_commit: m('postgres-exporter', 'counter', 'pg_stat_database_xact_commit', ['datid', 'datname'], 'Transactions committed'),
  pg_stat_database_xact_rollback: m('postgres-exporter', 'counter', 'pg_stat_database_xact_rollback', ['datid', 'datname'], 'Transactions rolled back'),
  pg_stat_database_deadlocks: m('postgres-exporter', 'counter', 'pg_stat_database_deadlocks', ['datid', 'datname'], 'Deadlocks'),
  pg_stat_database_blks_hit: m('postgres-exporter', 'counter', 'pg_stat_database_blks_hit', ['datid', 'datname'], 'Buffer cache hits'),
  pg_stat_database_blks_read: m('postgres-exporter', 'counter', 'pg_stat_database_blks_read', ['datid', 'datname'], 'Blocks read from disk'),
  pg_database_size_bytes: m('postgres-exporter', 'gauge', 'pg_database_size_bytes', ['datname'], 'Database size'),

  // --- Elasticsearch exporter ----------------------------------------------------------------------
  elasticsearch_cluster_health_status: m('elasticsearch-exporter', 'gauge', 'elasticsearch_cluster_health_status', ['cluster', 'color'], '1 for the current health color of the cluster'),
  elasticsearch_cluster_health_up: m('elasticsearch-exporter', 'gauge', 'elasticsearch_cluster_health_up', ['cluster'], '1 if the exporter reached the cluster health API'),
  elasticsearch_cluster_health_number_of_pending_tasks: m('elasticsearch-exporter', 'gauge', 'elasticsearch_cluster_health_number_of_pending_tasks', ['cluster'], 'Pending cluster-level tasks'),
  elasticsearch_cluster_health_unassigned_shards: m('elasticsearch-exporter', 'gauge', 'elasticsearch_cluster_health_unassigned_shards', ['cluster'], 'Unassigned shards'),
  elasticsearch_cluster_health_number_of_nodes: m('elasticsearch-exporter', 'gauge', 'elasticsearch_cluster_health_number_of_nodes', ['cluster'], 'Nodes in the cluster'),
  elasticsearch_filesystem_data_available_bytes: m('elasticsearch-exporter', 'gauge', 'elasticsearch_filesystem_data_available_bytes', ['cluster', 'host', 'mount', 'name', 'path'], 'Free disk space of data paths'),
  elasticsearch_filesystem_data_size_bytes: m('elasticsearch-exporter', 'gauge', 'elasticsearch_filesystem_data_size_bytes', ['cluster', 'host', 'mount', 'name', 'path'], 'Size of data paths'),
  elasticsearch_jvm_memory_used_bytes: m('elasticsearch-exporter', 'gauge', 'elasticsearch_jvm_memory_used_bytes', ['area', 'cluster', 'host', 'name'], 'JVM memory used'),
  elasticsearch_jvm_memory_max_bytes: m('elasticsearch-exporter', 'gauge', 'elasticsearch_jvm_memory_max_bytes', ['area', 'cluster', 'host', 'name'], 'JVM memory limit'),
  elasticsearch_indices_docs: m('elasticsearch-exporter', 'gauge', 'elasticsearch_indices_docs', ['cluster', 'host', 'name'], 'Documents on the node'),
  elasticsearch_indices_indexing_index_total: m('elasticsearch-exporter', 'counter', 'elasticsearch_indices_indexing_index_total', ['cluster', 'host', 'name'], 'Documents indexed'),
  elasticsearch_slm_stats_snapshots_failed_total: m('elasticsearch-exporter', 'counter', 'elasticsearch_slm_stats_snapshots_failed_total', ['policy'], "Snapshots an SLM policy failed to take; needs the exporter's --collector.slm"),
  elasticsearch_slm_stats_operation_mode: m('elasticsearch-exporter', 'gauge', 'elasticsearch_slm_stats_operation_mode', ['operation_mode'], '1 for the current SLM operation mode (RUNNING, STOPPING, STOPPED)'),
  probe_success: m('blackbox-exporter', 'gauge', 'probe_success', [], '1 if the probe of the target (instance: the probed URL) succeeded'),
  probe_duration_seconds: m('blackbox-exporter', 'gauge', 'probe_duration_seconds', [], 'How long the probe took'),
  probe_http_status_code: m('blackbox-exporter', 'gauge', 'probe_http_status_code', [], 'HTTP status code of the probe response (0: no response)'),
  logstash_info_up: m('logstash-exporter', 'gauge', 'logstash_info_up', [], '1 while the exporter sidecar reaches the monitoring API of its Logstash'),
  elasticsearch_ilm_index_status: m('elasticsearch-exporter', 'gauge', 'elasticsearch_ilm_index_status', ['index', 'phase', 'action', 'step'], '1 for the current ILM phase/action/step of an index (step ERROR: its policy failed); needs the exporter\'s --collector.ilm'),
  elasticsearch_indices_search_query_total: m('elasticsearch-exporter', 'counter', 'elasticsearch_indices_search_query_total', ['cluster', 'host', 'name'], 'Search queries'),

  // --- kubelet / cAdvisor (container metrics) ---------------------------------------------------------
  container_cpu_usage_seconds_total: m('cadvisor', 'counter', 'container_cpu_usage_seconds_total', ['cpu', 'image', 'id', 'name'], 'Container CPU time'),
  container_memory_working_set_bytes: m('cadvisor', 'gauge', 'container_memory_working_set_bytes', ['image', 'id', 'name'], 'Container working set (what the OOM killer looks at)'),
  container_spec_memory_limit_bytes: m('cadvisor', 'gauge', 'container_spec_memory_limit_bytes', ['image', 'id', 'name'], 'Container memory limit (0 when none)'),
  container_cpu_cfs_throttled_periods_total: m('cadvisor', 'counter', 'container_cpu_cfs_throttled_periods_total', ['image', 'id', 'name'], 'Throttled CFS periods'),
  container_cpu_cfs_periods_total: m('cadvisor', 'counter', 'container_cpu_cfs_periods_total', ['image', 'id', 'name'], 'CFS periods'),
  container_network_receive_bytes_total: m('cadvisor', 'counter', 'container_network_receive_bytes_total', ['image', 'id', 'name', 'interface'], 'Bytes received by the pod'),
  container_network_transmit_bytes_total: m('cadvisor', 'counter', 'container_network_transmit_bytes_total', ['image', 'id', 'name', 'interface'], 'Bytes sent by the pod'),
  container_oom_events_total: m('cadvisor', 'counter', 'container_oom_events_total', ['image', 'id', 'name'], 'OOM kills'),
  kubelet_volume_stats_available_bytes: m('kubelet', 'gauge', 'kubelet_volume_stats_available_bytes', ['persistentvolumeclaim'], 'Free bytes of a mounted PVC'),
  kubelet_volume_stats_capacity_bytes: m('kubelet', 'gauge', 'kubelet_volume_stats_capacity_bytes', ['persistentvolumeclaim'], 'Capacity of a mounted PVC'),

  // --- Jaeger v2 (OpenTelemetry collector telemetry on port 8888; v1's jaeger_collector_* are gone) ----
  otelcol_receiver_accepted_spans_total: m('jaeger', 'counter', 'otelcol_receiver_accepted_spans_total', ['receiver', 'transport'], 'Spans a receiver accepted into the pipeline'),
  otelcol_receiver_refused_spans_total: m('jaeger', 'counter', 'otelcol_receiver_refused_spans_total', ['receiver', 'transport'], 'Spans a receiver refused (the pipeline did not take them)'),
  otelcol_exporter_sent_spans_total: m('jaeger', 'counter', 'otelcol_exporter_sent_spans_total', ['exporter'], 'Spans an exporter wrote (to the trace storage)'),
  otelcol_exporter_send_failed_spans_total: m('jaeger', 'counter', 'otelcol_exporter_send_failed_spans_total', ['exporter'], 'Spans an exporter failed to write (lost)'),
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;

/** Metric names as typed constants: `M.pynomaly_errors_total` is a compile-checked string. */
export const M: { readonly [K in MetricName]: K } = Object.fromEntries(Object.keys(METRICS).map((k) => [k, k])) as {
  readonly [K in MetricName]: K;
};

/** Series names a metric exposes (histograms add _bucket, _sum, _count). */
export function seriesNames(def: MetricDef): string[] {
  if (def.type === 'histogram') return [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
  if (def.type === 'summary') return [def.name, `${def.name}_sum`, `${def.name}_count`];
  return [def.name];
}

/** Every series name the catalog knows, mapped to its metric. */
export const SERIES: ReadonlyMap<string, MetricDef> = new Map(
  Object.values(METRICS as Record<string, MetricDef>).flatMap((def) => seriesNames(def).map((s) => [s, def] as const)),
);

/** Labels a series may be queried by: its own, `le` for buckets, and the target labels. */
export function labelsOf(series: string): ReadonlySet<string> | undefined {
  const def = SERIES.get(series);
  if (!def) return undefined;
  const extra = series.endsWith('_bucket') ? HISTOGRAM_LABELS : [];
  return new Set([...def.labels, ...extra, ...TARGET_LABELS]);
}
