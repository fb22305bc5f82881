/**
 * Services of components not built yet (Elasticsearch, Jaeger), declared once:
 * Prometheus' scrape target, Grafana's default datasource URL and its
 * description in the values all come from here. When a component is built, its
 * construct's endpoint takes over (see Grafana's `connect`).
 */
import type { ContainerPort } from '../core/workload';

export const PLANNED_SERVICES = {
  elasticsearch: { service: 'elasticsearch', port: { name: 'http', port: 9200 } },
  /** One Service for the query UI/API and the telemetry port (v2: 8888) Prometheus scrapes. */
  jaeger: { service: 'jaeger', port: { name: 'http-query', port: 16686 }, metricsPort: { name: 'http-metrics', port: 8888 } },
} as const satisfies Record<string, { service: string; port: ContainerPort; metricsPort?: ContainerPort }>;

/** The in-cluster URL of a planned Service in `namespace` (`<namespace>` in docs). */
export function plannedServiceUrl(key: keyof typeof PLANNED_SERVICES, namespace: string): string {
  const s = PLANNED_SERVICES[key];
  return `http://${s.service}.${namespace}.svc:${s.port.port}`;
}
