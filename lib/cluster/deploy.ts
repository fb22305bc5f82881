/**
 * `npm run deploy` and `npm run status` on @kubernetes/client-node.
 *
 * deploy: server-side apply of `dist/<env>/` with our field manager, wave by
 * wave (lib/gitops/waves.ts, the order Argo CD uses); after each wave it waits
 * for that wave's workloads to roll out, and stops at the first that fails,
 * with the reason (a progress deadline, a container that cannot start).
 * `--dry-run=server` sends every apply with dryRun=All and waits for nothing.
 * `--prune` then deletes what this environment no longer has: only objects
 * carrying our instance label, in the release namespace (or, outside it, named
 * after it, as ours are), never a Namespace or a PersistentVolumeClaim (data),
 * never an object another one owns.
 */
import type { KubeConfig, KubernetesObject, KubernetesObjectApi } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { CLUSTER_SCOPED } from '../synth/render';
import { byWave, EnvironmentManifests, idOf, INSTANCE_LABEL, Manifest, OPERATOR_FOLDER } from './manifests';
import { podProblems, rolloutState, Workload, WORKLOAD_KINDS } from './rollout';

export const FIELD_MANAGER = 'pynomaly-monitoring';

export interface DeployOptions {
  readonly dryRun: boolean;
  readonly prune: boolean;
  readonly forceConflicts: boolean;
  /** How long a wave's rollouts may take, in ms. */
  readonly timeoutMs: number;
  /** Between two reads of a rollout, in ms. */
  readonly pollMs: number;
  readonly log: (line: string) => void;
}

export interface DeployReport {
  readonly applied: string[];
  readonly pruned: string[];
  readonly failures: string[];
}

/** Kinds that may be pruned; PersistentVolumeClaims (data) and Namespaces never are. */
const PRUNABLE_KINDS: readonly [string, string][] = [
  ['v1', 'ConfigMap'],
  ['v1', 'Service'],
  ['v1', 'ServiceAccount'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['rbac.authorization.k8s.io/v1', 'Role'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['monitoring.coreos.com/v1', 'ServiceMonitor'],
  ['monitoring.coreos.com/v1', 'PrometheusRule'],
];

/** The client library: an ES module, loaded on first use (this project compiles to CommonJS). */
type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
let clientNode: ClientNode | undefined;
async function k8s(): Promise<ClientNode> {
  clientNode ??= await import('@kubernetes/client-node');
  return clientNode;
}

export async function kubeConfig(context?: string): Promise<KubeConfig> {
  const kc = new (await k8s()).KubeConfig();
  kc.loadFromDefault();
  if (context) kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) throw new Error(`no cluster for context ${context ?? kc.getCurrentContext()}`);
  return kc;
}

/** Whether the cluster serves an API group (discovery). */
async function servesGroup(kc: KubeConfig, group: string): Promise<boolean> {
  const groups = await kc.makeApiClient((await k8s()).ApisApi).getAPIVersions();
  return groups.groups.some((g) => g.name === group);
}

export async function deploy(kc: KubeConfig, manifests: EnvironmentManifests, opts: DeployOptions): Promise<DeployReport> {
  const { KubernetesObjectApi, PatchStrategy } = await k8s();
  const api = KubernetesObjectApi.makeApiClient(kc);
  const report: DeployReport = { applied: [], pruned: [], failures: [] };
  const withOperator = manifests.operatorObjects.length > 0 && (await servesGroup(kc, OPERATOR_FOLDER.group));
  if (manifests.operatorObjects.length > 0 && !withOperator) opts.log(`skipped  ${OPERATOR_FOLDER.path}/: the cluster does not serve ${OPERATOR_FOLDER.group}`);
  const objects = [...manifests.objects, ...(withOperator ? manifests.operatorObjects : [])];
  for (const [wave, inWave] of byWave(objects)) {
    for (const o of inWave) {
      try {
        await api.patch(o as KubernetesObject, undefined, opts.dryRun ? 'All' : undefined, FIELD_MANAGER, opts.forceConflicts, PatchStrategy.ServerSideApply);
        report.applied.push(idOf(o));
        opts.log(`wave ${String(wave).padStart(2)}  ${opts.dryRun ? 'applied (server dry run)' : 'applied'}  ${idOf(o)}`);
      } catch (e) {
        report.failures.push(`${idOf(o)}: ${apiMessage(e)}`);
        opts.log(`wave ${String(wave).padStart(2)}  FAILED  ${idOf(o)}: ${apiMessage(e)}`);
        return report;
      }
    }
    if (opts.dryRun) continue;
    for (const w of inWave.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
      const problem = await waitForRollout(api, w, opts);
      if (problem) {
        report.failures.push(`${idOf(w)}: ${problem}`);
        return report;
      }
    }
  }
  if (opts.prune) await prune(api, objects, opts, report);
  return report;
}

/** Waits until the workload is rolled out; returns why not when it fails or time runs out. */
async function waitForRollout(api: KubernetesObjectApi, w: Manifest, opts: DeployOptions): Promise<string | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const live = (await api.read(w)) as unknown as Workload;
    const state = rolloutState(live);
    if (state.done) {
      opts.log(`rollout  ready    ${idOf(w)}: ${state.detail}`);
      return undefined;
    }
    const pods = await podsOf(api, live);
    const why = [state.detail, ...pods.reasons].join('; ');
    if (state.failed || pods.stuck || Date.now() >= deadline) {
      const reason = state.failed || pods.stuck ? why : `timed out after ${Math.round(opts.timeoutMs / 1000)}s: ${why}`;
      opts.log(`rollout  FAILED   ${idOf(w)}: ${reason}`);
      return reason;
    }
    await sleep(opts.pollMs);
  }
}

