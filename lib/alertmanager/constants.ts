import { ContainerPort } from '../core/workload';

/** Facts about Alertmanager other components reference (Prometheus' alerting config, Grafana's datasource). */
export const ALERTMANAGER = {
  name: 'alertmanager',
  component: 'alerting',
  port: { name: 'http-web', port: 9093 } satisfies ContainerPort,
  clusterPort: { name: 'tcp-mesh', port: 9094 } satisfies ContainerPort,
  /** The gossip mesh (memberlist) uses UDP as well as TCP on the cluster port. */
  clusterUdpPort: { name: 'udp-mesh', port: 9094, protocol: 'UDP' } satisfies ContainerPort,
  /** Headless Service for the gossip mesh between replicas (also the StatefulSet's governing Service). */
  headlessService: 'alertmanager-cluster',
  /** UID/GID of the `nobody` user the official image runs as. */
  uid: 65534,
  configMap: 'alertmanager-config',
  configDir: '/etc/alertmanager/config',
  configFile: 'alertmanager.yml',
  templateFile: 'pynomaly.tmpl',
  /** Each receiver's Secret is mounted in its own folder below this one. */
  secretsDir: '/etc/alertmanager/secrets',
  dataDir: '/alertmanager',
} as const;
