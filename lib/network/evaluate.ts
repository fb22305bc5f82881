/**
 * An in-process NetworkPolicy evaluator (networking.k8s.io/v1 semantics), to
 * check what a set of policies lets through without a cluster:
 * - a pod is isolated for a direction when any policy in its namespace selects
 *   it and lists that policy type (no policyTypes: Ingress, plus Egress when
 *   the policy has egress rules); a pod that is not isolated allows everything;
 * - an isolated pod allows a connection when any rule of any policy selecting
 *   it matches: a rule matches when one of its peers matches the other end
 *   (no peers: anyone) and one of its ports matches the destination port (no
 *   ports: any port);
 * - a connection needs the egress of the source AND the ingress of the
 *   destination.
 * Choices where the API leaves it to the network plugin: an ipBlock matches
 * only address endpoints, never a pod (Cilium's behaviour, the stricter one);
 * traffic from a pod's own node (kubelet probes) is not modelled.
 */
import { isIPv4, isIPv6 } from './ip';
import { LabelSelector, NAMESPACE_NAME_LABEL, NetworkPolicy, PolicyPeer, PolicyPort } from './policies';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PodEndpoint {
  readonly kind: 'pod';
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of its namespace besides kubernetes.io/metadata.name, which every namespace has. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Its container ports, for named ports in policies. */
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: Protocol }[];
}

/** Anything addressed only by IP: a node, the API server, a host on the internet. */
export interface AddressEndpoint {
  readonly kind: 'address';
  readonly ip: string;
}

export type NetEndpoint = PodEndpoint | AddressEndpoint;

/** Per direction: the pod is not isolated, or it is and a rule allows the connection, or none does. */
export type SideVerdict = 'not-isolated' | 'allowed' | 'denied';

export interface Verdict {
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  readonly allowed: boolean;
}

/** Whether `from` may open a connection to `to` on `port`/`protocol` under `policies`. */
export function allows(policies: readonly NetworkPolicy[], from: NetEndpoint, to: NetEndpoint, port: number, protocol: Protocol = 'TCP'): boolean {
  return verdict(policies, from, to, port, protocol).allowed;
}

export function verdict(policies: readonly NetworkPolicy[], from: NetEndpoint, to: NetEndpoint, port: number, protocol: Protocol = 'TCP'): Verdict {
  const egress = from.kind === 'pod' ? side(policies, from, 'Egress', (p) => p.spec.egress?.map((r) => ({ peers: r.to, ports: r.ports })) ?? [], to, to, port, protocol) : 'not-isolated';
  const ingress = to.kind === 'pod' ? side(policies, to, 'Ingress', (p) => p.spec.ingress?.map((r) => ({ peers: r.from, ports: r.ports })) ?? [], from, to, port, protocol) : 'not-isolated';
  return { egress, ingress, allowed: egress !== 'denied' && ingress !== 'denied' };
}

interface Rule {
  readonly peers?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

function side(
  policies: readonly NetworkPolicy[],
  pod: PodEndpoint,
  type: 'Ingress' | 'Egress',
  rulesOf: (p: NetworkPolicy) => Rule[],
  other: NetEndpoint,
  destination: NetEndpoint,
  port: number,
  protocol: Protocol,
): SideVerdict {
  const selecting = policies.filter((p) => namespaceOf(p) === pod.namespace && matchesSelector(p.spec.podSelector, pod.labels) && policyTypes(p).includes(type));
  if (!selecting.length) return 'not-isolated';
  const ok = selecting.some((p) =>
    rulesOf(p).some((r) => (r.peers?.length ? r.peers.some((peer) => matchesPeer(peer, namespaceOf(p), other)) : true) && matchesPorts(r.ports, destination, port, protocol)),
  );
  return ok ? 'allowed' : 'denied';
}

function namespaceOf(p: NetworkPolicy): string {
  if (!p.metadata.namespace) throw new Error(`NetworkPolicy ${p.metadata.name} has no namespace`);
  return p.metadata.namespace;
}

/** policyTypes, or what the API server defaults it to. */
export function policyTypes(p: NetworkPolicy): readonly ('Ingress' | 'Egress')[] {
  return p.spec.policyTypes ?? (p.spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress']);
}

export function matchesSelector(s: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabels &&
    (s.matchExpressions ?? []).every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(labels[e.key]);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(labels[e.key]);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
      }
    })
  );
}

function matchesPeer(peer: PolicyPeer, policyNamespace: string, e: NetEndpoint): boolean {
  if (peer.ipBlock) {
    if (e.kind !== 'address') return false;
    return cidrContains(peer.ipBlock.cidr, e.ip) && !(peer.ipBlock.except ?? []).some((x) => cidrContains(x, e.ip));
  }
  if (e.kind !== 'pod') return false;
  const namespaceOk = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, { ...e.namespaceLabels, [NAMESPACE_NAME_LABEL]: e.namespace })
    : e.namespace === policyNamespace;
  return namespaceOk && (peer.podSelector ? matchesSelector(peer.podSelector, e.labels) : true);
}

function matchesPorts(ports: readonly PolicyPort[] | undefined, destination: NetEndpoint, port: number, protocol: Protocol): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.endPort === undefined ? p.port === port : p.port <= port && port <= p.endPort;
    // A named port is the destination pod's container port of that name (and protocol).
    if (destination.kind !== 'pod') return false;
    return (destination.ports ?? []).some((cp) => cp.name === p.port && cp.containerPort === port && (cp.protocol ?? 'TCP') === protocol);
  });
}

/** Whether `ip` is inside `cidr` (same address family only). */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, prefixText] = cidr.split('/');
  const family = isIPv4(base) ? 4 : isIPv6(base) ? 6 : 0;
  if (!family || (family === 4 ? !isIPv4(ip) : !isIPv6(ip))) return false;
  const width = family === 4 ? 32 : 128;
  const prefix = BigInt(prefixText ?? width);
  const shift = BigInt(width) - prefix;
  return addressBits(base, family) >> shift === addressBits(ip, family) >> shift;
}

function addressBits(ip: string, family: 4 | 6): bigint {
  if (family === 4) return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  const [head, tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
