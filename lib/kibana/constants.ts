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
  home: HOME,
  /** The config folder (KBN_PATH_CONF): an emptyDir holding the image's files, our kibana.yml and the keystore. */
  configDir: `${HOME}/config`,
  /** The ConfigMap: kibana.yml and prepare.sh. */
  staticConfigDir: '/mnt/kibana/config',
  dataDir: `${HOME}/data`,
  tmpDir: '/tmp',
  caDir: '/mnt/kibana/elasticsearch-ca',
} as const;

/** The three encryption keys, each a key of one Secret, added to the Kibana keystore under their setting. */
export const ENCRYPTION_KEYS = [
  { setting: 'xpack.security.encryptionKey', secretKey: 'security' },
  { setting: 'xpack.encryptedSavedObjects.encryptionKey', secretKey: 'encrypted-saved-objects' },
  { setting: 'xpack.reporting.encryptionKey', secretKey: 'reporting' },
] as const;

/** The Elasticsearch password in the keystore (kibana_system's, from elasticsearch.security.clients.kibana). */
export const ELASTICSEARCH_PASSWORD_SETTING = 'elasticsearch.password';
