/**
 * Grafana datasources, provisioned from a file with fixed uids declared here
 * once: dashboards and cross-links (traces to logs, traces to metrics) refer
 * to these uids, and a test checks that every uid used is provisioned. The
 * original stack linked to uids it never assigned.
 *
 * No credential is ever written here: Elasticsearch basic auth, if any, is
 * read by Grafana from a mounted Secret through `$__file{...}`.
 */
import { LOG_FIELDS } from '../catalog/logs';
import { M } from '../catalog/index';
import { GRAFANA } from './constants';
import { GrafanaValues } from './values';

export const DATASOURCE_UIDS = {
  prometheus: 'pynomaly-prometheus',
  alertmanager: 'pynomaly-alertmanager',
  elasticsearch: 'pynomaly-elasticsearch',
  jaeger: 'pynomaly-jaeger',
} as const;

export type DatasourceKey = keyof typeof DATASOURCE_UIDS;

/** Grafana plugin id of each datasource. */
export const DATASOURCE_TYPES = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  elasticsearch: 'elasticsearch',
  jaeger: 'jaeger',
} as const satisfies Record<DatasourceKey, string>;

export interface DatasourceRef {
  readonly type: string;
  readonly uid: string;
}

/** The reference a panel, query or variable uses. */
export function datasourceRef(key: DatasourceKey): DatasourceRef {
  return { type: DATASOURCE_TYPES[key], uid: DATASOURCE_UIDS[key] };
}

const ALL_DATASOURCES = Object.keys(DATASOURCE_UIDS) as DatasourceKey[];

/** Datasources switched on in the values. */
export function enabledDatasources(v: GrafanaValues): ReadonlySet<DatasourceKey> {
  return new Set(ALL_DATASOURCES.filter((k) => v.datasources[k].enabled));
}

/**
 * Grafana expands `$VAR`, `${VAR}` and `$__file{...}` in provisioning files;
 * Grafana's own macros (`${__span.tags.x}`, `$__tags`) must be written `$$`.
 */
