/**
 * NetworkPolicies from the component graph: one default deny per namespace
 * of ours, and per component one policy (in its namespace) selecting its pods, isolating them
 * both ways, with an ingress rule per peer (and ports) of the edges that end at
 * it and an egress rule per peer of the edges that start at it. Rules keep the
 * order of the edges; their reasons are listed in an annotation, so
 * `kubectl get networkpolicy grafana -o yaml` says why each rule exists.
 *
 * Plain data (as the API serves it), so the evaluator (evaluate.ts) and the
 * tests read exactly what is rendered.
 */
import { ComponentGraph } from './components';
import { ComponentPeer, describePeer, describePorts, Edge, Peer, peerKey, PortSpec, Protocol, sortLabels } from './graph';

/** Annotation listing the reason of every rule. */
export const WHY_ANNOTATION = 'network.pynomaly.io/why';
/** Name of the namespace-wide default deny. */
export const DEFAULT_DENY = 'default-deny';
/** The label every namespace carries with its own name (Kubernetes sets it). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
}

export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface PolicyPort {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: Protocol | 'SCTP';
}

export interface IngressRule {
  readonly from?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

export interface EgressRule {
  readonly to?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

export interface NetworkPolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly ('Ingress' | 'Egress')[];
  readonly ingress?: readonly IngressRule[];
  readonly egress?: readonly EgressRule[];
}

/** A NetworkPolicy as the API holds it (the fields we and the evaluator use). */
export interface NetworkPolicy {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: NetworkPolicySpec;
}

/**
 * The policies of every namespace our components live in: a default deny per
 * namespace (the main one always), then one policy per component. Policies in
 * the main namespace carry no namespace (the file's, as before); the others
 * name theirs.
 */
export function networkPolicies(graph: ComponentGraph, opts: { defaultDeny: boolean }): NetworkPolicy[] {
  const out: NetworkPolicy[] = [];
  const namespaces = [...new Set([graph.namespace, ...graph.components.map((c) => c.namespace)])];
  if (opts.defaultDeny) {
    for (const ns of namespaces) out.push({ metadata: { name: DEFAULT_DENY, ...inNamespace(ns, graph) }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  }
  for (const c of graph.components) out.push(componentPolicy(graph, c));
  return out;
}

/** `{ namespace }` outside the main namespace, nothing in it. */
function inNamespace(ns: string, graph: ComponentGraph): { namespace?: string } {
  return ns === graph.namespace ? {} : { namespace: ns };
}

interface Rule {
  readonly peer: Peer;
  readonly ports: readonly PortSpec[];
  readonly reasons: string[];
}

function componentPolicy(graph: ComponentGraph, c: ComponentPeer): NetworkPolicy {
  const isSelf = (p: Peer) => p.kind === 'component' && p.name === c.name;
  const ingress = rules(graph.edges.filter((e) => isSelf(e.to)), (e) => e.from);
  const egress = rules(graph.edges.filter((e) => isSelf(e.from)), (e) => e.to);
  const why = [
    ...ingress.map((r, i) => `ingress[${i}] from ${describePeer(r.peer)}, ${describePorts(r.ports)}: ${r.reasons.join('; ')}`),
    ...egress.map((r, i) => `egress[${i}] to ${describePeer(r.peer)}, ${describePorts(r.ports)}: ${r.reasons.join('; ')}`),
  ];
  return {
    metadata: { name: c.name, ...inNamespace(c.namespace, graph), annotations: { [WHY_ANNOTATION]: why.join('\n') } },
    spec: {
      podSelector: { matchLabels: sortLabels(c.selector) },
      // Both types always: a component with no rule of one kind is denied that direction.
      policyTypes: ['Ingress', 'Egress'],
      ingress: ingress.map((r) => ({ from: policyPeers(r.peer, c.namespace), ports: policyPorts(r.ports) })),
      egress: egress.map((r) => ({ to: policyPeers(r.peer, c.namespace), ports: policyPorts(r.ports) })),
    },
  };
}

/** One rule per (peer, ports), in the order of the first edge; the reasons of equal rules are merged. */
function rules(edges: readonly Edge[], other: (e: Edge) => Peer): Rule[] {
  const byKey = new Map<string, Rule>();
  for (const e of edges) {
    const key = `${peerKey(other(e))}|${JSON.stringify(e.ports)}`;
    const rule = byKey.get(key) ?? { peer: other(e), ports: e.ports, reasons: [] };
    if (!rule.reasons.includes(e.why)) rule.reasons.push(e.why);
    byKey.set(key, rule);
  }
  return [...byKey.values()];
}

/** A peer as NetworkPolicy peers (several when it spans namespaces or address ranges), relative to the policy's namespace. */
export function policyPeers(p: Peer, namespace: string): PolicyPeer[] {
  switch (p.kind) {
    case 'component':
      if (p.namespace !== namespace) return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: p.namespace } }, podSelector: { matchLabels: sortLabels(p.selector) } }];
      return [{ podSelector: { matchLabels: sortLabels(p.selector) } }];
    case 'pods':
      return p.namespaces.map((ns) => {
        const pods = Object.keys(p.selector).length ? { podSelector: { matchLabels: sortLabels(p.selector) } } : undefined;
        // A peer without namespaceSelector is in the policy's own namespace; podSelector {} is all of its pods.
        if (ns === namespace) return pods ?? { podSelector: {} };
        return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } }, ...pods };
      });
    case 'addresses':
      return p.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
  }
}

function policyPorts(ports: readonly PortSpec[]): PolicyPort[] {
  return ports.map((p) => ({ port: p.port, protocol: p.protocol }));
}
