/**
 * What the Elasticsearch pods read: elasticsearch.yml and the start script that
 * decides about `cluster.initial_master_nodes`.
 *
 * Bootstrapping (several nodes): `cluster.initial_master_nodes` must be given
 * only to the nodes that form a brand-new cluster, and never again; left in
 * place (as the archived elastic/helm-charts did) a node that restarts with an
 * empty data path while it cannot reach the cluster can bootstrap a second,
 * empty cluster. There is no operator here to remember that the cluster formed
 * (ECK records its UUID), so each node asks at start: the start script queries
 * `GET /` on every other node of the StatefulSet; if one answers with a
 * cluster UUID the cluster exists and the node joins it through the seed hosts
 * without the setting (restarts, scale-up, a replaced volume); only when no
 * other node reports a formed cluster (the first start of the whole set) does
 * it pass `-Ecluster.initial_master_nodes` with the names of the initial nodes.
 * A node that has already joined a cluster ignores the setting anyway.
 */
import { prepareConfigScript } from '../logs/prepare-config';
import { toYaml } from '../synth/yaml';
import { DISK_WATERMARKS, ELASTICSEARCH } from './constants';
import { SNAPSHOTS } from './snapshots';
import type { ElasticsearchValues } from './values';

export interface ElasticsearchConfigInput {
  readonly values: ElasticsearchValues;
  readonly namespace: string;
}

/** Host of node `i` of the StatefulSet (its DNS name through the headless Service). */
export function nodeHost(i: number, namespace: string): string {
  return `${ELASTICSEARCH.name}-${i}.${ELASTICSEARCH.headlessService}.${namespace}.svc`;
}

