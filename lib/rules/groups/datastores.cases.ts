/** promtool cases of ./datastores.ts. */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { DISK_WATERMARKS } from '../../elasticsearch/constants';
import { KIBANA_DOWN_FOR_MINUTES } from './datastores';
import { AlertCase, around, fires, gauge, series, step } from '../testing';
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
    ...elasticsearchUnreachable(),
    ...diskWatermark(),
    ...ilmErrors(),
    ...logstashDown(),
    ...kibanaDown(),
    ...snapshotFailures(),
  ];
}

function snapshotFailures(): AlertCase[] {
  const alert = ALERTS.ElasticsearchSnapshotFailures;
  const POLICY = 'pynomaly-logs-nightly';
  const failed = (values: string) => ({ series: series(M.elasticsearch_slm_stats_snapshots_failed_total, { ...ES_EXPORTER, policy: POLICY }), values });
  const mode = (running: number) =>
    (['RUNNING', 'STOPPING', 'STOPPED'] as const).map((m) => ({ series: series(M.elasticsearch_slm_stats_operation_mode, { ...ES_EXPORTER, operation_mode: m }), values: gauge(m === 'RUNNING' ? running : m === 'STOPPED' ? 1 - running : 0, 30) }));
  const EXPORTER_ALERT = { namespace: ES_EXPORTER.namespace, job: ES_EXPORTER.job };
  return [
    { alert, title: 'one failed snapshot fires after 10m', input: [failed(step(0, 5, 1, 25)), ...mode(1)], at: 15, expect: [fires('warning', { ...EXPORTER_ALERT, policy: POLICY }, 1)] },
    { alert, title: 'a failed snapshot pending less than 10m stays silent', input: [failed(step(0, 5, 1, 25)), ...mode(1)], at: 13, expect: [] },
    { alert, title: 'SLM stopped fires', input: [failed(gauge(0, 30)), ...mode(0)], at: 11, expect: [fires('warning', EXPORTER_ALERT, 0)] },
    { alert, title: 'no failures and SLM running stay silent', input: [failed(gauge(0, 30)), ...mode(1)], at: 20, expect: [] },
  ];
}

/** A probe series of Kibana as the native job labels it (static target, relabelled). */
const KIBANA_PROBE = { job: JOBS.blackboxProbe, namespace: 'logging', service: 'kibana', instance: 'http://kibana.logging.svc:5601/api/status' } as const;
const KIBANA_ALERT = { namespace: KIBANA_PROBE.namespace, service: KIBANA_PROBE.service, instance: KIBANA_PROBE.instance } as const;

