/**
 * Typed helpers that assemble containers, pod templates and Services with the
 * project's defaults applied (security, resources, probes, labels), so that a
 * component only states what is particular to it.
 */
import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { AppIdentity, commonLabels, Labels, selectorLabels } from './labels';
import { containerSecurityContext, podSecurityContext, SECURITY_EXCEPTION_ANNOTATION, SecurityRelaxation } from './security';

/** Requests and limits as the values schema holds them. */
export interface ResourceValues {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

export interface ImageValues {
  readonly repository: string;
  readonly tag: string;
}

export function imageRef(img: ImageValues): string {
  return img.tag.startsWith('sha256:') ? `${img.repository}@${img.tag}` : `${img.repository}:${img.tag}`;
}

export function resourceRequirements(r: ResourceValues): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.limits.memory) };
  if (r.limits.cpu) limits.cpu = k8s.Quantity.fromString(r.limits.cpu);
  return {
    requests: { cpu: k8s.Quantity.fromString(r.requests.cpu), memory: k8s.Quantity.fromString(r.requests.memory) },
    limits,
  };
}

export interface ContainerPort {
  /** IANA-style port name (at most 15 characters), referenced by Services and probes. */
  readonly name: string;
  readonly port: number;
  /** @default TCP */
  readonly protocol?: 'TCP' | 'UDP';
}

export interface ContainerOptions {
  readonly name: string;
  readonly image: ImageValues;
  readonly ports?: readonly ContainerPort[];
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly env?: readonly k8s.EnvVar[];
  readonly resources: ResourceValues;
  /** Probes are required: a server without them is restarted blind and receives traffic before it is ready. */
  readonly readinessProbe: k8s.Probe;
  readonly livenessProbe: k8s.Probe;
  /** @default none */
  readonly startupProbe?: k8s.Probe;
  readonly volumeMounts?: readonly k8s.VolumeMount[];
  /** Relaxes the secure defaults of `security.ts`, with a reason. @default none */
  readonly relax?: SecurityRelaxation;
  /** @default IfNotPresent (tags are pinned) */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always';
}

export function container(opts: ContainerOptions): k8s.Container {
  return {
    name: opts.name,
    image: imageRef(opts.image),
    imagePullPolicy: opts.imagePullPolicy ?? 'IfNotPresent',
    ...(opts.command ? { command: [...opts.command] } : {}),
    ...(opts.args ? { args: [...opts.args] } : {}),
    ...(opts.env?.length ? { env: [...opts.env] } : {}),
    ...(opts.ports?.length
      ? { ports: opts.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })) }
      : {}),
    resources: resourceRequirements(opts.resources),
    readinessProbe: opts.readinessProbe,
    livenessProbe: opts.livenessProbe,
    ...(opts.startupProbe ? { startupProbe: opts.startupProbe } : {}),
    ...(opts.volumeMounts?.length ? { volumeMounts: [...opts.volumeMounts] } : {}),
    securityContext: containerSecurityContext(opts.relax),
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

export interface HttpProbeOptions {
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 5 */
  readonly timeoutSeconds?: number;
  /** @default 0 */
  readonly initialDelaySeconds?: number;
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, portName: string, opts: HttpProbeOptions = {}): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(portName), scheme: 'HTTP' },
    periodSeconds: opts.periodSeconds ?? 10,
    failureThreshold: opts.failureThreshold ?? 3,
    timeoutSeconds: opts.timeoutSeconds ?? 5,
    ...(opts.initialDelaySeconds ? { initialDelaySeconds: opts.initialDelaySeconds } : {}),
  };
}

export interface PodTemplateOptions {
  readonly identity: AppIdentity;
  readonly containers: readonly k8s.Container[];
  readonly initContainers?: readonly k8s.Container[];
  readonly volumes?: readonly k8s.Volume[];
  /** Pod-level user/group; the images' own non-root users. */
  readonly runAsUser: number;
  readonly runAsGroup?: number;
  /** @default none: the pod gets no ServiceAccount token */
  readonly serviceAccountName?: string;
  /** Mount the ServiceAccount token: only for pods that call the Kubernetes API. @default false */
  readonly automountServiceAccountToken?: boolean;
  /** Extra pod annotations (config checksums, ...). */
  readonly annotations?: Record<string, string>;
  /** Why the pod relaxes the security defaults, if it does. */
  readonly securityException?: string;
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  readonly affinity?: k8s.Affinity;
}

