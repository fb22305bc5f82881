import { ContainerPort } from '../core/workload';

/** Facts about Alertmanager other components reference (Prometheus' alerting config, Grafana's datasource). */
export const ALERTMANAGER = {
  name: 'alertmanager',
  component: 'alerting',
  port: { name: 'http-web', port: 9093 } satisfies ContainerPort,
  clusterPort: { name: 'tcp-mesh', port: 9094 } satisfies ContainerPort,
  /** Headless Service for the gossip mesh between replicas. */
  headlessService: 'alertmanager-cluster',
} as const;

export function alertmanagerUrl(namespace: string): string {
  return `http://${ALERTMANAGER.name}.${namespace}.svc:${ALERTMANAGER.port.port}`;
}
