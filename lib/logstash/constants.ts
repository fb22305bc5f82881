/** Facts about Logstash other components and tests reference, declared once. */
import type { ContainerPort } from '../core/workload';

const HOME = '/usr/share/logstash';

/**
 * The inputs of the pipeline: each port is declared here once and used by the
 * pipeline (`port =>`), the container, the Service and the NetworkPolicy.
 */
export const LOGSTASH_INPUTS = {
  beats: { plugin: 'beats', port: { name: 'beats', port: 5044, protocol: 'TCP' } },
  http: { plugin: 'http', port: { name: 'http-in', port: 5000, protocol: 'TCP' } },
  tcp: { plugin: 'tcp', port: { name: 'tcp-in', port: 5001, protocol: 'TCP' } },
  udp: { plugin: 'udp', port: { name: 'udp-in', port: 5002, protocol: 'UDP' } },
} as const satisfies Record<string, { plugin: string; port: ContainerPort }>;

export const LOGSTASH = {
  name: 'logstash',
  component: 'log-pipeline',
  /** The monitoring API (`api.http.port`): probes and the exporter read it. */
  apiPort: { name: 'api', port: 9600 } satisfies ContainerPort,
  /** The exporter sidecar's metrics (kuskoman/logstash-exporter). */
  metricsPort: { name: 'metrics', port: 9198 } satisfies ContainerPort,
  configMap: 'logstash-config',
  pipelineConfigMap: 'logstash-pipeline',
  pipelineId: 'pynomaly',
  pipelineFile: 'pynomaly.conf',
  dataClaim: 'logstash-data',
  /** UID/GID of the `logstash` user of the official image. */
  uid: 1000,
  home: HOME,
  configDir: `${HOME}/config`,
  pipelineDir: `${HOME}/pipeline`,
  dataDir: `${HOME}/data`,
  logsDir: `${HOME}/logs`,
  tmpDir: '/tmp',
  staticConfigDir: '/mnt/logstash/config',
  caDir: '/mnt/logstash/elasticsearch-ca',
} as const;
