/**
 * The component graph: who talks to whom, on which ports, and why. Every
 * NetworkPolicy of the stack is rendered from these edges (policies.ts), and
 * the edges are derived from the same declarations that render the configs
 * (components.ts), so a new scrape target, datasource or receiver opens exactly
 * the traffic it needs, and a component switched off closes it.
 *
 * A peer is one of:
 * - a component of this stack: its pods, by selector labels, in its namespace
 *   (the main one or the host agents');
 * - pods in named namespaces, by labels (an empty selector: every pod there);
 * - addresses: what labels cannot select (the API server, kubelets, the internet).
 * Cluster DNS is a `pods` peer (kube-system, k8s-app=kube-dns).
 */
import { isIPv4, isIPv6 } from './ip';
import type { Labels } from '../core/labels';

export type Protocol = 'TCP' | 'UDP';

/** A destination port: a number, or the name of the destination pod's container port. */
export interface PortSpec {
  readonly port: number | string;
  readonly protocol: Protocol;
}

export const tcp = (port: number | string): PortSpec => ({ port, protocol: 'TCP' });
export const udp = (port: number | string): PortSpec => ({ port, protocol: 'UDP' });

/** A component of this stack (policy name = its app.kubernetes.io/name). */
export interface ComponentPeer {
  readonly kind: 'component';
  readonly name: string;
  /** The namespace it lives in (the main one, or the host agents'). */
  readonly namespace: string;
  readonly selector: Readonly<Labels>;
}

/** Pods in named namespaces, selected by labels; `{}` selects every pod there. */
export interface PodsPeer {
  readonly kind: 'pods';
  readonly namespaces: readonly string[];
  readonly selector: Readonly<Labels>;
  /** What they are, for people (the edges table, the policy annotation). */
  readonly what: string;
}

/** Endpoints by address range. */
export interface AddressPeer {
  readonly kind: 'addresses';
  readonly cidrs: readonly string[];
  readonly what: string;
}

export type Peer = ComponentPeer | PodsPeer | AddressPeer;

/** One allowed connection: opened by `from`, accepted by `to`, on `ports`. */
export interface Edge {
  readonly from: Peer;
  readonly to: Peer;
  readonly ports: readonly PortSpec[];
  /** Why the traffic exists: a short reason naming the declaration it comes from. */
  readonly why: string;
}

export function describePeer(p: Peer): string {
  switch (p.kind) {
    case 'component':
      return p.name;
    case 'pods':
      return p.what;
    case 'addresses':
      return `${p.what} (${p.cidrs.join(', ')})`;
  }
}

/** `9094/TCP+UDP, 9093/TCP`: ports in order, protocols of one port joined. */
export function describePorts(ports: readonly PortSpec[]): string {
  const byPort = new Map<string, Protocol[]>();
  for (const p of ports) byPort.set(String(p.port), [...(byPort.get(String(p.port)) ?? []), p.protocol]);
  return [...byPort.entries()].map(([port, protocols]) => `${port}/${protocols.join('+')}`).join(', ');
}

export function formatLabels(labels: Readonly<Labels>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.join(',') : 'any pod';
}

/** Key of a Service in Resolver.services. */
export function serviceKey(name: string, namespace: string): string {
  return `${name}.${namespace}`;
}

/** A stable key of a peer: equal peers render the same policy peer. */
export function peerKey(p: Peer): string {
  switch (p.kind) {
    case 'component':
      return `component:${p.name}`;
    case 'pods':
      return `pods:${[...p.namespaces].sort().join(',')}:${JSON.stringify(sortLabels(p.selector))}`;
    case 'addresses':
      return `addresses:${[...p.cidrs].join(',')}`;
  }
}

export function sortLabels(labels: Readonly<Labels>): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------
// Resolving an address (URL, host:port) to a peer

/** What resolving needs to know: our namespace, the Services of our enabled components, external addresses. */
export interface Resolver {
  /** The main namespace: where a host name without a namespace points. */
  readonly namespace: string;
  /** `serviceKey(name, namespace)` -> the component behind it; the Service ports equal the container ports. */
  readonly services: ReadonlyMap<string, ComponentPeer>;
  readonly externalCidrs: readonly string[];
}

export interface Endpoint {
  readonly peer: Peer;
  readonly port: number;
  /** The host name or address it was resolved from, for reasons (`datasource X at host`). */
  readonly host: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The peer and port a URL (or `host:port`) reaches:
 * - `<service>[.<namespace>.svc[.<cluster domain>]]` or `<pod>.<service>.<namespace>.svc...`
 *   is in-cluster: one of our components if the Service is theirs, else the pods of that namespace
 *   (the Service's pod labels are unknown; its port is assumed to equal the pod's, as for ours);
 * - an IP literal is that address;
 * - any other host name is outside the cluster (externalCidrs). `<service>.<namespace>` without
 *   `.svc` is treated as external: it cannot be told from a public domain.
 */
export function resolveAddress(address: string, r: Resolver): Endpoint {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  if (!port) throw new Error(`${address}: no port, and none is implied by its scheme`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIPv4(host) || isIPv6(host)) {
    return { peer: { kind: 'addresses', cidrs: [isIPv4(host) ? `${host}/32` : `${host}/128`], what: `address ${host}` }, port, host };
  }
  const service = clusterService(host, r.namespace);
  // One peer for every external host: they share the same address ranges, hence the same rule.
  if (!service) return { peer: { kind: 'addresses', cidrs: r.externalCidrs, what: 'outside the cluster' }, port, host };
  const component = r.services.get(serviceKey(service.name, service.namespace));
  if (component) return { peer: component, port, host };
  const peer: PodsPeer = { kind: 'pods', namespaces: [service.namespace], selector: {}, what: `pods behind Service ${service.name}.${service.namespace}` };
  return { peer, port, host };
}

/** ` at <host>` for an endpoint outside the cluster (whose peer does not say which host), else nothing. */
export function atHost(e: Endpoint): string {
  return e.peer.kind === 'addresses' ? ` at ${e.host}` : '';
}

/** The Service (and its namespace) an in-cluster host name belongs to, or undefined for an external host. */
export function clusterService(host: string, ownNamespace: string): { name: string; namespace: string } | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return { name, namespace: ownNamespace };
  const labels = name.split('.');
  const svc = labels.indexOf('svc');
  // <service>.<namespace>.svc, optionally with a pod host name in front and the cluster domain behind.
  if (svc < 2) return undefined;
  return { name: labels[svc - 2], namespace: labels[svc - 1] };
}
