/**
 * Least-privilege RBAC for Prometheus, derived from what the rendered config
 * actually discovers and scrapes (so it cannot fall behind the targets):
 * - per namespace Prometheus discovers in, a Role (read-only: get/list/watch)
 *   on exactly the kinds its service-discovery roles watch, bound to its
 *   ServiceAccount: it can never list pods or Services cluster-wide;
 * - a ClusterRole only for what is cluster-scoped: `nodes` for the node role
 *   and `nodes/metrics` (get) for scraping the kubelet and cAdvisor directly.
 * Nothing else: no nodes/proxy (the API server proxy), no secrets, no wildcard.
 */
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { PROMETHEUS } from './constants';
import { PrometheusConfig } from './config';
import { isNamespacedRole, SdRole } from './kubernetes-sd';
import { ScrapeTarget } from './targets';

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly nonResourceUrLs?: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'] as const;

/** What each service-discovery role watches (Prometheus' discovery/kubernetes package). */
const WATCHED: Record<SdRole, readonly { group: string; resource: string }[]> = {
  // endpointslice and endpoints also watch the Services and pods behind them for their meta labels.
  endpointslice: [
    { group: 'discovery.k8s.io', resource: 'endpointslices' },
    { group: '', resource: 'services' },
    { group: '', resource: 'pods' },
  ],
  endpoints: [
    { group: '', resource: 'endpoints' },
    { group: '', resource: 'services' },
    { group: '', resource: 'pods' },
  ],
  service: [{ group: '', resource: 'services' }],
  pod: [{ group: '', resource: 'pods' }],
  ingress: [{ group: 'networking.k8s.io', resource: 'ingresses' }],
  node: [{ group: '', resource: 'nodes' }],
};

export interface DiscoveryAccess {
  /** Namespace -> rules of its Role. */
  readonly namespaced: ReadonlyMap<string, readonly PolicyRule[]>;
  /** Rules of the ClusterRole (empty: no ClusterRole at all). */
  readonly cluster: readonly PolicyRule[];
}

/** The access the config needs, namespace by namespace and cluster-wide. */
export function discoveryAccess(config: PrometheusConfig, targets: readonly ScrapeTarget[]): DiscoveryAccess {
  const byNamespace = new Map<string, { group: string; resource: string }[]>();
  const cluster: { group: string; resource: string }[] = [];
  for (const sc of config.scrape_configs) {
    for (const sd of sc.kubernetes_sd_configs ?? []) {
      if (!isNamespacedRole(sd.role)) {
        cluster.push(...WATCHED[sd.role]);
        continue;
      }
      for (const ns of sd.namespaces?.names ?? []) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), ...WATCHED[sd.role]]);
    }
  }
  const clusterRules = groupRules(cluster, READ);
  // The kubelet authorizes /metrics and /metrics/cadvisor as `get nodes/metrics`.
  if (targets.some((t) => t.kind === 'kubelet')) clusterRules.push({ apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] });
  const namespaced = new Map([...byNamespace.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ns, res]) => [ns, groupRules(res, READ)] as const));
  return { namespaced, cluster: clusterRules };
}

/** One rule per API group, resources sorted and deduplicated. */
function groupRules(items: readonly { group: string; resource: string }[], verbs: readonly string[]): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const { group, resource } of items) byGroup.set(group, (byGroup.get(group) ?? new Set()).add(resource));
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: [...verbs] }));
}

/** Name of the Role (and its binding) in `namespace`: plain at home, prefixed elsewhere (shared namespaces). */
export function discoveryRoleName(stackNamespace: string, namespace: string): string {
  return namespace === stackNamespace ? PROMETHEUS.name : `${stackNamespace}-${PROMETHEUS.name}`;
}

/** Renders the Roles, RoleBindings, ClusterRole and ClusterRoleBinding. */
export function renderRbac(chart: Construct, stackNamespace: string, access: DiscoveryAccess): void {
  const subject = { kind: 'ServiceAccount', name: PROMETHEUS.name, namespace: stackNamespace };
  for (const [namespace, rules] of access.namespaced) {
    const name = discoveryRoleName(stackNamespace, namespace);
    new k8s.KubeRole(chart, `role-${namespace}`, { metadata: { name, namespace }, rules: rules.map(toK8s) });
    new k8s.KubeRoleBinding(chart, `role-binding-${namespace}`, {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [subject],
    });
  }
  if (access.cluster.length === 0) return;
  // Cluster-scoped names carry the namespace so two environments can share a cluster.
  const clusterName = `${stackNamespace}-${PROMETHEUS.name}`;
  new k8s.KubeClusterRole(chart, 'cluster-role', { metadata: { name: clusterName }, rules: access.cluster.map(toK8s) });
  new k8s.KubeClusterRoleBinding(chart, 'cluster-role-binding', {
    metadata: { name: clusterName },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
    subjects: [subject],
  });
}

function toK8s(r: PolicyRule): k8s.PolicyRule {
  return {
    ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
    ...(r.resources ? { resources: [...r.resources] } : {}),
    ...(r.nonResourceUrLs ? { nonResourceUrLs: [...r.nonResourceUrLs] } : {}),
    verbs: [...r.verbs],
  };
}
