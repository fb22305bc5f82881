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
  databaseSecretDir: '/etc/grafana/secrets/database',
  /** The folder every provisioned dashboard lands in, and its uid. */
  folder: 'Pynomaly',
  folderUid: 'pynomaly',
} as const;
