import { ContainerPort } from '../core/workload';

/** Facts about Prometheus other components reference (Grafana's datasource, scrape jobs). */
export const PROMETHEUS = {
  name: 'prometheus',
  component: 'metrics',
  port: { name: 'http-web', port: 9090 } satisfies ContainerPort,
  /** UID/GID of the `nobody` user the official image runs as. */
  uid: 65534,
  configMap: 'prometheus-config',
  rulesConfigMap: 'prometheus-rules',
  configDir: '/etc/prometheus',
  rulesDir: '/etc/prometheus/rules',
  dataDir: '/prometheus',
} as const;

/** In-cluster URL of the Prometheus Service. */
export function prometheusUrl(namespace: string): string {
  return `http://${PROMETHEUS.name}.${namespace}.svc:${PROMETHEUS.port.port}`;
}
