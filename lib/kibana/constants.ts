/** Facts about Kibana other components reference, declared once. */
import type { ContainerPort } from '../core/workload';

const HOME = '/usr/share/kibana';

export const KIBANA = {
  name: 'kibana',
  component: 'log-ui',
  port: { name: 'http', port: 5601 } satisfies ContainerPort,
  /** 200 while Kibana is available; anonymous access is allowed for the probes (status.allowAnonymous). */
  statusPath: '/api/status',
  configMap: 'kibana-config',
  /** UID/GID of the `kibana` user of the official image. */
  uid: 1000,
  configFile: `${HOME}/config/kibana.yml`,
  dataDir: `${HOME}/data`,
  tmpDir: '/tmp',
  caDir: '/mnt/kibana/elasticsearch-ca',
} as const;

/** The three encryption keys, each a key of one Secret, and the environment variables kibana.yml reads them from. */
export const ENCRYPTION_KEYS = [
  { setting: 'xpack.security.encryptionKey', secretKey: 'security', env: 'KIBANA_SECURITY_ENCRYPTION_KEY' },
  { setting: 'xpack.encryptedSavedObjects.encryptionKey', secretKey: 'encrypted-saved-objects', env: 'KIBANA_SAVED_OBJECTS_ENCRYPTION_KEY' },
  { setting: 'xpack.reporting.encryptionKey', secretKey: 'reporting', env: 'KIBANA_REPORTING_ENCRYPTION_KEY' },
] as const;
