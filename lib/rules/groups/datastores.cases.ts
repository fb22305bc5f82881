/** promtool cases of ./datastores.ts. */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { AlertCase, fires, gauge, series, step } from '../testing';
import type { RulesValues } from '../values';

const REDIS_EXPORTER = { job: JOBS.redisExporter, namespace: 'pynomaly', instance: '10.0.0.20:9121', pod: 'redis-exporter-0' } as const;
const POSTGRES_EXPORTER = { job: JOBS.postgresExporter, namespace: 'pynomaly', instance: '10.0.0.21:9187', pod: 'postgres-exporter-0' } as const;
const ES_EXPORTER = { job: JOBS.elasticsearchExporter, namespace: 'logging', instance: '10.0.0.22:9114', pod: 'elasticsearch-exporter-0' } as const;
const ES_CLUSTER = 'pynomaly-logs';
/** What the Elasticsearch alerts keep: the exporter's `cluster` moved to `es_cluster`. */
const ES_ALERT = { namespace: ES_EXPORTER.namespace, job: ES_EXPORTER.job, es_cluster: ES_CLUSTER } as const;

export function datastoreCases(v: RulesValues): AlertCase[] {
  return [
    ...storeDown(ALERTS.RedisDown, M.redis_up, REDIS_EXPORTER),
    ...storeDown(ALERTS.PostgreSQLDown, M.pg_up, POSTGRES_EXPORTER),
    ...elasticsearchHealth(),
    ...pendingTasks(v),
  ];
}

function storeDown(alert: typeof ALERTS.RedisDown | typeof ALERTS.PostgreSQLDown, upMetric: typeof M.redis_up | typeof M.pg_up, exporter: Record<string, string>): AlertCase[] {
  const storeUp = (values: string) => ({ series: series(upMetric, exporter), values });
  const exporterUp = (values: string) => ({ series: series(M.up, exporter), values });
  return [
    { alert, title: 'the exporter reports the store down', input: [storeUp(gauge(0, 5)), exporterUp(gauge(1, 5))], at: 5, expect: [fires('critical', exporter, 0)] },
    {
      alert,
      title: 'the exporter itself down (its store series gone stale) still fires',
      input: [storeUp(`1+0x2 _x8`), exporterUp(step(1, 3, 0, 7))],
      at: 10,
      expect: [fires('critical', exporter, 0)],
    },
    { alert, title: 'store and exporter up stay silent', input: [storeUp(gauge(1, 5)), exporterUp(gauge(1, 5))], at: 5, expect: [] },
  ];
}

/** The exporter's one-hot health series (1 for the current color). */
function health(color: 'green' | 'yellow' | 'red', minutes: number): AlertCase['input'] {
  return (['green', 'yellow', 'red'] as const).map((c) => ({
    series: series(M.elasticsearch_cluster_health_status, { ...ES_EXPORTER, cluster: ES_CLUSTER, color: c }),
    values: gauge(c === color ? 1 : 0, minutes),
  }));
}

function elasticsearchHealth(): AlertCase[] {
  const alert = ALERTS.ElasticsearchClusterNotHealthy;
  return [
    { alert, title: 'red for 2m fires the critical only', input: health('red', 5), at: 3, expect: [fires('critical', ES_ALERT, 1)] },
    { alert, title: 'yellow for 15m fires the warning', input: health('yellow', 20), at: 16, expect: [fires('warning', ES_ALERT, 1)] },
    { alert, title: 'yellow for less than 15m (recovering) stays silent', input: health('yellow', 20), at: 14, expect: [] },
    { alert, title: 'green stays silent', input: health('green', 5), at: 5, expect: [] },
  ];
}

function pendingTasks(v: RulesValues): AlertCase[] {
  const limit = v.thresholds.elasticsearchPendingTasks;
  const alert = ALERTS.ElasticsearchHighPendingTasks;
  const tasks = (n: number) => [{ series: series(M.elasticsearch_cluster_health_number_of_pending_tasks, { ...ES_EXPORTER, cluster: ES_CLUSTER }), values: gauge(n, 15) }];
  return [
    { alert, title: `${limit + 1} pending tasks for 10m fire`, input: tasks(limit + 1), at: 12, expect: [fires('warning', ES_ALERT, limit + 1)] },
    { alert, title: `${limit} pending tasks stay silent`, input: tasks(limit), at: 12, expect: [] },
  ];
}
