import { ContainerPort } from '../core/workload';

/** Facts about Grafana other components reference (scrape job, links), declared once. */
export const GRAFANA = {
  name: 'grafana',
  component: 'dashboards',
  port: { name: 'http-web', port: 3000 } satisfies ContainerPort,
  /** UID/GID of the `grafana` user the official image runs as. */
  uid: 472,
  healthPath: '/api/health',
  /** ConfigMaps: provisioning (datasources, dashboard provider) and one per dashboard. */
  datasourcesConfigMap: 'grafana-datasources',
  dashboardProviderConfigMap: 'grafana-dashboards-provider',
  dashboardConfigMapPrefix: 'grafana-dashboard-',
  dataClaim: 'grafana-data',
  /** Paths inside the container. */
  dataDir: '/var/lib/grafana',
  pluginsDir: '/var/lib/grafana/plugins',
  provisioningDir: '/etc/grafana/provisioning',
  dashboardsDir: '/etc/grafana/dashboards',
  tmpDir: '/tmp',
  adminSecretDir: '/etc/grafana/secrets/admin',
  elasticsearchSecretDir: '/etc/grafana/secrets/elasticsearch',
  /** The folder every provisioned dashboard lands in, and its uid. */
  folder: 'Pynomaly',
  folderUid: 'pynomaly',
} as const;

/**
 * Services of components not built yet (Elasticsearch, Jaeger query) that
 * Grafana's datasources point at by default, declared once: the default URL
 * and its description in the values both come from here. When the component is
 * built, its construct's endpoint takes over.
 */
export const PLANNED_SERVICES = {
  elasticsearch: { service: 'elasticsearch', port: 9200 },
  jaeger: { service: 'jaeger-query', port: 16686 },
} as const;

/** The in-cluster URL of a planned Service in `namespace` (`<namespace>` in docs). */
export function plannedServiceUrl(key: keyof typeof PLANNED_SERVICES, namespace: string): string {
  const s = PLANNED_SERVICES[key];
  return `http://${s.service}.${namespace}.svc:${s.port}`;
}