/** Names of the nodes (node.name is the pod name). */
export function nodeNames(replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${ELASTICSEARCH.name}-${i}`);
}

const TLS_FILES = { key: 'certs/tls.key', certificate: 'certs/tls.crt', ca: 'certs/ca.crt' } as const;

/** elasticsearch.yml. */
export function elasticsearchYml({ values: v, namespace }: ElasticsearchConfigInput): string {
  const single = v.replicas === 1;
  const config: Record<string, unknown> = {
    'cluster.name': v.clusterName,
    'node.name': '${POD_NAME}',
    'network.host': '0.0.0.0',
    // Other nodes reach this one at its stable name, which the TLS certificate carries.
    'network.publish_host': `\${POD_NAME}.${ELASTICSEARCH.headlessService}.${namespace}.svc`,
    'http.port': ELASTICSEARCH.port.port,
    'transport.port': ELASTICSEARCH.transportPort.port,
    'readiness.port': ELASTICSEARCH.readinessPort.port,
    'path.data': ELASTICSEARCH.dataDir,
    'path.logs': ELASTICSEARCH.logsDir,
    ...(single ? { 'discovery.type': 'single-node' } : { 'discovery.seed_hosts': [`${ELASTICSEARCH.headlessService}.${namespace}.svc:${ELASTICSEARCH.transportPort.port}`] }),
    ...(v.maxMapCount === 'disableMmap' ? { 'node.store.allow_mmap': false } : {}),
    'cluster.routing.allocation.disk.watermark.low': `${DISK_WATERMARKS.lowPercent}%`,
    'cluster.routing.allocation.disk.watermark.high': `${DISK_WATERMARKS.highPercent}%`,
    'cluster.routing.allocation.disk.watermark.flood_stage': `${DISK_WATERMARKS.floodStagePercent}%`,
    // A log store needs no machine learning (its native processes need memory and a writable root).
    'xpack.ml.enabled': false,
    'xpack.security.enabled': v.security.enabled,
    // Never let the first start generate certificates into the config folder (security is configured here explicitly).
    'xpack.security.autoconfiguration.enabled': false,
    'ingest.geoip.downloader.enabled': false,
    ...(v.snapshots.enabled && v.snapshots.s3.endpoint ? { [`s3.client.${SNAPSHOTS.s3Client}.endpoint`]: v.snapshots.s3.endpoint } : {}),
  };
  if (v.security.enabled) {
    Object.assign(config, {
      'xpack.security.http.ssl.enabled': true,
      'xpack.security.http.ssl.key': TLS_FILES.key,
      'xpack.security.http.ssl.certificate': TLS_FILES.certificate,
      'xpack.security.http.ssl.certificate_authorities': [TLS_FILES.ca],
      'xpack.security.transport.ssl.enabled': true,
      'xpack.security.transport.ssl.key': TLS_FILES.key,
      'xpack.security.transport.ssl.certificate': TLS_FILES.certificate,
      'xpack.security.transport.ssl.certificate_authorities': [TLS_FILES.ca],
      // Nodes present the certificate of the Secret, issued by its CA; their names are checked over HTTP only.
      'xpack.security.transport.ssl.verification_mode': 'certificate',
    });
  }
  return toYaml(config);
}

/** The scheme of the REST API. */
export function scheme(v: ElasticsearchValues): 'http' | 'https' {
  return v.security.enabled ? 'https' : 'http';
}

/** Path of the mounted elastic password. */
export const ELASTIC_PASSWORD_FILE = `${ELASTICSEARCH.credentialsDir}/elastic-password`;

/** The curl options every script uses: TLS trust and the elastic user, read from files (never on the command line). */
function curlAuth(v: ElasticsearchValues): string {
  if (!v.security.enabled) return 'curl_es() { curl -sS --max-time 5 "$@"; }';
  return [
    'curl_es() {',
    `  printf 'user = "elastic:%s"\\n' "$(cat ${ELASTIC_PASSWORD_FILE})" | curl -sS --max-time 5 --cacert ${ELASTICSEARCH.certsDir}/ca.crt -K - "$@"`,
    '}',
  ].join('\n');
}

/** start.sh: the image's entrypoint, with cluster.initial_master_nodes only when no formed cluster answers. */
export function startScript(input: ElasticsearchConfigInput): string {
  const v = input.values;
  const lines = ['#!/bin/bash', 'set -uo pipefail', `cd ${ELASTICSEARCH.home}`];
  if (v.replicas === 1) {
    lines.push('# One node: discovery.type single-node, nothing to bootstrap.', `exec ${ELASTICSEARCH.entrypoint} eswrapper`);
    return lines.join('\n') + '\n';
  }
  const peers = Array.from({ length: v.replicas }, (_, i) => nodeHost(i, input.namespace));
  lines.push(
    curlAuth(v),
    `PEERS="${peers.join(' ')}"`,
    `INITIAL_MASTER_NODES="${nodeNames(v.replicas).join(',')}"`,
    'formed=""',
    'for peer in $PEERS; do',
    '  case "$peer" in "$POD_NAME".*) continue ;; esac',
    `  uuid=$(curl_es "${scheme(v)}://$peer:${ELASTICSEARCH.port.port}/?filter_path=cluster_uuid" 2>/dev/null | sed -n 's/.*"cluster_uuid" *: *"\\([^"]*\\)".*/\\1/p')`,
    '  if [ -n "$uuid" ] && [ "$uuid" != "_na_" ]; then formed="$peer ($uuid)"; break; fi',
    'done',
    'if [ -n "$formed" ]; then',
    '  echo "start: a formed cluster answers at $formed: joining it through the seed hosts, without cluster.initial_master_nodes"',
    `  exec ${ELASTICSEARCH.entrypoint} eswrapper`,
    'fi',
    'echo "start: no other node reports a formed cluster: bootstrapping with cluster.initial_master_nodes=$INITIAL_MASTER_NODES"',
    `exec ${ELASTICSEARCH.entrypoint} eswrapper "-Ecluster.initial_master_nodes=$INITIAL_MASTER_NODES"`,
  );
  return lines.join('\n') + '\n';
}

/**
 * prepare.sh (init container): the image's config folder copied into the
 * writable one (the root filesystem is read-only; Elasticsearch writes its
 * keystore there), then our elasticsearch.yml over it.
 */
export function prepareScript(): string {
  return prepareConfigScript(ELASTICSEARCH.configDir, ELASTICSEARCH.staticConfigDir, ['elasticsearch.yml']);
}

/** Seconds the preStop hook waits: the endpoints controller takes the node out of the client Service before SIGTERM. */
export const PRE_STOP_SECONDS = 15;

/** The sysctl the opt-in init container sets. */
export const MAX_MAP_COUNT = 262144;
