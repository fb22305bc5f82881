/**
 * Redis, PostgreSQL and Elasticsearch, through their exporters. "Down" covers
 * both the exporter reporting the store unreachable and the exporter itself
 * unscrapable: otherwise the alert would resolve when the exporter dies too.
 */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { SERVICES } from '../jobs';
import type { AlertRule } from '../model';
import { ALERTS } from '../names';
import { by, num, ratio, sel, SeriesName, str } from '../../catalog/promql';
import type { RulesValues } from '../values';
import { DISK_WATERMARKS } from '../../elasticsearch/constants';

/** What the datastore rules depend on besides their thresholds. */
export interface DatastoreRuleInputs {
  /** The blackbox exporter probes Kibana (KibanaDown, whose absent() would fire forever otherwise). */
  readonly kibanaProbed: boolean;
  /** Elasticsearch takes snapshots (SLM): ElasticsearchSnapshotFailures. */
  readonly snapshots?: boolean;
}

export function datastoreRules(v: RulesValues, inputs: DatastoreRuleInputs = { kibanaProbed: false }): AlertRule[] {
  return [
    redisDown(),
    postgresDown(),
    elasticsearchUnreachable(),
    ...elasticsearchHealth(),
    elasticsearchPendingTasks(v),
    ...elasticsearchDiskWatermark(),
    elasticsearchIlmErrors(),
    logstashDown(),
    ...(inputs.kibanaProbed ? [kibanaDown()] : []),
    ...(inputs.snapshots ? [snapshotFailures()] : []),
  ];
}

/** The window in which a failed snapshot keeps the alert firing (a nightly policy runs once in it). */
export const SNAPSHOT_FAILURE_WINDOW = '1d';

/**
 * SLM, from the exporter's --collector.slm: a policy failed to take a snapshot
 * in the last day, or SLM is not running (no snapshot is taken at all).
 */
function snapshotFailures(): AlertRule {
  return {
    name: ALERTS.ElasticsearchSnapshotFailures,
    expr: [
      `${by('max', ['namespace', 'job', 'policy'], `increase(${sel(M.elasticsearch_slm_stats_snapshots_failed_total)}[${SNAPSHOT_FAILURE_WINDOW}])`)} > 0`,
      `${by('max', ['namespace', 'job'], sel(M.elasticsearch_slm_stats_operation_mode, { operation_mode: 'RUNNING' }))} == 0`,
    ].join('\nor\n'),
    for: '10m',
    severity: 'warning',
    category: 'infrastructure',
    service: SERVICES.elasticsearch,
    threshold: `a failed SLM snapshot in ${SNAPSHOT_FAILURE_WINDOW}, or SLM not RUNNING`,
    summary: 'Elasticsearch log snapshots are failing',
    description:
      `An SLM policy failed to take a snapshot in the last ${SNAPSHOT_FAILURE_WINDOW}, or SLM has not been RUNNING for 10 minutes: the logs are not backed up. GET _slm/policy/<policy> shows last_failure; POST _slm/start if it was stopped.`,
  };
}

/** Minutes Kibana's probe must fail before KibanaDown fires. */
export const KIBANA_DOWN_FOR_MINUTES = 3;

/**
 * Kibana has no metrics: the blackbox exporter probes /api/status (200 only
 * while Kibana is available). The probe failing, the prober unscrapable (its
 * probe_success series then go stale) and the probe job missing altogether
 * (absent: no target, e.g. a broken scrape config) all count.
 */
function kibanaDown(): AlertRule {
  const probe = { job: JOBS.blackboxProbe, service: SERVICES.kibana };
  const keep = ['namespace', 'service', 'instance'];
  return {
    name: ALERTS.KibanaDown,
    expr: [
      `${by('max', keep, sel(M.probe_success, probe))} == 0`,
      `${by('max', keep, sel(M.up, probe))} == 0`,
      `absent(${sel(M.up, probe)})`,
    ].join('\nor\n'),
    for: `${KIBANA_DOWN_FOR_MINUTES}m`,
    severity: 'warning',
    category: 'infrastructure',
    service: SERVICES.kibana,
    threshold: 'probe_success == 0, the prober down, or no probe at all',
    summary: 'Kibana is down',
    description:
      `For ${KIBANA_DOWN_FOR_MINUTES} minutes the blackbox exporter's probe of Kibana's /api/status (the alert's instance label) has failed, or the prober could not be scraped, or no probe of Kibana exists: nobody can search the logs (they are still stored). kubectl logs deploy/kibana; GET /api/status says which plugin is degraded.`,
  };
}

