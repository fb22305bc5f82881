/**
 * Facts about Elasticsearch that other components reference, declared once.
 * The client Service keeps the name and port Grafana's datasource, the
 * Elasticsearch exporter and Jaeger's storage already use (lib/catalog/services.ts).
 */
import { PLANNED_SERVICES } from '../catalog/services';
import type { ContainerPort } from '../core/workload';

const HOME = '/usr/share/elasticsearch';

export const ELASTICSEARCH = {
  name: PLANNED_SERVICES.elasticsearch.service,
  component: 'log-store',
  /** The client Service (REST API): `elasticsearch:9200`. */
  port: PLANNED_SERVICES.elasticsearch.port satisfies ContainerPort,
  /** Node-to-node transport, behind the headless Service. */
  transportPort: { name: 'transport', port: 9300 } satisfies ContainerPort,
  /** `readiness.port`: Elasticsearch listens here only while the node is part of a cluster with an elected master (8.2+). */
  readinessPort: { name: 'readiness', port: 9400 } satisfies ContainerPort,
  /** Headless Service: a stable DNS name per node, and the discovery seed (publishes not-ready addresses). */
  headlessService: 'elasticsearch-transport',
  configMap: 'elasticsearch-config',
  /** UID/GID of the `elasticsearch` user of the official image. */
  uid: 1000,
  home: HOME,
  configDir: `${HOME}/config`,
  dataDir: `${HOME}/data`,
  logsDir: `${HOME}/logs`,
  pluginsDir: `${HOME}/plugins`,
  tmpDir: '/tmp',
  /** The TLS Secret, inside the config folder (Elasticsearch reads TLS files only below it). */
  certsDir: `${HOME}/config/certs`,
  /** The ConfigMap: elasticsearch.yml and the scripts. */
  staticConfigDir: '/mnt/elasticsearch/config',
  credentialsDir: '/mnt/elasticsearch/credentials',
  /** The image's entrypoint (turns ELASTIC_PASSWORD_FILE into the keystore's bootstrap password). */
  entrypoint: '/usr/local/bin/docker-entrypoint.sh',
} as const;

/**
 * Disk-based shard allocation watermarks (percent used), rendered into
 * elasticsearch.yml and used by the disk alerts: one source for both.
 * low: no new shards on the node; high: shards move away; flood stage: every
 * index with a shard on the node becomes read-only (logs are refused).
 */
export const DISK_WATERMARKS = { lowPercent: 85, highPercent: 90, floodStagePercent: 95 } as const;

/** Elasticsearch refuses a heap above the compressed-oops limit; 31 GB is the documented safe ceiling. */
export const MAX_HEAP_BYTES = 31 * 1024 ** 3;
