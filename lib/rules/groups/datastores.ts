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
import { by, num, sel, SeriesName, str } from '../../catalog/promql';
import type { RulesValues } from '../values';

export function datastoreRules(v: RulesValues): AlertRule[] {
  return [redisDown(), postgresDown(), ...elasticsearchHealth(), elasticsearchPendingTasks(v)];
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
  const moved = `label_replace(${sel(metric, matchers)}, ${str('es_cluster')}, ${str('$1')}, ${str('cluster')}, ${str('(.*)')})`;
  return by('max', ['namespace', 'job', 'es_cluster'], moved);
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
