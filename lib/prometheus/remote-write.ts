/**
 * remote_write: each endpoint of `prometheus.remoteWrite` rendered for
 * prometheus.yml, and the Secret files it reads (a volume per endpoint,
 * mounted at `<secretsDir>/remote-write-<name>/`). One function gives both,
 * so the paths in the config are the paths of the mounts.
 */
import type { k8s } from '../core/k8s';
import { secretFilesVolume } from '../core/workload';
import { PROMETHEUS } from './constants';
import { NativeRelabel, toNative } from './relabel';
import type { PrometheusValues } from './values';

type RemoteWriteValues = PrometheusValues['remoteWrite'][number];

/** A remote_write entry as prometheus.yml spells it. */
export interface RemoteWriteConfig {
  readonly name: string;
  readonly url: string;
  readonly basic_auth?: { readonly username: string; readonly password_file: string };
  readonly authorization?: { readonly type: 'Bearer'; readonly credentials_file: string };
  readonly queue_config?: Readonly<Record<string, string | number>>;
  readonly write_relabel_configs?: readonly NativeRelabel[];
}

/** The Secret volume of one endpoint and where the container mounts it. */
export interface RemoteWriteMount {
  readonly volume: k8s.Volume;
  readonly mountPath: string;
}

const FILES = { password: 'password', token: 'token' } as const;

function dirOf(r: RemoteWriteValues): string {
  return `${PROMETHEUS.secretsDir}/remote-write-${r.name}`;
}

export function remoteWriteConfigs(v: PrometheusValues): RemoteWriteConfig[] {
  return v.remoteWrite.map((r) => {
    const q = r.queue;
    const queue = Object.fromEntries(
      (
        [
          ['capacity', q.capacity],
          ['min_shards', q.minShards],
          ['max_shards', q.maxShards],
          ['max_samples_per_send', q.maxSamplesPerSend],
          ['batch_send_deadline', q.batchSendDeadline],
          ['min_backoff', q.minBackoff],
          ['max_backoff', q.maxBackoff],
        ] as const
      ).filter(([, value]) => value !== undefined),
    ) as Record<string, string | number>;
    return {
      name: r.name,
      url: r.url,
      ...(r.basicAuth ? { basic_auth: { username: r.basicAuth.username, password_file: `${dirOf(r)}/${FILES.password}` } } : {}),
      ...(r.bearerTokenSecret.name ? { authorization: { type: 'Bearer' as const, credentials_file: `${dirOf(r)}/${FILES.token}` } } : {}),
      ...(Object.keys(queue).length ? { queue_config: queue } : {}),
      ...(r.writeRelabelConfigs.length ? { write_relabel_configs: r.writeRelabelConfigs.map(toNative) } : {}),
    };
  });
}

/** A volume per endpoint that has a credential. */
export function remoteWriteMounts(v: PrometheusValues): RemoteWriteMount[] {
  return v.remoteWrite.flatMap((r) => {
    const files = [
      ...(r.basicAuth ? [{ ref: r.basicAuth.passwordSecret, path: FILES.password }] : []),
      ...(r.bearerTokenSecret.name ? [{ ref: r.bearerTokenSecret, path: FILES.token }] : []),
    ];
    return files.length ? [{ volume: secretFilesVolume(`remote-write-${r.name}`, files), mountPath: dirOf(r) }] : [];
  });
}
