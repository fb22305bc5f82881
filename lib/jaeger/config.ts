/**
 * Jaeger v2's configuration: the OpenTelemetry-collector-style file it reads
 * (`--config`). Every endpoint is bound to 0.0.0.0 explicitly: a custom
 * config does not inherit the listen host of the image's default one.
 */
import { PLANNED_SERVICES } from '../catalog/services';
import type { ContainerPort } from '../core/workload';
import { JAEGER } from './constants';
import type { JaegerValues } from './values';

const bind = (p: ContainerPort) => `0.0.0.0:${p.port}`;

/** The Elasticsearch URL: the value, else our Elasticsearch Service in `namespace`. */
export function jaegerElasticsearchUrl(v: JaegerValues, namespace: string): string {
  const es = v.elasticsearch;
  if (es.url) return es.url;
  const s = PLANNED_SERVICES.elasticsearch;
  return `${es.caSecret.name ? 'https' : 'http'}://${s.service}.${namespace}.svc:${s.port.port}`;
}

/** The environment variable the config reads the Elasticsearch user from (`${env:...}`). */
export const ES_USERNAME_ENV = 'JAEGER_ES_USERNAME';

/** Daily indices: what the index cleaner deletes by date. */
const DAILY = { periodic: { date_layout: '2006-01-02', rollover_frequency: 'day' } } as const;

function elasticsearchBackend(v: JaegerValues, namespace: string): Record<string, unknown> {
  const es = v.elasticsearch;
  const index = { shards: es.shards, replicas: es.replicas, rotation: DAILY };
  return {
    elasticsearch: {
      server_urls: [jaegerElasticsearchUrl(v, namespace)],
      ...(es.usernameSecret.name
        ? { auth: { basic: { username: `\${env:${ES_USERNAME_ENV}}`, password_file: `${JAEGER.secretDir}/${JAEGER.passwordFile}` } } }
        : {}),
      ...(es.caSecret.name ? { tls: { ca_file: `${JAEGER.caDir}/${JAEGER.caFile}` } } : {}),
      indices: { index_prefix: es.indexPrefix, spans: index, services: index, dependencies: index, sampling: index },
      create_mappings: true,
    },
  };
}

export function jaegerConfig(v: JaegerValues, namespace: string): Record<string, unknown> {
  const p = JAEGER.ports;
  const store = JAEGER.storageName;
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: { receivers: ['otlp', 'jaeger'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: {
        resource: { 'service.name': JAEGER.name },
        // Its own metrics (otelcol_*) for Prometheus, on every address.
        metrics: { level: 'detailed', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: p.metrics.port } } } }] },
        logs: { level: 'info' },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: { endpoint: bind(p.health), status: { enabled: true, path: JAEGER.healthPath } } },
      jaeger_query: { storage: { traces: store }, http: { endpoint: bind(p.query) }, grpc: { endpoint: bind(p.queryGrpc) } },
      jaeger_storage: {
        backends: { [store]: v.storage === 'memory' ? { memory: { max_traces: v.memory.maxTraces } } : elasticsearchBackend(v, namespace) },
      },
    },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: bind(p.otlpGrpc) }, http: { endpoint: bind(p.otlpHttp) } } },
      jaeger: { protocols: { grpc: { endpoint: bind(p.jaegerGrpc) }, thrift_http: { endpoint: bind(p.thriftHttp) } } },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: store } },
  };
}