export function podTemplate(opts: PodTemplateOptions): k8s.PodTemplateSpec {
  const annotations: Record<string, string> = { ...(opts.annotations ?? {}) };
  if (opts.securityException) annotations[SECURITY_EXCEPTION_ANNOTATION] = opts.securityException;
  return {
    metadata: {
      labels: commonLabels(opts.identity),
      ...(Object.keys(annotations).length ? { annotations: sortRecord(annotations) } : {}),
    },
    spec: {
      ...(opts.serviceAccountName ? { serviceAccountName: opts.serviceAccountName } : {}),
      automountServiceAccountToken: opts.automountServiceAccountToken ?? false,
      enableServiceLinks: false,
      securityContext: podSecurityContext({ runAsUser: opts.runAsUser, runAsGroup: opts.runAsGroup }),
      ...(opts.initContainers?.length ? { initContainers: [...opts.initContainers] } : {}),
      containers: [...opts.containers],
      ...(opts.volumes?.length ? { volumes: [...opts.volumes] } : {}),
      terminationGracePeriodSeconds: opts.terminationGracePeriodSeconds ?? 30,
      ...(opts.affinity ? { affinity: opts.affinity } : {}),
    },
  };
}

/** Prefers spreading replicas across nodes; a single replica gets no affinity. */
export function spreadAcrossNodes(identity: AppIdentity, replicas: number): k8s.Affinity | undefined {
  if (replicas < 2) return undefined;
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: selectorLabels(identity) },
          },
        },
      ],
    },
  };
}

export interface ServiceOptions {
  readonly name: string;
  readonly identity: AppIdentity;
  readonly ports: readonly ContainerPort[];
  /** A headless Service (clusterIP None) for StatefulSet peer discovery. @default false */
  readonly headless?: boolean;
  /** Publish addresses of pods that are not ready yet (cluster gossip needs it). @default false */
  readonly publishNotReadyAddresses?: boolean;
  readonly labels?: Labels;
}

export function service(scope: Construct, id: string, opts: ServiceOptions): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name: opts.name, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: {
      type: 'ClusterIP',
      ...(opts.headless ? { clusterIp: 'None' } : {}),
      ...(opts.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
      selector: selectorLabels(opts.identity),
      ports: opts.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: k8s.IntOrString.fromString(p.name),
        protocol: p.protocol ?? 'TCP',
      })),
    },
  });
}

/** Size and class of a volume, as the values schema's `storage()` holds them. */
export interface StorageValues {
  readonly size: string;
  readonly storageClassName?: string;
}

/** A ReadWriteOnce claim spec; no class means the cluster's default StorageClass. */
export function claimSpec(storage: StorageValues): k8s.PersistentVolumeClaimSpec {
  return {
    accessModes: ['ReadWriteOnce'],
    ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
    resources: { requests: { storage: k8s.Quantity.fromString(storage.size) } },
  };
}

/** The `data` volumeClaimTemplate of a StatefulSet (one claim per replica). */
export function dataClaimTemplate(identity: AppIdentity, storage: StorageValues): k8s.KubePersistentVolumeClaimProps {
  return { metadata: { name: 'data', labels: selectorLabels(identity) }, spec: claimSpec(storage) };
}

export interface StatefulSetOptions {
  readonly name: string;
  /** The (headless) Service that gives each replica its DNS name. */
  readonly serviceName: string;
  readonly replicas: number;
  /** The pod; its identity gives the selector, and replicas are spread across nodes. */
  readonly pod: Omit<PodTemplateOptions, 'affinity'>;
  /** The `data` volume of each replica. */
  readonly storage: StorageValues;
}

/**
 * A StatefulSet of replicas that each own a `data` claim, started in parallel
 * (they do not depend on each other's order) and spread across nodes.
 */
export function persistentStatefulSet(scope: Construct, id: string, opts: StatefulSetOptions): k8s.KubeStatefulSet {
  const identity = opts.pod.identity;
  disruptionBudget(scope, `${id}-pdb`, opts.name, identity, opts.replicas);
  return new k8s.KubeStatefulSet(scope, id, {
    metadata: { name: opts.name },
    spec: {
      serviceName: opts.serviceName,
      replicas: opts.replicas,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selectorLabels(identity) },
      template: podTemplate({ ...opts.pod, affinity: spreadAcrossNodes(identity, opts.replicas) }),
      volumeClaimTemplates: [dataClaimTemplate(identity, opts.storage)],
    },
  });
}

export interface DeploymentOptions {
  readonly name: string;
  /** @default 1 */
  readonly replicas?: number;
  /** The pod; its identity gives the selector, and replicas are spread across nodes. */
  readonly pod: Omit<PodTemplateOptions, 'affinity'>;
  /** @default RollingUpdate, one extra pod at a time and none unavailable */
  readonly strategy?: k8s.DeploymentStrategy;
  /** @default 5 */
  readonly revisionHistoryLimit?: number;
}

/** A Deployment of stateless replicas, spread across nodes. */
export function deployment(scope: Construct, id: string, opts: DeploymentOptions): k8s.KubeDeployment {
  const identity = opts.pod.identity;
  const replicas = opts.replicas ?? 1;
  disruptionBudget(scope, `${id}-pdb`, opts.name, identity, replicas);
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name: opts.name },
    spec: {
      replicas,
      revisionHistoryLimit: opts.revisionHistoryLimit ?? 5,
      strategy: opts.strategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      selector: { matchLabels: selectorLabels(identity) },
      template: podTemplate({ ...opts.pod, affinity: spreadAcrossNodes(identity, replicas) }),
    },
  });
}

