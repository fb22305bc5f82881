import { PLANNED_SERVICES } from '../catalog/services';
import type { ContainerPort } from '../core/workload';

/** Facts about Jaeger v2 (an OpenTelemetry collector with Jaeger's extensions) that others reference. */
export const JAEGER = {
  name: PLANNED_SERVICES.jaeger.service,
  component: 'tracing',
  /** The image's own user. */
  uid: 10001,
  ports: {
    /** The query UI and HTTP API (Grafana's datasource). */
    query: PLANNED_SERVICES.jaeger.port,
    /** The query gRPC API (api_v2/api_v3). */
    queryGrpc: { name: 'grpc-query', port: 16685 },
    otlpGrpc: { name: 'grpc-otlp', port: 4317 },
    otlpHttp: { name: 'http-otlp', port: 4318 },
    /** Jaeger thrift over HTTP: the app's preset posts to /api/traces. */
    thriftHttp: { name: 'http-thrift', port: 14268 },
    jaegerGrpc: { name: 'grpc-jaeger', port: 14250 },
    /** healthcheckv2 */
    health: { name: 'http-health', port: 13133 },
    /** Its own metrics (service.telemetry), scraped by Prometheus. */
    metrics: PLANNED_SERVICES.jaeger.metricsPort,
  },
  healthPath: '/status',
  configMap: 'jaeger-config',
  /** Side by side with the Secret mounts, never around them (a mount point cannot be made inside a read-only ConfigMap volume). */
  configDir: '/etc/jaeger/config',
  configFile: 'config.yaml',
  secretDir: '/etc/jaeger/secrets',
  caDir: '/etc/jaeger/ca',
  passwordFile: 'es-password',
  caFile: 'ca.crt',
  /** The one storage backend of the config, named in jaeger_storage, jaeger_query and the exporter. */
  storageName: 'traces',
  indexCleaner: 'jaeger-es-index-cleaner',
} as const satisfies Record<string, unknown> & { ports: Record<string, ContainerPort> };
