/**
 * Alertmanager: a StatefulSet (one volume per replica for silences and the
 * notification log), clustered over a headless Service when it has more than
 * one replica, its config in a ConfigMap (no credentials: receivers read them
 * from mounted Secrets), and a Service on 9093.
 *
 * Config changes roll the pods through a `checksum/config` annotation rather
 * than a reloader sidecar: one container less, and a broken config stops the
 * rollout at the first pod (readiness) while the others keep serving. Secret
 * rotation needs no restart: Alertmanager reads the `*_file`s at send time.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ServiceEndpoint, serviceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { AppIdentity } from '../core/labels';
import { checksum, container, httpProbe, persistentStatefulSet, secretFilesVolume, service } from '../core/workload';
import { alertmanagerEdges, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { toYaml } from '../synth/yaml';
import { alertmanagerConfig, SecretMount } from './config';
import { publicUrlOf } from '../ingress';
import { ALERTMANAGER } from './constants';
import { TEMPLATE_TEXT } from './templates';
import { AlertmanagerValues, alertmanagerValues } from './values';
import { parseSettings } from '../values/parsed';

/** Alertmanager's settings: exactly its values (`alertmanager.*`), with their defaults and docs (values.ts). */
export type AlertmanagerSettings = NonNullable<z.input<typeof alertmanagerValues>>;

export interface AlertmanagerProps extends ComponentProps {
  /** Its values (`alertmanager.*`); every key has its default (lib/alertmanager/values.ts). @default {} */
  readonly values?: AlertmanagerSettings;
}

/**
 * Alertmanager of one namespace. Others use `endpoint` (the load-balanced
 * Service, for Grafana), `replicaAddresses` (every replica, for Prometheus'
 * alerting block) and `meshPeers` (the gossip mesh).
 */
export class Alertmanager extends ComponentConstruct<AlertmanagerValues> {
  /** The headless Service: stable names of the replicas, the mesh. */
  public readonly clusterEndpoint: ServiceEndpoint;
  public readonly services: readonly ServiceEndpoint[];
  /**
   * `host:port` of every replica's web port. Prometheus should send each alert
   * to EVERY replica (not through the load-balanced Service): the replicas then
   * deduplicate notifications among themselves over the gossip mesh.
   */
  public readonly replicaAddresses: readonly string[];
  /** `host:port` of every replica's mesh port (--cluster.peer); empty for a single replica. */
  public readonly meshPeers: readonly string[];
  /** The rendered alertmanager.yml (its receivers are what it connects to). */
  public readonly config: Record<string, unknown>;
  /** Escape hatch: the StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** Port of each URL the config reads from a Secret file (`url_file`), by path. */
  private readonly urlFilePorts: ReadonlyMap<string, number>;

  public constructor(scope: Construct, id: string, props: AlertmanagerProps = {}) {
    super(scope, id, props, { ...ALERTMANAGER, job: JOBS.alertmanager, targetKey: 'alertmanager' }, parseSettings(alertmanagerValues, props.values));
    const v = this.values;
    const identity = this.identity;
    this.clusterEndpoint = serviceEndpoint(ALERTMANAGER.headlessService, this.namespace, ALERTMANAGER.port);
    this.services = [this.endpoint, this.clusterEndpoint];
    const replicaHosts = Array.from({ length: v.replicas }, (_, i) => `${ALERTMANAGER.name}-${i}.${this.clusterEndpoint.host}`);
    this.replicaAddresses = replicaHosts.map((h) => `${h}:${ALERTMANAGER.port.port}`);
    this.meshPeers = v.replicas > 1 ? replicaHosts.map((h) => `${h}:${ALERTMANAGER.clusterPort.port}`) : [];

    const { config, secretMounts } = alertmanagerConfig(v);
    this.config = config;
    // The webhook URL read from a Secret: only its port is known here (for the NetworkPolicy).
    const webhookUrl = secretMounts.find((m) => m.id === 'webhook-url');
    this.urlFilePorts = new Map(webhookUrl ? [[webhookUrl.path, v.receivers.webhook.urlPort]] : []);
    const configData = {
      [ALERTMANAGER.configFile]: toYaml(config),
      [ALERTMANAGER.templateFile]: TEMPLATE_TEXT,
    };
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: ALERTMANAGER.configMap }, data: configData });

    service(this, 'service', { name: ALERTMANAGER.name, identity, ports: [ALERTMANAGER.port] });
    service(this, 'cluster-service', {
      name: ALERTMANAGER.headlessService,
      identity,
      // The web port lets Prometheus address every replica; the mesh ports exist only when clustered.
      ports: [ALERTMANAGER.port, ...(v.replicas > 1 ? [ALERTMANAGER.clusterPort, ALERTMANAGER.clusterUdpPort] : [])],
      headless: true,
      // Peers must find each other before they are ready: readiness waits for the mesh to settle.
      publishNotReadyAddresses: true,
    });
    this.statefulSet = statefulSet(this, identity, v, clusterArgs(this.meshPeers), secretMounts, checksum(configData));
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return alertmanagerEdges(g, self, this.meshPeers, this.config, this.urlFilePorts);
  }
}