async function podsOf(api: KubernetesObjectApi, w: Workload): Promise<ReturnType<typeof podProblems>> {
  const labels = w.spec?.selector?.matchLabels;
  if (!labels) return { reasons: [], stuck: false };
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await api.list('v1', 'Pod', w.metadata.namespace, undefined, undefined, undefined, undefined, selector);
  return podProblems(pods.items as never[]);
}

/**
 * Deletes our objects that the environment no longer has. "Ours": our instance
 * label, and either in the release namespace (where the instance is unique) or,
 * outside it (cluster-scoped, or a discovery Role in the app's namespace, which
 * every environment shares), named after the release namespace as all of ours are.
 */
async function prune(api: KubernetesObjectApi, objects: readonly Manifest[], opts: DeployOptions, report: DeployReport): Promise<void> {
  const release = objects.find((o) => o.kind === 'Namespace')?.metadata.name ?? objects.find((o) => o.metadata.namespace)?.metadata.namespace;
  const instance = objects.find((o) => o.metadata.labels?.[INSTANCE_LABEL])?.metadata.labels?.[INSTANCE_LABEL];
  if (!instance || !release) return;
  const namespaces = [...new Set(objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])))];
  const wanted = new Set(objects.map(idOf));
  const selector = `${INSTANCE_LABEL}=${instance}`;
  const isOurs = (o: Manifest): boolean => o.metadata.namespace === release || o.metadata.name.startsWith(`${release}-`);
  for (const [apiVersion, kind] of PRUNABLE_KINDS) {
    for (const ns of CLUSTER_SCOPED.has(kind) ? [undefined] : namespaces) {
      let items: KubernetesObject[];
      try {
        items = (await api.list(apiVersion, kind, ns, undefined, undefined, undefined, undefined, selector)).items;
      } catch {
        continue; // the cluster does not serve this kind
      }
      for (const item of items) {
        const o = { ...item, apiVersion, kind } as Manifest;
        if (wanted.has(idOf(o)) || (item.metadata?.ownerReferences?.length ?? 0) > 0 || !isOurs(o)) continue;
        await api.delete(o as KubernetesObject, undefined, opts.dryRun ? 'All' : undefined, undefined, undefined, 'Background');
        report.pruned.push(idOf(o));
        opts.log(`pruned${opts.dryRun ? ' (server dry run)' : ''}  ${idOf(o)}`);
      }
    }
  }
}

export interface WorkloadStatus {
  readonly id: string;
  readonly ready: boolean;
  readonly detail: string;
}

/** Each workload of the environment (and its bootstrap Jobs) with its readiness. */
export async function status(kc: KubeConfig, manifests: EnvironmentManifests): Promise<WorkloadStatus[]> {
  const api = (await k8s()).KubernetesObjectApi.makeApiClient(kc);
  const out: WorkloadStatus[] = [];
  for (const w of manifests.objects.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
    let live: Workload;
    try {
      live = (await api.read(w)) as unknown as Workload;
    } catch (e) {
      out.push({ id: idOf(w), ready: false, detail: apiMessage(e) });
      continue;
    }
    const state = rolloutState(live);
    const pods = state.done ? { reasons: [] } : await podsOf(api, live);
    out.push({ id: idOf(w), ready: state.done, detail: [state.detail, ...pods.reasons].join('; ') });
  }
  return out;
}

/** The API server's own message for a failed request (its Status), else the error's. */
function apiMessage(e: unknown): string {
  const err = e as { code?: number; body?: unknown; message?: string };
  let body = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // not JSON: use the text
    }
  }
  const message = (body as { message?: string } | undefined)?.message ?? (typeof body === 'string' ? body : err.message) ?? String(e);
  return err.code ? `${err.code} ${message}` : message;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
