/**
 * A FAKE Kubernetes API server for the tests of `npm run deploy` and `status`:
 * a local HTTP server on 127.0.0.1 that serves only the part of the API those
 * commands use (discovery, server-side apply, get, list by label, delete) over
 * an in-memory store. It admits whatever it is sent and runs no controllers:
 * workloads get the status a test gives them (ready by default). It is not a
 * Kubernetes API server and proves nothing about one; see the README for a
 * smoke test on a real cluster (kind).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number; ownerReferences?: unknown[] };
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType?: string;
  readonly object?: StoredObject;
}

interface Resource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const RESOURCES: readonly Resource[] = [
  ['', 'v1', 'Namespace', 'namespaces', false],
  ['', 'v1', 'ConfigMap', 'configmaps', true],
  ['', 'v1', 'Secret', 'secrets', true],
  ['', 'v1', 'Service', 'services', true],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true],
  ['', 'v1', 'Pod', 'pods', true],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['apps', 'v1', 'Deployment', 'deployments', true],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true],
  ['batch', 'v1', 'Job', 'jobs', true],
  ['batch', 'v1', 'CronJob', 'cronjobs', true],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['monitoring.coreos.com', 'v1', 'ServiceMonitor', 'servicemonitors', true],
  ['monitoring.coreos.com', 'v1', 'PrometheusRule', 'prometheusrules', true],
].map(([group, version, kind, plural, namespaced]) => ({ group, version, kind, plural, namespaced }) as Resource);

const OPERATOR_GROUP = 'monitoring.coreos.com';

export class FakeKubeApiServer {
  /** Every request, in order. */
  public readonly requests: RecordedRequest[] = [];
  private readonly store = new Map<string, StoredObject>();
  private readonly statuses = new Map<string, Record<string, unknown>>();
  private readonly pods: StoredObject[] = [];
  private server?: Server;
  private url = '';

  /** @param servesOperatorApi whether discovery lists monitoring.coreos.com (the Prometheus Operator's CRDs). */
  public constructor(private readonly servesOperatorApi = true) {}

  public async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** A kubeconfig file pointing at this server, written into `dir`. */
  public kubeconfig(dir: string): string {
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'fake', user: { token: 'not-a-secret' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
        'current-context': 'fake',
      }),
    );
    return file;
  }

  /** Puts an object in the store, as if someone else had created it. */
  public seed(o: StoredObject): void {
    this.store.set(this.key(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name), o);
  }

  public get(apiVersion: string, kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.store.get(this.key(apiVersion, kind, namespace, name));
  }

  public objects(): StoredObject[] {
    return [...this.store.values()];
  }

  /** The status a workload gets from now on (instead of ready), e.g. a stalled Deployment. */
  public setStatus(kind: string, namespace: string, name: string, status: Record<string, unknown>): void {
    this.statuses.set(`${kind}/${namespace}/${name}`, status);
  }

  /** A pod the list of pods returns (for the reasons of a failed rollout). */
  public addPod(pod: StoredObject): void {
    this.pods.push(pod);
  }

  private key(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
    return `${apiVersion}/${kind}/${namespace ?? ''}/${name}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await new Promise<string>((r) => {
      let data = '';
      req.on('data', (d) => (data += d));
      req.on('end', () => r(data));
    });
    const object = body ? (JSON.parse(body) as StoredObject) : undefined;
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], object });
    const send = (code: number, payload: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const discovery = this.discovery(url.pathname);
    if (discovery) return send(200, discovery);
    const route = this.route(url.pathname);
    if (!route) return send(404, status(404, `the fake API server does not serve ${url.pathname}`));
    const { resource, namespace, name } = route;
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const key = name ? this.key(apiVersion, resource.kind, namespace, name) : undefined;
    switch (req.method) {
      case 'PATCH': {
        if (req.headers['content-type'] !== 'application/apply-patch+yaml' || !object || !key || !url.searchParams.get('fieldManager')) {
          return send(400, status(400, 'only server-side apply with a fieldManager is served'));
        }
        const previous = this.store.get(key);
        const generation = (previous?.metadata.generation ?? 0) + 1;
        const applied: StoredObject = { ...object, metadata: { ...object.metadata, namespace, generation } };
        applied.status = this.statusOf(applied);
        if (url.searchParams.get('dryRun') !== 'All') this.store.set(key, applied);
        return send(previous ? 200 : 201, applied);
      }
      case 'GET': {
        if (key) {
          const found = this.store.get(key);
          return found ? send(200, { ...found, status: this.statusOf(found) }) : send(404, status(404, `${resource.plural} "${name}" not found`));
        }
        const selector = parseSelector(url.searchParams.get('labelSelector'));
        const pool = resource.kind === 'Pod' ? this.pods : [...this.store.values()].filter((o) => o.kind === resource.kind);
        const items = pool.filter((o) => (!namespace || o.metadata.namespace === namespace) && matches(o, selector));
        return send(200, { apiVersion, kind: `${resource.kind}List`, metadata: {}, items });
      }
      case 'DELETE': {
        if (!key || !this.store.has(key)) return send(404, status(404, `${resource.plural} "${name}" not found`));
        if (url.searchParams.get('dryRun') !== 'All') this.store.delete(key);
        return send(200, status(200, 'deleted'));
      }
      default:
        return send(405, status(405, `${req.method} is not served`));
    }
  }

  /** Ready unless a test said otherwise: what the controllers would report once done. */
  private statusOf(o: StoredObject): Record<string, unknown> | undefined {
    const set = this.statuses.get(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    if (set) return { observedGeneration: o.metadata.generation, ...set };
    const replicas = o.spec?.replicas ?? 1;
    switch (o.kind) {
      case 'Deployment':
        return { observedGeneration: o.metadata.generation, replicas, updatedReplicas: replicas, availableReplicas: replicas, readyReplicas: replicas };
      case 'StatefulSet':
        return { observedGeneration: o.metadata.generation, replicas, readyReplicas: replicas, updatedReplicas: replicas, currentRevision: 'r1', updateRevision: 'r1' };
      case 'DaemonSet':
        return { observedGeneration: o.metadata.generation, desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 };
      case 'Job':
        return { conditions: [{ type: 'Complete', status: 'True' }] };
      default:
        return o.status;
    }
  }

  private groups(): string[] {
    return [...new Set(RESOURCES.map((r) => r.group).filter((g) => g && (g !== OPERATOR_GROUP || this.servesOperatorApi)))];
  }

  private discovery(path: string): unknown {
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'] };
    if (path === '/apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: this.groups().map((name) => ({ name, versions: [{ groupVersion: `${name}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' } })),
      };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/(v1))$/.exec(path);
    if (!m) return undefined;
    const group = m[2] ?? '';
    if (group && !this.groups().includes(group)) return undefined;
    return {
      kind: 'APIResourceList',
      groupVersion: group ? `${group}/v1` : 'v1',
      resources: RESOURCES.filter((r) => r.group === group).map((r) => ({ name: r.plural, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'list', 'patch', 'delete'] })),
    };
  }

  private route(path: string): { resource: Resource; namespace?: string; name?: string } | undefined {
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (!m) return undefined;
    const [, group = '', namespace, plural, name] = m;
    // `/api/v1/namespaces/x` matches as plural `namespaces`, name `x`: the Namespace x.
    const resource = RESOURCES.find((r) => r.group === group && r.plural === plural && (group !== OPERATOR_GROUP || this.servesOperatorApi));
    return resource ? { resource, namespace, name } : undefined;
  }
}

function status(code: number, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', status: code < 300 ? 'Success' : 'Failure', message, code };
}

function parseSelector(s: string | null): [string, string][] {
  return (s ?? '')
    .split(',')
    .filter(Boolean)
    .map((term) => term.split('=') as [string, string]);
}

function matches(o: StoredObject, selector: readonly [string, string][]): boolean {
  return selector.every(([k, v]) => o.metadata.labels?.[k] === v);
}
