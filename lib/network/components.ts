/**
 * The components of the stack as network nodes, and the edges each one opens,
 * read from the built constructs (MonitoringComponent), which derive them from
 * what renders their configuration:
 * - Prometheus: its scrape targets, the Alertmanagers of its rendered
 *   `alerting` block, the API server for Kubernetes service discovery;
 * - Alertmanager: the peers of its gossip mesh and the integrations of its
 *   rendered receivers;
 * - Grafana: the URLs of its provisioned datasources, grafana.com for plugins;
 * - every component: cluster DNS; users and other scrapers from the values.
 *
 * A component added later implements MonitoringComponent (its Services, web
 * port, scrape targets and `networkEdges`); edges that end at one of our
 * components become that component's ingress automatically.
 */
import type { IConstruct } from 'constructs';
import type { MonitoringComponent } from '../core/component';
import type { Values } from '../values/schema';
import type { PrometheusConfig } from '../prometheus/config';
import type { ProbeTarget, ScrapeTarget, ServiceTarget } from '../prometheus/targets';
import {
  AddressPeer,
  atHost,
  ComponentPeer,
  Edge,
  formatLabels,
  Peer,
  peerKey,
  PodsPeer,
  resolveAddress,
  Resolver,
  serviceKey,
  tcp,
  udp,
} from './graph';
import { ClientPeer, INGRESS_COMPONENTS, IngressComponent } from './values';

/** What a component's edge declarations can use. */
export interface GraphContext {
  readonly values: Values;
  readonly resolver: Resolver;
  /** One of our components, if it is enabled. */
  component(name: string): ComponentPeer | undefined;
  /** The Kubernetes API server (by address: it cannot be selected by labels). */
  readonly apiServer: AddressPeer;
  /** Node addresses: kubelets and anything on the host network. */
  readonly nodes: AddressPeer;
}

/**
 * A construct without pods of its own that lets others connect: the Ingress
 * objects let the ingress controller reach their backends. Its edges join the
 * graph like a component's.
 */
export interface TrafficRouter extends IConstruct {
  routedEdges(g: GraphContext): Edge[];
}

export function isTrafficRouter(c: unknown): c is TrafficRouter {
  return typeof c === 'object' && c !== null && typeof (c as TrafficRouter).routedEdges === 'function';
}

/** Where Alertmanager sends an integration whose URL is not in its config (a Secret file or the built-in default). */
const INTEGRATION_DEFAULT_URLS: Readonly<Record<string, string>> = {
  // api_url_file: the webhook URL is in a Secret; Slack webhooks are https.
  slack_configs: 'https://hooks.slack.com',
  // Alertmanager's default Events API v2 endpoint.
  pagerduty_configs: 'https://events.pagerduty.com/v2/enqueue',
};

/** An edge to what `address` (URL or host:port) resolves to. */
export function edgeTo(g: GraphContext, self: ComponentPeer, address: string, why: (at: string) => string, protocols: readonly ('TCP' | 'UDP')[] = ['TCP']): Edge {
  const to = resolveAddress(address, g.resolver);
  return { from: self, to: to.peer, ports: protocols.map((p) => (p === 'TCP' ? tcp(to.port) : udp(to.port))), why: why(atHost(to)) };
}

// ---------------------------------------------------------------------------
// Prometheus

/** Who may pull series from Prometheus' /federate (prometheus.federation). */
export interface FederationAccess {
  readonly enabled: boolean;
  readonly allowedFrom: readonly ClientPeer[];
  /** Prometheus' web port, which serves /federate. */
  readonly port: number;
}

export function prometheusEdges(g: GraphContext, self: ComponentPeer, config: PrometheusConfig, targets: readonly ScrapeTarget[], federation?: FederationAccess): Edge[] {
  const edges = targets.flatMap((t) => scrapeEdges(g, self, t));
  for (const rw of config.remote_write ?? []) edges.push(edgeTo(g, self, rw.url, (at) => `remote_write ${rw.name}${at}`));
  if (federation?.enabled) {
    for (const client of federation.allowedFrom) {
      edges.push({ from: clientPeer(client), to: self, ports: [tcp(federation.port)], why: 'federation: GET /federate (prometheus.federation.allowedFrom)' });
    }
  }
  if (config.scrape_configs.some((sc) => (sc.kubernetes_sd_configs ?? []).length > 0)) {
    edges.push({ from: self, to: g.apiServer, ports: g.values.networkPolicies.apiServer.ports.map(tcp), why: 'Kubernetes service discovery (kubernetes_sd_configs)' });
  }
  for (const am of config.alerting?.alertmanagers ?? []) {
    for (const address of am.static_configs.flatMap((sc) => sc.targets)) {
      edges.push(edgeTo(g, self, `${am.scheme}://${address}`, () => 'send alerts (alerting.alertmanagers)'));
    }
  }
  return dedupe(edges);
}

/**
 * A scrape target's pods on its metrics port. The port is the NUMBER: the
 * target declares the Service's port name, and a NetworkPolicy's named port is
 * the destination pod's container port name, which need not be the same.
 */