function kibanaDown(): AlertCase[] {
  const alert = ALERTS.KibanaDown;
  const probe = (values: string) => ({ series: series(M.probe_success, KIBANA_PROBE), values });
  const up = (values: string) => ({ series: series(M.up, KIBANA_PROBE), values });
  const failingFrom2m = step(1, 2, 0, 10);
  const after = KIBANA_DOWN_FOR_MINUTES;
  return [
    { alert, title: `the probe failing for ${after}m fires`, input: [probe(failingFrom2m), up(gauge(1, 12))], at: 2 + after, expect: [fires('warning', KIBANA_ALERT, 0)] },
    { alert, title: `the probe failing for less than ${after}m stays silent`, input: [probe(failingFrom2m), up(gauge(1, 12))], at: 1 + after, expect: [] },
    { alert, title: 'the prober itself down (probe series stale) fires', input: [probe('1+0x2 _x10'), up(step(1, 3, 0, 10))], at: 3 + after, expect: [fires('warning', KIBANA_ALERT, 0)] },
    {
      alert,
      title: 'no probe of Kibana at all (absent) fires',
      input: [{ series: series(M.up, { job: JOBS.grafana, namespace: 'logging', instance: '10.0.0.30:3000' }), values: gauge(1, 10) }],
      at: after + 1,
      expect: [fires('warning', { job: JOBS.blackboxProbe, service: 'kibana' }, 1)],
    },
    { alert, title: 'the probe succeeding stays silent', input: [probe(gauge(1, 10)), up(gauge(1, 10))], at: 8, expect: [] },
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

/**
 * What the real exporter (1.5, checked on loopback) reports with Elasticsearch
 * unreachable: itself up, elasticsearch_cluster_health_up 0, no other cluster series.
 */
function elasticsearchUnreachable(): AlertCase[] {
  const alert = ALERTS.ElasticsearchUnreachable;
  const healthUp = (values: string) => ({ series: series(M.elasticsearch_cluster_health_up, { ...ES_EXPORTER, cluster: ES_CLUSTER }), values });
  const exporterUp = (values: string) => ({ series: series(M.up, ES_EXPORTER), values });
  const EXPORTER_ALERT = { namespace: ES_EXPORTER.namespace, job: ES_EXPORTER.job };
  return [
    { alert, title: 'cluster health API unreachable for 2m fires', input: [healthUp(step(1, 2, 0, 5)), exporterUp(gauge(1, 7))], at: 5, expect: [fires('critical', ES_ALERT, 0)] },
    { alert, title: 'unreachable for less than 2m stays silent', input: [healthUp(step(1, 4, 0, 3)), exporterUp(gauge(1, 7))], at: 5, expect: [] },
    { alert, title: 'the exporter itself down fires', input: [healthUp('1+0x2 _x8'), exporterUp(step(1, 3, 0, 7))], at: 10, expect: [fires('critical', EXPORTER_ALERT, 0)] },
    { alert, title: 'cluster reachable and exporter up stay silent', input: [healthUp(gauge(1, 7)), exporterUp(gauge(1, 7))], at: 7, expect: [] },
  ];
}

const ES_NODE = { ...ES_EXPORTER, cluster: ES_CLUSTER, host: '10.0.2.7', name: 'elasticsearch-0', mount: '/usr/share/elasticsearch/data (/dev/sdb)', path: '/usr/share/elasticsearch/data' } as const;
const ES_NODE_ALERT = { ...ES_ALERT, name: ES_NODE.name } as const;

/** The node's data path `percent` used. */
function dataPath(percent: number): AlertCase['input'] {
  const size = 100 * 1024 ** 3;
  return [
    { series: series(M.elasticsearch_filesystem_data_size_bytes, ES_NODE), values: gauge(size, 15) },
    { series: series(M.elasticsearch_filesystem_data_available_bytes, ES_NODE), values: gauge((size * (100 - percent)) / 100, 15) },
  ];
}

function diskWatermark(): AlertCase[] {
  const alert = ALERTS.ElasticsearchDiskWatermark;
  const low = around(DISK_WATERMARKS.lowPercent, 0, DISK_WATERMARKS.highPercent);
  const high = around(DISK_WATERMARKS.highPercent, DISK_WATERMARKS.lowPercent, 100);
  const value = (p: number) => Number((1 - (100 - p) / 100).toPrecision(12));
  return [
    {
      alert,
      title: `${high.above} % used (past the high watermark) fires the critical and the warning twin`,
      input: dataPath(high.above),
      at: 12,
      expect: [fires('warning', ES_NODE_ALERT, value(high.above)), fires('critical', ES_NODE_ALERT, value(high.above))],
    },
    { alert, title: `${high.below} % used fires only the warning`, input: dataPath(high.below), at: 12, expect: [fires('warning', ES_NODE_ALERT, value(high.below))] },
    { alert, title: `${low.below} % used stays silent`, input: dataPath(low.below), at: 12, expect: [] },
  ];
}

function ilmErrors(): AlertCase[] {
  const alert = ALERTS.ElasticsearchIlmErrors;
  const index = (name: string, step: string) => ({ ...ES_EXPORTER, index: name, phase: 'hot', action: 'rollover', step });
  const statuses = (errored: boolean, minutes: number): AlertCase['input'] => [
    { series: series(M.elasticsearch_ilm_index_status, index('pynomaly-logs-2026.12.01-000001', 'check-rollover-ready')), values: gauge(1, minutes) },
    { series: series(M.elasticsearch_ilm_index_status, index('pynomaly-logs-2026.12.01-000002', 'ERROR')), values: gauge(errored ? 1 : 0, minutes) },
  ];
  const EXPORTER_ALERT = { namespace: ES_EXPORTER.namespace, job: ES_EXPORTER.job };
  return [
    { alert, title: 'an index in ILM step ERROR for 15m fires', input: statuses(true, 20), at: 16, expect: [fires('warning', EXPORTER_ALERT, 1)] },
    { alert, title: 'an index in ERROR for less than 15m stays silent', input: statuses(true, 20), at: 14, expect: [] },
    { alert, title: 'indices in other steps stay silent', input: statuses(false, 20), at: 16, expect: [] },
  ];
}

function logstashDown(): AlertCase[] {
  const alert = ALERTS.LogstashDown;
  const POD = { job: JOBS.logstash, namespace: 'logging', instance: '10.0.3.4:9198', pod: 'logstash-7d9f8b6c5-x2x9k' } as const;
  const ALERT = { namespace: POD.namespace, job: POD.job, pod: POD.pod };
  const infoUp = (values: string) => ({ series: series(M.logstash_info_up, POD), values });
  const scraped = (values: string) => ({ series: series(M.up, POD), values });
  return [
    { alert, title: 'the monitoring API unreachable for 2m fires', input: [infoUp(step(1, 2, 0, 5)), scraped(gauge(1, 7))], at: 5, expect: [fires('critical', ALERT, 0)] },
    { alert, title: 'unreachable for less than 2m stays silent', input: [infoUp(step(1, 4, 0, 3)), scraped(gauge(1, 7))], at: 5, expect: [] },
    { alert, title: 'the pod unscrapable fires', input: [infoUp('1+0x2 _x8'), scraped(step(1, 3, 0, 7))], at: 10, expect: [fires('critical', ALERT, 0)] },
    { alert, title: 'Logstash up stays silent', input: [infoUp(gauge(1, 7)), scraped(gauge(1, 7))], at: 7, expect: [] },
  ];
}
