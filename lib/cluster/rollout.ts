/**
 * Whether a workload has finished rolling out, read from its status the way
 * `kubectl rollout status` reads it, and why not.
 */

export interface Workload {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; generation?: number };
  readonly spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    updateStrategy?: { type?: string };
  };
  readonly status?: Record<string, unknown>;
}

export interface RolloutState {
  readonly done: boolean;
  /** `ready 2/3` or the reason it is not. */
  readonly detail: string;
  /** A state that will not resolve by waiting (a failed Job, a progress deadline exceeded). */
  readonly failed?: boolean;
}

/** Kinds that roll out; other objects are done once applied. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export function rolloutState(w: Workload): RolloutState {
  const s = w.status ?? {};
  const observedCurrent = s.observedGeneration === undefined || w.metadata.generation === undefined || num(s.observedGeneration) >= w.metadata.generation;
  if (!observedCurrent) return { done: false, detail: 'waiting for the controller to observe the new spec' };
  const conditions = (s.conditions as Condition[] | undefined) ?? [];
  switch (w.kind) {
    case 'Deployment': {
      const want = w.spec?.replicas ?? 1;
      const stalled = conditions.find((c) => c.type === 'Progressing' && c.status === 'False');
      if (stalled) return { done: false, failed: true, detail: `${stalled.reason ?? 'not progressing'}: ${stalled.message ?? ''}`.trim() };
      const updated = num(s.updatedReplicas);
      const available = num(s.availableReplicas);
      const total = num(s.replicas);
      const done = updated >= want && available >= want && total <= want;
      return { done, detail: `${available}/${want} available, ${updated} updated` };
    }
    case 'StatefulSet': {
      const want = w.spec?.replicas ?? 1;
      const ready = num(s.readyReplicas);
      const updated = w.spec?.updateStrategy?.type === 'OnDelete' ? want : num(s.updatedReplicas);
      const sameRevision = s.updateRevision === undefined || s.currentRevision === s.updateRevision || updated >= want;
      return { done: ready >= want && updated >= want && sameRevision, detail: `${ready}/${want} ready, ${updated} updated` };
    }
    case 'DaemonSet': {
      const want = num(s.desiredNumberScheduled);
      const ready = num(s.numberReady);
      const updated = num(s.updatedNumberScheduled);
      return { done: ready >= want && updated >= want, detail: `${ready}/${want} ready, ${updated} updated` };
    }
    case 'Job': {
      const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) return { done: false, failed: true, detail: `${failed.reason ?? 'failed'}: ${failed.message ?? ''}`.trim() };
      const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
      return { done: complete, detail: complete ? 'complete' : `${num(s.active)} active, ${num(s.failed)} failed attempts` };
    }
    default:
      return { done: true, detail: 'applied' };
  }
}

/** Container states that waiting will not fix: a rollout that shows one has failed. */
const STUCK_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

interface PodLike {
  metadata?: { name?: string };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; conditions?: Condition[] };
}
interface ContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

/** Why the pods of a workload are not ready, from their container states; `stuck` when waiting will not help. */
export function podProblems(pods: readonly PodLike[]): { reasons: string[]; stuck: boolean } {
  const reasons: string[] = [];
  let stuck = false;
  for (const pod of pods) {
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = c.state?.waiting;
      if (!waiting?.reason || waiting.reason === 'ContainerCreating' || waiting.reason === 'PodInitializing') continue;
      if (STUCK_REASONS.has(waiting.reason)) stuck = true;
      reasons.push(`pod ${pod.metadata?.name ?? '?'} container ${c.name ?? '?'}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`);
    }
    const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    if (unschedulable) reasons.push(`pod ${pod.metadata?.name ?? '?'}: ${unschedulable.reason ?? 'Unschedulable'}${unschedulable.message ? `: ${unschedulable.message}` : ''}`);
  }
  return { reasons, stuck };
}