function scrapeEdges(g: GraphContext, self: ComponentPeer, t: ScrapeTarget): Edge[] {
  const why = t.kind === 'probe' ? `scrape job ${t.job} (${t.path}: the prober probes ${t.targets.map((p) => p.service).join(', ')})` : `scrape job ${t.job} (${t.path})`;
  const ports = [tcp(t.port.port)];
  if (t.kind === 'kubelet') return [{ from: self, to: g.nodes, ports, why }];
  const edges: Edge[] = [{ from: self, to: targetPeer(g, t), ports, why }];
  // On the host network its address is the node's, which no pod selector matches.
  if (t.kind === 'service' && t.hostNetwork) edges.push({ from: self, to: g.nodes, ports, why: `${why}, when on the host network` });
  return edges;
}

/** Our component when the target is one of our Services, else the pods its Services select. */
export function targetPeer(g: GraphContext, t: ServiceTarget | ProbeTarget): Peer {
  const ours = t.serviceName && t.namespaces.length === 1 ? g.resolver.services.get(serviceKey(t.serviceName, t.namespaces[0])) : undefined;
  if (ours) return ours;
  // The pods are assumed to carry their Service's labels (the convention of every chart we scrape).
  const peer: PodsPeer = { kind: 'pods', namespaces: t.namespaces, selector: t.selector, what: `${t.job} pods (${formatLabels(t.selector)}) in ${t.namespaces.join(', ')}` };
  return peer;
}

// ---------------------------------------------------------------------------
// Alertmanager

/**
 * `urlFilePorts`: the port of each URL read from a Secret file (`url_file`, by
 * its path); such a URL is unknown here, so its host counts as outside the cluster.
 */
export function alertmanagerEdges(
  g: GraphContext,
  self: ComponentPeer,
  meshPeers: readonly string[],
  config: Record<string, unknown>,
  urlFilePorts: ReadonlyMap<string, number> = new Map(),
): Edge[] {
  // memberlist gossips over both TCP and UDP on the cluster port.
  const edges = meshPeers.map((peer) => edgeTo(g, self, peer, () => 'gossip mesh between replicas (--cluster.peer)', ['TCP', 'UDP']));
  return dedupe([...edges, ...receiverEdges(g, self, config, urlFilePorts)]);
}

/** The host an edge names for a URL kept in a Secret (never resolved: `.invalid` is reserved). */
export const SECRET_URL_HOST = 'url-in-secret.invalid';

/** One edge per destination, naming the integrations and receivers that use it. */
function receiverEdges(g: GraphContext, self: ComponentPeer, config: Record<string, unknown>, urlFilePorts: ReadonlyMap<string, number>): Edge[] {
  const receivers = config.receivers as Record<string, unknown>[];
  const byDestination = new Map<string, { to: Peer; port: number; uses: Map<string, string[]> }>();
  for (const receiver of receivers) {
    for (const [key, integrations] of Object.entries(receiver)) {
      if (key === 'name') continue;
      for (const integration of integrations as Record<string, unknown>[]) {
        const to = resolveAddress(integrationAddress(String(receiver.name), key, integration, urlFilePorts), g.resolver);
        const id = `${peerKey(to.peer)}|${to.port}`;
        const entry = byDestination.get(id) ?? { to: to.peer, port: to.port, uses: new Map<string, string[]>() };
        const kind = `${key.replace(/_configs$/, '')}${atHost(to)}`;
        entry.uses.set(kind, [...new Set([...(entry.uses.get(kind) ?? []), String(receiver.name)])]);
        byDestination.set(id, entry);
      }
    }
  }
  return [...byDestination.values()].map(({ to, port, uses }) => ({
    from: self,
    to,
    ports: [tcp(port)],
    why: `notifications: ${[...uses.entries()].map(([kind, names]) => `${kind} (receiver ${names.join(', ')})`).join('; ')}`,
  }));
}

/** The address an integration connects to, from its rendered config. */
function integrationAddress(receiver: string, key: string, integration: Record<string, unknown>, urlFilePorts: ReadonlyMap<string, number>): string {
  if (key === 'email_configs') return String(integration.smarthost);
  if (typeof integration.url_file === 'string') {
    const port = urlFilePorts.get(integration.url_file);
    if (port === undefined) throw new Error(`alertmanager receiver ${receiver}: no port is declared for the URL in ${integration.url_file}`);
    return `https://${SECRET_URL_HOST}:${port}`;
  }
  const url = (integration.url ?? integration.api_url ?? INTEGRATION_DEFAULT_URLS[key]) as string | undefined;
  // A new integration type must say where it connects, or its notifications would be silently blocked.
  if (!url) throw new Error(`alertmanager receiver ${receiver}: no network destination is declared for ${key} (lib/network/components.ts)`);
  return url;
}

// ---------------------------------------------------------------------------
// Grafana