function redisDown(): AlertRule {
  return {
    name: ALERTS.RedisDown,
    expr: `${sel(M.redis_up)} == 0\nor\n${sel(M.up, { job: JOBS.redisExporter })} == 0`,
    for: '1m',
    severity: 'critical',
    category: 'infrastructure',
    service: SERVICES.redis,
    threshold: 'redis_up == 0 or exporter down',
    summary: 'Redis behind {{ $labels.instance }} is down',
    description: 'For 1 minute the Redis exporter {{ $labels.instance }} has reported Redis unreachable (redis_up == 0) or could not be scraped itself: the Pynomaly cache is unavailable.',
  };
}

function postgresDown(): AlertRule {
  return {
    name: ALERTS.PostgreSQLDown,
    expr: `${sel(M.pg_up)} == 0\nor\n${sel(M.up, { job: JOBS.postgresExporter })} == 0`,
    for: '1m',
    severity: 'critical',
    category: 'infrastructure',
    service: SERVICES.postgresql,
    threshold: 'pg_up == 0 or exporter down',
    summary: 'PostgreSQL behind {{ $labels.instance }} is down',
    description: 'For 1 minute the PostgreSQL exporter {{ $labels.instance }} has reported the database unreachable (pg_up == 0) or could not be scraped itself: Pynomaly cannot read or store data.',
  };
}

/**
 * An exporter series of the cluster health API, with the exporter's own
 * `cluster` label (the Elasticsearch cluster name) moved to `es_cluster`: the
 * alert's `cluster` label must stay Prometheus' external label, which
 * Prometheus does not add when the alert already has one.
 */
function esHealth(metric: SeriesName, matchers: Record<string, string> = {}): string {
  return by('max', ['namespace', 'job', 'es_cluster'], esCluster(sel(metric, matchers)));
}

function esCluster(expr: string): string {
  return `label_replace(${expr}, ${str('es_cluster')}, ${str('$1')}, ${str('cluster')}, ${str('(.*)')})`;
}

/**
 * The exporter stays up when Elasticsearch is unreachable and reports
 * elasticsearch_cluster_health_up 0, while every other cluster series
 * vanishes: the health alerts cannot fire then, this one does. An exporter
 * that cannot be scraped itself counts too.
 */
function elasticsearchUnreachable(): AlertRule {
  return {
    name: ALERTS.ElasticsearchUnreachable,
    expr: `${esHealth(M.elasticsearch_cluster_health_up)} == 0\nor\n${by('max', ['namespace', 'job'], sel(M.up, { job: JOBS.elasticsearchExporter }))} == 0`,
    for: '2m',
    severity: 'critical',
    category: 'infrastructure',
    service: SERVICES.elasticsearch,
    threshold: 'elasticsearch_cluster_health_up == 0 or exporter down',
    summary: 'Elasticsearch is unreachable',
    description:
      'For 2 minutes the Elasticsearch exporter ({{ $labels.job }} in {{ $labels.namespace }}) has not reached the cluster health API, or could not be scraped itself: logs are neither stored nor searchable, and every other Elasticsearch alert is blind.',
  };
}

/**
 * Disk use of a node's data path against the watermarks Elasticsearch is
 * configured with (lib/elasticsearch/constants.ts): above the low one no new
 * shard is placed on the node; above the high one shards move away; at the
 * flood stage every index with a shard there turns read-only (logs are refused).
 */
function elasticsearchDiskWatermark(): AlertRule[] {
  const used = `1 - ${sel(M.elasticsearch_filesystem_data_available_bytes)} / ${sel(M.elasticsearch_filesystem_data_size_bytes)}`;
  const expr = (percent: number) => `${by('max', ['namespace', 'job', 'es_cluster', 'name'], esCluster(used))} > ${ratio(percent)}`;
  const rule = (severity: 'warning' | 'critical', watermark: 'low' | 'high', percent: number, forDuration: string): AlertRule => ({
    name: ALERTS.ElasticsearchDiskWatermark,
    expr: expr(percent),
    for: forDuration,
    severity,
    category: 'infrastructure',
    service: SERVICES.elasticsearch,
    threshold: `data path > ${percent}% used (${watermark} watermark)`,
    summary: `Elasticsearch node {{ $labels.name }} is past the ${watermark} disk watermark ({{ $value | humanizePercentage }} used)`,
    description:
      watermark === 'low'
        ? `The data path of Elasticsearch node {{ $labels.name }} has been more than ${percent}% full for 10 minutes: no new shard is placed there. Grow the volume (elasticsearch.storage.size) or shorten the log retention.`
        : `The data path of Elasticsearch node {{ $labels.name }} has been more than ${percent}% full for 5 minutes: shards are moving away, and at ${DISK_WATERMARKS.floodStagePercent}% every index with a shard there becomes read-only and logs are refused.`,
  });
  return [rule('warning', 'low', DISK_WATERMARKS.lowPercent, '10m'), rule('critical', 'high', DISK_WATERMARKS.highPercent, '5m')];
}

