/**
 * `npm run deploy` and `npm run status` (@kubernetes/client-node), run as a
 * user runs them, against a FAKE API server (test/support/fake-kube-apiserver.ts:
 * a local HTTP server serving the few API calls the commands make, with no
 * controllers). What is proved: the requests the commands send (server-side
 * apply with our field manager, in wave order, dry runs, what prune deletes)
 * and how they read and report workload status. What is not: any behaviour of
 * a real API server (see the README's kind smoke test).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { waveOf } from '../lib/gitops/waves';
import { synthInto } from './support/cli';
import { FakeKubeApiServer, StoredObject } from './support/fake-kube-apiserver';
import { ROOT } from './support/stack';
import { tempDir } from './support/values';

const tmp = tempDir('cluster-test-');
const dist = join(tmp, 'dist');
const NS = 'pynomaly-monitoring-prod';
const INSTANCE = { 'app.kubernetes.io/instance': 'pynomaly-monitoring' };

beforeAll(() => synthInto(dist));

let api: FakeKubeApiServer;
async function withServer(servesOperatorApi = true): Promise<string> {
  api = new FakeKubeApiServer(servesOperatorApi);
  await api.start();
  return api.kubeconfig(tempDir('kubeconfig-'));
}
afterEach(async () => api?.stop());

/** Runs the cluster app as `npm run deploy`/`status` do; the fake server answers in this process meanwhile. */
function cluster(kubeconfig: string, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'launch.js'), '--app', 'cluster', ...args, '--dist', dist], {
      env: { ...process.env, KUBECONFIG: kubeconfig, PYNOMALY_DEPLOY_POLL_MS: '20' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => done({ status: status ?? -1, stdout, stderr }));
  });
}

const applies = () => api.requests.filter((r) => r.method === 'PATCH');

test('deploy applies every object by server-side apply with our field manager, in wave order, and waits for the rollouts', async () => {
  const kubeconfig = await withServer();
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const sent = applies();
  expect(sent.length).toBeGreaterThan(20);
  for (const req of sent) {
    expect(req.contentType).toBe('application/apply-patch+yaml');
    expect(req.query.get('fieldManager')).toBe('pynomaly-monitoring');
    expect(req.query.get('dryRun')).toBeNull();
  }
  const waves = sent.map((req) => waveOf(req.object!));
  expect(waves).toEqual([...waves].sort((a, b) => a - b));
  expect(sent[0].object!.kind).toBe('Namespace');
  const position = (kind: string, name: string): number => sent.findIndex((q) => q.object!.kind === kind && q.object!.metadata.name === name);
  expect(position('ConfigMap', 'prometheus-config')).toBeLessThan(position('StatefulSet', 'prometheus'));
  expect(position('ServiceAccount', 'prometheus')).toBeLessThan(position('StatefulSet', 'prometheus'));
  expect(position('StatefulSet', 'prometheus')).toBeLessThan(position('ServiceMonitor', sent.find((q) => q.object!.kind === 'ServiceMonitor')!.object!.metadata.name));
  // Each workload was read back for its rollout before the next wave was applied.
  const reads = api.requests.findIndex((q) => q.method === 'GET' && q.path.endsWith('/statefulsets/prometheus'));
  expect(reads).toBeGreaterThan(api.requests.indexOf(sent[position('StatefulSet', 'prometheus')]));
  expect(reads).toBeLessThan(api.requests.indexOf(sent[sent.length - 1]));
  expect(r.stdout).toMatch(/rollout  ready    StatefulSet pynomaly-monitoring-prod\/prometheus: 2\/2 ready/);
  expect(r.stdout).toMatch(new RegExp(`^${sent.length} applied, 0 pruned, 0 failed$`, 'm'));
});

test('the Prometheus Operator objects are applied only where the cluster serves their API', async () => {
  const kubeconfig = await withServer(false);
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod');
  expect(r.status).toBe(0);
  expect(applies().some((q) => q.object!.kind === 'ServiceMonitor' || q.object!.kind === 'PrometheusRule')).toBe(false);
  expect(r.stdout).toContain('skipped  prometheus-operator/: the cluster does not serve monitoring.coreos.com');
});