/** The registry entry. */
export const alertmanagerComponent: ComponentDefinition<typeof alertmanagerValues, 'alertmanager'> = {
  key: 'alertmanager',
  values: alertmanagerValues,
  // Its external URL (links in notifications) follows the ingress host.
  uses: ['ingress'],
  build(ctx) {
    const chart = ctx.chart(ALERTMANAGER.name, ctx.identity(ALERTMANAGER.name, ALERTMANAGER.component, ctx.values.image.tag));
    const values = { ...ctx.values, externalUrl: ctx.values.externalUrl ?? publicUrlOf(ctx.component, 'alertmanager') };
    return new Alertmanager(chart, 'alertmanager', { values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};

/** Flags of the gossip mesh: one flag per peer, or clustering off without peers. */
export function clusterArgs(meshPeers: readonly string[]): string[] {
  if (meshPeers.length === 0) return ['--cluster.listen-address='];
  return [
    // The pod IP (not 0.0.0.0): it is also the advertised address, whatever range the pod network uses.
    `--cluster.listen-address=[$(POD_IP)]:${ALERTMANAGER.clusterPort.port}`,
    ...meshPeers.map((peer) => `--cluster.peer=${peer}`),
  ];
}

function statefulSet(
  scope: Construct,
  identity: AppIdentity,
  v: AlertmanagerValues,
  meshArgs: readonly string[],
  secretMounts: readonly SecretMount[],
  configChecksum: string,
): k8s.KubeStatefulSet {
  const port = ALERTMANAGER.port.name;
  const clustered = v.replicas > 1;
  const alertmanager = container({
    name: ALERTMANAGER.name,
    image: v.image,
    args: [
      `--config.file=${ALERTMANAGER.configDir}/${ALERTMANAGER.configFile}`,
      `--storage.path=${ALERTMANAGER.dataDir}`,
      `--data.retention=${v.retention}`,
      `--web.listen-address=:${ALERTMANAGER.port.port}`,
      ...(v.externalUrl ? [`--web.external-url=${v.externalUrl}`] : []),
      // Probes, Prometheus and Grafana use / whatever the external URL's path is.
      '--web.route-prefix=/',
      ...meshArgs,
    ],
    env: clustered ? [{ name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }] : [],
    ports: [ALERTMANAGER.port, ...(clustered ? [ALERTMANAGER.clusterPort, ALERTMANAGER.clusterUdpPort] : [])],
    resources: v.resources,
    readinessProbe: httpProbe('/-/ready', port, { periodSeconds: 5 }),
    livenessProbe: httpProbe('/-/healthy', port, { periodSeconds: 15, failureThreshold: 4 }),
    volumeMounts: [
      { name: 'config', mountPath: ALERTMANAGER.configDir, readOnly: true },
      ...secretMounts.map((s) => ({ name: s.volume, mountPath: s.dir, readOnly: true })),
      { name: 'data', mountPath: ALERTMANAGER.dataDir },
    ],
  });
  return persistentStatefulSet(scope, 'statefulset', {
    name: ALERTMANAGER.name,
    serviceName: ALERTMANAGER.headlessService,
    replicas: v.replicas,
    storage: v.storage,
    pod: {
      identity,
      containers: [alertmanager],
      runAsUser: ALERTMANAGER.uid,
      annotations: { 'checksum/config': configChecksum },
      volumes: [{ name: 'config', configMap: { name: ALERTMANAGER.configMap } }, ...secretMounts.map(secretVolume)],
    },
  });
}

/** One key of a user-provided Secret, projected to a fixed file name, readable by the pod's group only. */
function secretVolume(s: SecretMount): k8s.Volume {
  return secretFilesVolume(s.volume, [{ ref: { name: s.secretName, key: s.key }, path: s.file }], { optional: false });
}