/** An index whose ILM policy failed stays where it is: it is never rolled over or deleted, and the disk fills. */
function elasticsearchIlmErrors(): AlertRule {
  return {
    name: ALERTS.ElasticsearchIlmErrors,
    expr: `count by (namespace, job) (${sel(M.elasticsearch_ilm_index_status, { step: 'ERROR' })} == 1) > 0`,
    for: '15m',
    severity: 'warning',
    category: 'infrastructure',
    service: SERVICES.elasticsearch,
    threshold: 'an index in ILM step ERROR',
    summary: '{{ $value }} Elasticsearch indices are stuck in an ILM error',
    description:
      'For 15 minutes {{ $value }} indices have been in the ILM ERROR step: they are neither rolled over nor deleted after the retention, so the disk fills. GET <index>/_ilm/explain says why; POST <index>/_ilm/retry after fixing it.',
  };
}

/** Red is critical; yellow (replicas unassigned, e.g. recovering) is a warning after 15m. */
function elasticsearchHealth(): AlertRule[] {
  const rule = (severity: 'warning' | 'critical', color: 'yellow' | 'red', forDuration: string): AlertRule => ({
    name: ALERTS.ElasticsearchClusterNotHealthy,
    expr: `${esHealth(M.elasticsearch_cluster_health_status, { color })} == 1`,
    for: forDuration,
    severity,
    category: 'infrastructure',
    service: SERVICES.elasticsearch,
    threshold: `status ${color}`,
    summary: `Elasticsearch cluster {{ $labels.es_cluster }} is ${color}`,
    description:
      color === 'red'
        ? 'Elasticsearch cluster {{ $labels.es_cluster }} has been red for 2 minutes: at least one primary shard is unassigned, so some logs cannot be written or searched.'
        : 'Elasticsearch cluster {{ $labels.es_cluster }} has been yellow for 15 minutes: replica shards are unassigned (on a single node, set the index replicas to 0).',
  });
  return [rule('warning', 'yellow', '15m'), rule('critical', 'red', '2m')];
}

/** The app has no pending-task metric (the original's pynomaly_pending_tasks does not exist). */
function elasticsearchPendingTasks(v: RulesValues): AlertRule {
  const limit = v.thresholds.elasticsearchPendingTasks;
  return {
    name: ALERTS.ElasticsearchHighPendingTasks,
    expr: `${esHealth(M.elasticsearch_cluster_health_number_of_pending_tasks)} > ${num(limit)}`,
    for: '10m',
    severity: 'warning',
    category: 'infrastructure',
    service: SERVICES.elasticsearch,
    threshold: `> ${limit} pending tasks`,
    summary: 'Elasticsearch cluster {{ $labels.es_cluster }} has {{ $value }} pending tasks',
    description: `Elasticsearch cluster {{ $labels.es_cluster }} has had more than ${limit} pending cluster-state tasks for 10 minutes: the master cannot keep up (mapping or shard churn).`,
  };
}

/**
 * Logstash's exporter sidecar reports whether it reaches Logstash's monitoring
 * API; the sidecar unscrapable (the pod gone or not running) counts too.
 */
function logstashDown(): AlertRule {
  return {
    name: ALERTS.LogstashDown,
    expr: `${by('max', ['namespace', 'job', 'pod'], sel(M.logstash_info_up))} == 0\nor\n${by('max', ['namespace', 'job', 'pod'], sel(M.up, { job: JOBS.logstash }))} == 0`,
    for: '2m',
    severity: 'critical',
    category: 'infrastructure',
    service: SERVICES.logstash,
    threshold: 'logstash_info_up == 0 or its exporter down',
    summary: 'Logstash {{ $labels.pod }} is down',
    description:
      "For 2 minutes Logstash {{ $labels.pod }} has not answered on its monitoring API, or its pod could not be scraped: the application's logs are not received (shippers retry or drop them) and nothing reaches Elasticsearch.",
  };
}
