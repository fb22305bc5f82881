/**
 * Typed accessors over the synthesized objects (plain JSON, as `kubectl get -o
 * json` shows them): the shapes the tests read, declared once instead of per
 * test file.
 */
import { Manifest } from '../../lib/synth/render';
import { findObject } from './stack';

export interface ContainerPortJson {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: 'TCP' | 'UDP';
  readonly hostPort?: number;
}

export interface ProbeJson {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
}

export interface SecurityContextJson {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type: string };
}

export interface ContainerJson {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value?: string; readonly valueFrom?: unknown }[];
  readonly ports?: readonly ContainerPortJson[];
  /** Every container of ours has resources, both probes and a security context (test/conventions.test.ts). */
  readonly resources: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
  readonly readinessProbe: ProbeJson;
  readonly livenessProbe: ProbeJson;
  readonly startupProbe?: ProbeJson;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
  readonly securityContext: SecurityContextJson;
}

export interface SecretProjectionJson {
  readonly items?: readonly { readonly key: string; readonly path: string }[];
  readonly optional?: boolean;
}

export interface VolumeJson {
  readonly name: string;
  readonly emptyDir?: Record<string, unknown>;
  readonly persistentVolumeClaim?: { readonly claimName: string };
  readonly configMap?: { readonly name: string };
  readonly secret?: SecretProjectionJson & { readonly secretName: string; readonly defaultMode?: number };
  readonly projected?: {
    readonly defaultMode?: number;
    readonly sources: readonly { readonly configMap?: { readonly name: string }; readonly secret?: SecretProjectionJson & { readonly name: string } }[];
  };
}

export interface PodSpecJson {
  readonly containers: readonly ContainerJson[];
  readonly initContainers?: readonly ContainerJson[];
  readonly volumes?: readonly VolumeJson[];
  readonly securityContext?: SecurityContextJson & { readonly fsGroup?: number };
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
}

export interface PodTemplateJson {
  readonly metadata: { readonly labels: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec: PodSpecJson;
}

export interface ServicePortJson {
  readonly name: string;
  readonly port: number;
  readonly targetPort: string | number;
  readonly protocol?: string;
}

export interface ServiceSpecJson {
  readonly selector: Record<string, string>;
  readonly ports: readonly ServicePortJson[];
  readonly clusterIP?: string;
  readonly sessionAffinity?: string;
}

/** Kinds whose spec holds a pod template. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** The pod template of a Deployment, StatefulSet, DaemonSet, Job or CronJob. */
export function podTemplateOf(o: Manifest): PodTemplateJson {
  if (!WORKLOAD_KINDS.has(o.kind)) throw new Error(`${o.kind}/${o.metadata.name} has no pod template`);
  if (o.kind === 'CronJob') return (o.spec as { jobTemplate: { spec: { template: PodTemplateJson } } }).jobTemplate.spec.template;
  return (o.spec as { template: PodTemplateJson }).template;
}

/** The pod template of the workload `kind/name` among `objects`. */
export function podOf(objects: readonly Manifest[], kind: string, name: string): PodTemplateJson {
  return podTemplateOf(findObject(objects, kind, name));
}

/** A container of a pod template, by name. */
export function containerOf(pod: PodTemplateJson, name: string): ContainerJson {
  const c = pod.spec.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} among ${pod.spec.containers.map((x) => x.name).join(', ')}`);
  return c;
}

/** The spec of the Service `name` among `objects`. */
export function serviceSpecOf(objects: readonly Manifest[], name: string): ServiceSpecJson {
  return findObject(objects, 'Service', name).spec as unknown as ServiceSpecJson;
}

/** The data of the ConfigMap `name` among `objects` (empty when it has none). */
export function configMapDataOf(objects: readonly Manifest[], name: string): Record<string, string> {
  return (findObject(objects, 'ConfigMap', name) as unknown as { data?: Record<string, string> }).data ?? {};
}