/**
 * With more than one replica, a PodDisruptionBudget: a node drain evicts at
 * most one replica at a time, so the others keep serving (two Prometheus
 * replicas on two nodes drained together would otherwise both go).
 */
function disruptionBudget(scope: Construct, id: string, name: string, identity: AppIdentity, replicas: number): void {
  if (replicas <= 1) return;
  new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: { name },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(identity) } },
  });
}

export interface DaemonSetOptions {
  readonly name: string;
  /** The pod run on every node (host agents: see `securityException`). */
  readonly pod: PodTemplateOptions;
  /** Nodes updated at once. @default 1 */
  readonly maxUnavailable?: number;
}

/** A DaemonSet: one pod per node, rolled a node at a time. */
export function daemonSet(scope: Construct, id: string, opts: DaemonSetOptions): k8s.KubeDaemonSet {
  return new k8s.KubeDaemonSet(scope, id, {
    metadata: { name: opts.name },
    spec: {
      revisionHistoryLimit: 5,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(opts.maxUnavailable ?? 1) } },
      selector: { matchLabels: selectorLabels(opts.pod.identity) },
      template: podTemplate(opts.pod),
    },
  });
}

export interface JobOptions {
  readonly name: string;
  readonly pod: PodTemplateOptions;
  /** Retries before the Job fails. @default 2 */
  readonly backoffLimit?: number;
  /** Seconds a finished Job is kept. @default 86400 */
  readonly ttlSecondsAfterFinished?: number;
}

/** The spec of a run-to-completion Job (pods never restart in place: the Job retries). */
export function jobSpec(opts: Omit<JobOptions, 'name'>): k8s.JobSpec {
  const template = podTemplate(opts.pod);
  return {
    backoffLimit: opts.backoffLimit ?? 2,
    ttlSecondsAfterFinished: opts.ttlSecondsAfterFinished ?? 86400,
    template: { ...template, spec: { ...template.spec!, restartPolicy: 'Never' } },
  };
}

export function job(scope: Construct, id: string, opts: JobOptions): k8s.KubeJob {
  return new k8s.KubeJob(scope, id, { metadata: { name: opts.name }, spec: jobSpec(opts) });
}

export interface CronJobOptions extends JobOptions {
  /** Cron schedule, e.g. `0 3 * * *`. */
  readonly schedule: string;
}

/** A CronJob that never runs two Jobs at once. */
export function cronJob(scope: Construct, id: string, opts: CronJobOptions): k8s.KubeCronJob {
  return new k8s.KubeCronJob(scope, id, {
    metadata: { name: opts.name },
    spec: {
      schedule: opts.schedule,
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: jobSpec(opts) },
    },
  });
}

/**
 * A volume of some keys of user-provided Secrets (SecretRefs), each projected to
 * a fixed file name, readable by the pod's group only: credentials are read
 * from files, never from the environment or the synthesized YAML. Keys of one
 * Secret make a secret volume; keys of several, a projected one.
 */
export function secretFilesVolume(name: string, files: readonly { ref: { readonly name?: string; readonly key: string }; path: string }[], opts: { optional?: boolean } = {}): k8s.Volume {
  const secrets = [...new Set(files.map((f) => secretNameOf(f.ref)))];
  const items = (secret: string) => files.filter((f) => f.ref.name === secret).map((f) => ({ key: f.ref.key, path: f.path }));
  const optional = opts.optional === undefined ? {} : { optional: opts.optional };
  if (secrets.length === 1) return { name, secret: { secretName: secrets[0], items: items(secrets[0]), defaultMode: 0o440, ...optional } };
  return { name, projected: { defaultMode: 0o440, sources: secrets.map((secret) => ({ secret: { name: secret, items: items(secret), ...optional } })) } };
}

function secretNameOf(ref: { readonly name?: string; readonly key: string }): string {
  // The values schema refuses a credential switched on without its Secret; this is a programming error.
  if (!ref.name) throw new Error(`no Secret name for key ${ref.key}`);
  return ref.name;
}

export function serviceAccount(scope: Construct, id: string, name: string): k8s.KubeServiceAccount {
  return new k8s.KubeServiceAccount(scope, id, {
    metadata: { name },
    automountServiceAccountToken: false,
  });
}

/**
 * A content hash for `checksum/*` pod annotations: pods roll when the content
 * they mount changes. Derived from content only, so synth stays deterministic.
 */
export function checksum(content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The same kind of hash over several texts, each framed by its length (so no
 * two lists give the same input): for content that is already text, such as
 * dashboards, without first quoting it all into one JSON string.
 */
export function checksumOfTexts(texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:`).update(text);
  return hash.digest('hex');
}

/** Checksum of everything an ApiObject renders (e.g. a ConfigMap's data). */
export function checksumOf(obj: ApiObject): string {
  return checksum(obj.toJson());
}

export function sortRecord<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