export function escapeProvisioning(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** Where the mounted Elasticsearch credentials are read from. */
export const ELASTICSEARCH_CREDENTIAL_FILES = {
  username: `${GRAFANA.elasticsearchSecretDir}/username`,
  password: `${GRAFANA.elasticsearchSecretDir}/password`,
  /** Its own volume: the CA usually comes from another Secret (Elasticsearch's TLS Secret). */
  ca: `${GRAFANA.elasticsearchSecretDir}-ca/ca.crt`,
} as const;

/** Span tag holding the correlation id the app also logs (`correlation_id`). */
export const CORRELATION_ID_SPAN_TAG = 'correlation_id';

/**
 * What Grafana learns from the components its datasources point at: the URL of
 * each one's Service (used when the values set no URL), and Prometheus' scrape
 * interval. Filled from the built constructs (Grafana's `connect`).
 */
export interface DatasourceLinks {
  readonly urls: Readonly<Partial<Record<DatasourceKey, string>>>;
  /** Prometheus' scrape interval ($__rate_interval is at least four of them). @default 15s */
  readonly prometheusScrapeInterval?: string;
}

/** The URL of a datasource: the values' own, else the Service of the component it points at. */
function datasourceUrl(v: GrafanaValues, links: DatasourceLinks, key: DatasourceKey): string {
  const url = v.datasources[key].url ?? links.urls[key];
  if (!url) throw new Error(`grafana.datasources.${key}: no URL and no ${key} component to point at; set grafana.datasources.${key}.url or switch it off`);
  return url;
}

/** The datasources provisioning file (`provisioning/datasources/*.yaml`). */
export function datasourcesProvisioning(v: GrafanaValues, links: DatasourceLinks): Record<string, unknown> {
  const on = enabledDatasources(v);
  const datasources: Record<string, unknown>[] = [];
  if (on.has('prometheus')) {
    datasources.push({
      name: 'Prometheus',
      uid: DATASOURCE_UIDS.prometheus,
      type: DATASOURCE_TYPES.prometheus,
      access: 'proxy',
      url: escapeProvisioning(datasourceUrl(v, links, 'prometheus')),
      isDefault: true,
      editable: false,
      jsonData: {
        httpMethod: 'POST',
        // $__rate_interval is at least four scrape intervals: tell Grafana the real one.
        timeInterval: links.prometheusScrapeInterval ?? '15s',
        prometheusType: 'Prometheus',
      },
    });
  }
  if (on.has('alertmanager')) {
    datasources.push({
      name: 'Alertmanager',
      uid: DATASOURCE_UIDS.alertmanager,
      type: DATASOURCE_TYPES.alertmanager,
      access: 'proxy',
      url: escapeProvisioning(datasourceUrl(v, links, 'alertmanager')),
      editable: false,
      jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
    });
  }
  if (on.has('elasticsearch')) datasources.push(elasticsearchDatasource(v, datasourceUrl(v, links, 'elasticsearch')));
  if (on.has('jaeger')) datasources.push(jaegerDatasource(datasourceUrl(v, links, 'jaeger'), on));
  // prune: a datasource switched off in the values is deleted from Grafana, not left behind.
  return { apiVersion: 1, prune: true, datasources };
}

function elasticsearchDatasource(v: GrafanaValues, url: string): Record<string, unknown> {
  const es = v.datasources.elasticsearch;
  const auth: { basicAuth?: boolean; basicAuthUser?: string; secureJsonData?: Record<string, string> } = es.basicAuth.usernameSecret.name
    ? {
        basicAuth: true,
        basicAuthUser: `$__file{${ELASTICSEARCH_CREDENTIAL_FILES.username}}`,
        secureJsonData: { basicAuthPassword: `$__file{${ELASTICSEARCH_CREDENTIAL_FILES.password}}` },
      }
    : {};
  const tls = es.caSecret.name
    ? { jsonData: { tlsAuthWithCACert: true }, secureJsonData: { tlsCACert: `$__file{${ELASTICSEARCH_CREDENTIAL_FILES.ca}}` } }
    : { jsonData: {}, secureJsonData: {} };
  const secureJsonData = { ...(auth.secureJsonData ?? {}), ...tls.secureJsonData };
  return {
    name: 'Elasticsearch (logs)',
    uid: DATASOURCE_UIDS.elasticsearch,
    type: DATASOURCE_TYPES.elasticsearch,
    access: 'proxy',
    url: escapeProvisioning(url),
    editable: false,
    ...auth,
    ...(Object.keys(secureJsonData).length ? { secureJsonData } : {}),
    jsonData: {
      ...tls.jsonData,
      index: escapeProvisioning(es.index),
      // The app's `timestamp` string is parsed by Logstash into @timestamp (see lib/catalog/logs.ts).
      timeField: escapeProvisioning(es.timeField),
      logMessageField: LOG_FIELDS.message,
      logLevelField: LOG_FIELDS.level,
      maxConcurrentShardRequests: 5,
    },
  };
}

function jaegerDatasource(url: string, on: ReadonlySet<DatasourceKey>): Record<string, unknown> {
  const jsonData: Record<string, unknown> = { nodeGraph: { enabled: true } };
  if (on.has('elasticsearch')) {
    // Traces to logs: the log lines that carry the span's correlation id.
    jsonData.tracesToLogsV2 = {
      datasourceUid: DATASOURCE_UIDS.elasticsearch,
      spanStartTimeShift: '-5m',
      spanEndTimeShift: '5m',
      filterByTraceID: false,
      filterBySpanID: false,
      customQuery: true,
      query: escapeProvisioning(`${LOG_FIELDS.correlationId}:"\${__span.tags.${CORRELATION_ID_SPAN_TAG}}"`),
    };
  }
  if (on.has('prometheus')) {
    jsonData.tracesToMetrics = {
      datasourceUid: DATASOURCE_UIDS.prometheus,
      spanStartTimeShift: '-5m',
      spanEndTimeShift: '5m',
      // The span's service.name becomes the job label of the queries ($__tags): the API's
      // tracer must name its service like its scrape job (pynomaly-api, lib/catalog/jobs.ts).
      tags: [{ key: 'service.name', value: 'job' }],
      queries: TRACE_METRIC_QUERIES.map((q) => ({ name: q.name, query: escapeProvisioning(q.query) })),
    };
  }
  return {
    name: 'Jaeger',
    uid: DATASOURCE_UIDS.jaeger,
    type: DATASOURCE_TYPES.jaeger,
    access: 'proxy',
    url: escapeProvisioning(url),
    editable: false,
    jsonData,
  };
}

/** Metrics offered from a span (`$__tags` is the span's tags as label matchers). */
export const TRACE_METRIC_QUERIES: readonly { name: string; query: string }[] = [
  { name: 'Request rate', query: `sum(rate(${M.pynomaly_http_requests_total}{$__tags}[5m]))` },
  {
    name: 'Error ratio (5xx)',
    query: `sum(rate(${M.pynomaly_http_requests_total}{$__tags, status_code=~"5.."}[5m])) / sum(rate(${M.pynomaly_http_requests_total}{$__tags}[5m]))`,
  },
  {
    name: 'p95 latency',
    query: `histogram_quantile(0.95, sum by (le) (rate(${M.pynomaly_http_request_duration_seconds}_bucket{$__tags}[5m])))`,
  },
];
