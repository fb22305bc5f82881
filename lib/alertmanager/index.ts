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
import { Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { StackContext } from '../core/context';
import { AppIdentity, selectorLabels } from '../core/labels';
import { checksum, container, httpProbe, persistentStatefulSet, service } from '../core/workload';
import { toYaml } from '../synth/yaml';
import { alertmanagerConfig, SecretMount } from './config';
import { ALERTMANAGER, alertmanagerPodHost } from './constants';
import { TEMPLATE_TEXT } from './templates';
import { AlertmanagerValues } from './values';

export function renderAlertmanager(ctx: StackContext): void {
  const values = ctx.values.alertmanager;
  if (!values.enabled) return;
  const identity = ctx.identity(ALERTMANAGER.name, ALERTMANAGER.component, values.image.tag);
  const chart = ctx.chart(ALERTMANAGER.name, identity);

  const { config, secretMounts } = alertmanagerConfig(values);
  const configData = {
    [ALERTMANAGER.configFile]: toYaml(config),
    [ALERTMANAGER.templateFile]: TEMPLATE_TEXT,
  };
  new k8s.KubeConfigMap(chart, 'config', { metadata: { name: ALERTMANAGER.configMap }, data: configData });

  service(chart, 'service', { name: ALERTMANAGER.name, identity, ports: [ALERTMANAGER.port] });
  service(chart, 'cluster-service', {
    name: ALERTMANAGER.headlessService,
    identity,
    // The web port lets Prometheus address every replica; the mesh ports exist only when clustered.
    ports: [ALERTMANAGER.port, ...(values.replicas > 1 ? [ALERTMANAGER.clusterPort, ALERTMANAGER.clusterUdpPort] : [])],
    headless: true,
    // Peers must find each other before they are ready: readiness waits for the mesh to settle.
    publishNotReadyAddresses: true,
  });
  statefulSet(chart, identity, values, ctx.values.namespace, secretMounts, checksum(configData));
  if (values.replicas > 1) disruptionBudget(chart, identity);
}

/** Flags of the gossip mesh: one peer per replica, or clustering off for a single replica. */
export function clusterArgs(namespace: string, replicas: number): string[] {
  if (replicas < 2) return ['--cluster.listen-address='];
  const port = ALERTMANAGER.clusterPort.port;
  return [
    // The pod IP (not 0.0.0.0): it is also the advertised address, whatever range the pod network uses.
    `--cluster.listen-address=[$(POD_IP)]:${port}`,
    ...Array.from({ length: replicas }, (_, i) => `--cluster.peer=${alertmanagerPodHost(namespace, i)}:${port}`),
  ];
}

function statefulSet(
  chart: Chart,
  identity: AppIdentity,
  v: AlertmanagerValues,
  namespace: string,
  secretMounts: readonly SecretMount[],
  configChecksum: string,
): void {
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
      ...clusterArgs(namespace, v.replicas),
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
  persistentStatefulSet(chart, 'statefulset', {
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
  return {
    name: s.volume,
    secret: { secretName: s.secretName, items: [{ key: s.key, path: s.file }], defaultMode: 0o440, optional: false },
  };
}

/** Node drains take down at most one replica at a time, so the others keep notifying. */
function disruptionBudget(chart: Chart, identity: AppIdentity): void {
  new k8s.KubePodDisruptionBudget(chart, 'pdb', {
    metadata: { name: ALERTMANAGER.name },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(identity) } },
  });
}