test('a failed rollout stops the deploy and is reported with its reason', async () => {
  const kubeconfig = await withServer();
  api.setStatus('Deployment', NS, 'grafana', { replicas: 1, updatedReplicas: 1, availableReplicas: 0 });
  api.addPod({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'grafana-7d9f-abcde', namespace: NS, labels: { 'app.kubernetes.io/name': 'grafana', ...INSTANCE } },
    status: { containerStatuses: [{ name: 'grafana', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "docker.io/grafana/grafana:0.0.0"' } } }] },
  });
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod', '--timeout', '30s');
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^error: Deployment pynomaly-monitoring-prod\/grafana: 0\/1 available, 1 updated; pod grafana-7d9f-abcde container grafana: ImagePullBackOff: Back-off pulling image/m);
  expect(r.stdout).toMatch(/rollout  FAILED   Deployment pynomaly-monitoring-prod\/grafana/);
  // Nothing of a later wave was applied.
  expect(applies().some((q) => q.object!.kind === 'ServiceMonitor')).toBe(false);
});

test('a progress deadline exceeded is reported with the controller reason', async () => {
  const kubeconfig = await withServer();
  api.setStatus('Deployment', NS, 'grafana', {
    replicas: 1,
    conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "grafana-7d9f" has timed out progressing.' }],
  });
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('Deployment pynomaly-monitoring-prod/grafana: ProgressDeadlineExceeded: ReplicaSet "grafana-7d9f" has timed out progressing.');
});

test('--dry-run=server sends every apply with dryRun=All, persists nothing and waits for no rollout', async () => {
  const kubeconfig = await withServer();
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod', '--dry-run=server');
  expect(r.status).toBe(0);
  expect(applies().length).toBeGreaterThan(20);
  expect(applies().every((q) => q.query.get('dryRun') === 'All')).toBe(true);
  expect(api.objects()).toEqual([]);
  expect(api.requests.some((q) => q.method === 'GET' && /\/(statefulsets|deployments)\//.test(q.path))).toBe(false);
  expect(r.stdout).toMatch(/applied \(server dry run\), 0 pruned, 0 failed/);
});

test('--prune deletes only what is ours and gone, and leaves foreign objects alone', async () => {
  const kubeconfig = await withServer();
  const cm = (name: string, namespace: string, labels: Record<string, string>, extra: Partial<StoredObject['metadata']> = {}): StoredObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels, ...extra },
  });
  const clusterRole = (name: string): StoredObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: INSTANCE } });
  api.seed(cm('old-dashboard', NS, INSTANCE)); // ours, no longer produced: pruned
  api.seed(cm('users-config', NS, { team: 'sre' })); // not ours: kept
  api.seed(cm('other-release', NS, { 'app.kubernetes.io/instance': 'someone-else' })); // another release: kept
  api.seed(cm('dev-config', 'pynomaly-monitoring-dev', INSTANCE)); // ours, another environment's namespace: kept
  api.seed(cm('owned', NS, INSTANCE, { ownerReferences: [{ kind: 'Job', name: 'x' }] })); // made by a controller: kept
  api.seed({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-prometheus-0', namespace: NS, labels: INSTANCE } }); // data: kept
  api.seed(clusterRole('pynomaly-monitoring-prod-retired')); // ours (named for our namespace), gone: pruned
  api.seed(clusterRole('pynomaly-monitoring-dev-prometheus')); // the dev environment's: kept
  const appRole = (name: string): StoredObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: 'pynomaly', labels: INSTANCE } });
  api.seed(appRole('pynomaly-monitoring-dev-prometheus')); // dev's discovery Role in the app namespace every environment shares: kept
  api.seed(appRole('pynomaly-monitoring-prod-retired')); // ours there, gone: pruned
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod', '--prune');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const deleted = api.requests.filter((q) => q.method === 'DELETE').map((q) => q.path);
  expect(deleted.sort()).toEqual([
    `/api/v1/namespaces/${NS}/configmaps/old-dashboard`,
    '/apis/rbac.authorization.k8s.io/v1/clusterroles/pynomaly-monitoring-prod-retired',
    '/apis/rbac.authorization.k8s.io/v1/namespaces/pynomaly/roles/pynomaly-monitoring-prod-retired',
  ]);
  expect(api.get('v1', 'ConfigMap', NS, 'users-config')).toBeDefined();
  expect(api.get('v1', 'PersistentVolumeClaim', NS, 'data-prometheus-0')).toBeDefined();
  expect(api.get('v1', 'ConfigMap', NS, 'prometheus-config')).toBeDefined();
  expect(r.stdout).toMatch(/, 3 pruned, 0 failed$/m);
});

test('status reports each workload, and exits 1 while one is not ready', async () => {
  const kubeconfig = await withServer();
  expect((await cluster(kubeconfig, 'deploy', '--env', 'prod')).status).toBe(0);
  const ready = await cluster(kubeconfig, 'status', '--env', 'prod');
  expect(ready.status).toBe(0);
  expect(ready.stdout).toMatch(/^ready {6}StatefulSet pynomaly-monitoring-prod\/prometheus: 2\/2 ready, 2 updated$/m);
  expect(ready.stdout).toMatch(/^ready {6}Deployment pynomaly-monitoring-prod\/grafana: /m);
  api.setStatus('StatefulSet', NS, 'alertmanager', { readyReplicas: 1, updatedReplicas: 3 });
  const notReady = await cluster(kubeconfig, 'status', '--env', 'prod');
  expect(notReady.status).toBe(1);
  expect(notReady.stdout).toMatch(/^NOT READY {2}StatefulSet pynomaly-monitoring-prod\/alertmanager: 1\/3 ready, 3 updated$/m);
});

test('bad usage: exit 2 with one line and the usage', async () => {
  const kubeconfig = await withServer();
  const r = await cluster(kubeconfig, 'deploy', '--env', 'prod', '--dry-run=client');
  expect(r.status).toBe(2);
  expect(r.stderr.split('\n')[0]).toBe('error: --dry-run takes only "server" (the API server validates and admits each object, and persists nothing)');
});