/** `database`: host:port of Grafana's external database (grafana.database), if any. */
export function grafanaEdges(g: GraphContext, self: ComponentPeer, datasources: readonly { name: string; url: string }[], preinstallPlugins: boolean, database?: string): Edge[] {
  const edges: Edge[] = datasources.map((ds) => edgeTo(g, self, ds.url, (at) => `datasource ${ds.name}${at}`));
  if (database) edges.push(edgeTo(g, self, database, (at) => `its database${at} (grafana.database)`));
  if (preinstallPlugins) edges.push(edgeTo(g, self, 'https://grafana.com', () => 'download plugins from grafana.com (grafana.preinstallPlugins)'));
  return dedupe(edges);
}

// ---------------------------------------------------------------------------
// The graph

export interface ComponentGraph {
  /** The main namespace. */
  readonly namespace: string;
  /** Our enabled components, in registry order. */
  readonly components: readonly ComponentPeer[];
  readonly edges: readonly Edge[];
}

/** The graph of one environment: every edge of every built component and router, plus DNS, users and other scrapers. */
export function componentGraph(values: Values, built: readonly MonitoringComponent[], routers: readonly TrafficRouter[] = []): ComponentGraph {
  const nv = values.networkPolicies;
  const peers = new Map(built.map((c) => [c.appName, { kind: 'component', name: c.appName, namespace: c.namespace, selector: c.podSelector } as ComponentPeer]));
  const services = new Map(built.flatMap((c) => c.services.map((s) => [serviceKey(s.service, s.namespace), peers.get(c.appName)!] as const)));
  const g: GraphContext = {
    values,
    resolver: { namespace: values.namespace, services, externalCidrs: nv.externalCidrs },
    component: (name) => peers.get(name),
    apiServer: { kind: 'addresses', cidrs: nv.apiServer.cidrs, what: 'Kubernetes API server' },
    nodes: { kind: 'addresses', cidrs: nv.nodeCidrs, what: 'nodes' },
  };
  const dns: PodsPeer = { kind: 'pods', namespaces: [nv.dns.namespace], selector: nv.dns.selector, what: `cluster DNS (${formatLabels(nv.dns.selector)} in ${nv.dns.namespace})` };
  const edges: Edge[] = [];
  for (const c of built) {
    const self = peers.get(c.appName)!;
    edges.push({ from: self, to: dns, ports: [udp(nv.dns.port), tcp(nv.dns.port)], why: 'DNS lookups' });
    edges.push(...c.networkEdges(g, self));
    if (c.webPort && isIngressComponent(c.appName)) {
      for (const client of nv.ingressFrom[c.appName]) {
        edges.push({ from: clientPeer(client), to: self, ports: [tcp(c.webPort.port)], why: `users (networkPolicies.ingressFrom.${c.appName})` });
      }
    }
  }
  for (const r of routers) edges.push(...r.routedEdges(g));
  edges.push(...scraperEdges(g, built, nv.metricsScrapers));
  for (const e of edges) checkEdge(e, peers);
  return { namespace: values.namespace, components: [...peers.values()], edges };
}

/** Other Prometheus servers on the metrics port of each of our components' scrape targets. */
function scraperEdges(g: GraphContext, built: readonly MonitoringComponent[], scrapers: readonly ClientPeer[]): Edge[] {
  if (!scrapers.length) return [];
  const scraped = (key: string) => (g.values.prometheus.targets as Readonly<Record<string, { enabled: boolean } | undefined>>)[key]?.enabled !== false;
  const targets = built.flatMap((c) => c.scrapeTargets.filter((t) => scraped(t.key)).map((t) => ({ peer: g.component(c.appName)!, t })));
  return targets.flatMap(({ peer, t }) =>
    scrapers.map((s) => ({ from: clientPeer(s), to: peer, ports: [tcp(t.port.port)], why: `scrape job ${t.job} from another Prometheus (networkPolicies.metricsScrapers)` })),
  );
}

function isIngressComponent(name: string): name is IngressComponent {
  return (INGRESS_COMPONENTS as readonly string[]).includes(name);
}

function clientPeer(c: ClientPeer): Peer {
  if (c.cidr) return { kind: 'addresses', cidrs: [c.cidr], what: 'clients' };
  const selector = c.podSelector ?? {};
  return { kind: 'pods', namespaces: [c.namespace!], selector, what: `${formatLabels(selector)} in ${c.namespace}` };
}

/** Every edge touches one of our enabled components: only their policies are ours to write. */
function checkEdge(e: Edge, ours: ReadonlyMap<string, ComponentPeer>): void {
  const isOurs = (p: Peer) => p.kind === 'component' && ours.has(p.name);
  if (!isOurs(e.from) && !isOurs(e.to)) throw new Error(`network edge "${e.why}" touches none of the enabled components`);
  for (const p of [e.from, e.to]) if (p.kind === 'component' && !ours.has(p.name)) throw new Error(`network edge "${e.why}" uses ${p.name}, which is not enabled`);
  if (!e.ports.length || !e.why) throw new Error(`network edge from ${peerKey(e.from)} to ${peerKey(e.to)} needs ports and a reason`);
}

/** Drops repeated edges (same peers, ports and reason), keeping the first. */
function dedupe(edges: readonly Edge[]): Edge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = JSON.stringify([peerKey(e.from), peerKey(e.to), e.ports, e.why]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
