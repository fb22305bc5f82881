/**
 * The components of the stack as network nodes, and the edges each one opens,
 * derived from the declarations that render its configuration:
 * - Prometheus: its scrape targets (`scrapeTargets`), the Alertmanagers of its
 *   rendered `alerting` block, the API server for Kubernetes service discovery;
 * - Alertmanager: the peers of its gossip mesh (`clusterArgs`) and the
 *   integrations of its rendered receivers;
 * - Grafana: the URLs of its provisioned datasources, grafana.com for plugins;
 * - every component: cluster DNS; users and other scrapers from the values.
 *
 * A component added later declares one entry in COMPONENTS: its name, the
 * Services in front of it, its web port and the edges it opens. Edges that end
 * at one of our components become that component's ingress automatically.
 */
import { clusterArgs } from '../alertmanager';
import { alertmanagerConfig } from '../alertmanager/config';
import { ALERTMANAGER } from '../alertmanager/constants';
import { JOBS, JobName } from '../catalog/jobs';
import { selectorLabels } from '../core/labels';
import { ContainerPort } from '../core/workload';
import { GRAFANA } from '../grafana/constants';
import { datasourcesProvisioning } from '../grafana/datasources';
import { prometheusConfig } from '../prometheus/config';
import { PROMETHEUS } from '../prometheus/constants';
import { ScrapeTarget, ServiceTarget, scrapeTargets } from '../prometheus/targets';
import type { Values } from '../values/schema';
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

export interface NetworkComponent {
  /** app.kubernetes.io/name of its pods; also the name of its NetworkPolicy. */
  readonly name: string;
  readonly enabled: (v: Values) => boolean;
  /** Services in front of its pods (in our namespace); each exposes the container ports unchanged. */
  readonly services: readonly string[];
  /** The port users reach (networkPolicies.ingressFrom.<name>). */
  readonly webPort: ContainerPort;
  /** The connections it opens (its egress; the ingress of the other end when that is ours). */
  readonly edges: (g: GraphContext, self: ComponentPeer) => Edge[];
}

/**
 * Exporters usually deployed on the host network (a DaemonSet with hostNetwork:
 * true, as the prometheus-node-exporter chart does): their address is the
 * node's, which no pod selector matches, so their scrape also goes to nodeCidrs.
 */
const HOST_NETWORK_JOBS: readonly JobName[] = [JOBS.nodeExporter];

/** Where Alertmanager sends an integration whose URL is not in its config (a Secret file or the built-in default). */
const INTEGRATION_DEFAULT_URLS: Readonly<Record<string, string>> = {
  // api_url_file: the webhook URL is in a Secret; Slack webhooks are https.
  slack_configs: 'https://hooks.slack.com',
  // Alertmanager's default Events API v2 endpoint.
  pagerduty_configs: 'https://events.pagerduty.com/v2/enqueue',
};

// ---------------------------------------------------------------------------
// Prometheus

function prometheusEdges(g: GraphContext, self: ComponentPeer): Edge[] {
  const targets = scrapeTargets(g.values);
  const config = prometheusConfig(g.values, targets);
  const edges = targets.flatMap((t) => scrapeEdges(g, self, t));
  if (config.scrape_configs.some((sc) => sc.kubernetes_sd_configs.length > 0)) {
    edges.push({ from: self, to: g.apiServer, ports: g.values.networkPolicies.apiServer.ports.map(tcp), why: 'Kubernetes service discovery (kubernetes_sd_configs)' });
  }
  for (const am of config.alerting?.alertmanagers ?? []) {
    for (const address of am.static_configs.flatMap((sc) => sc.targets)) {
      const to = resolveAddress(`${am.scheme}://${address}`, g.resolver);
      edges.push({ from: self, to: to.peer, ports: [tcp(to.port)], why: 'send alerts (alerting.alertmanagers)' });
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
  const why = `scrape job ${t.job} (${t.path})`;
  const ports = [tcp(t.port.port)];
  if (t.kind === 'kubelet') return [{ from: self, to: g.nodes, ports, why }];
  const edges: Edge[] = [{ from: self, to: targetPeer(g, t), ports, why }];
  if (HOST_NETWORK_JOBS.includes(t.job)) edges.push({ from: self, to: g.nodes, ports, why: `${why}, when on the host network` });
  return edges;
}

/** Our component when the target is one of our Services, else the pods its Services select. */
export function targetPeer(g: GraphContext, t: ServiceTarget): Peer {
  const ours = t.serviceName && t.namespaces.length === 1 && t.namespaces[0] === g.resolver.namespace ? g.resolver.services.get(t.serviceName) : undefined;
  if (ours) return ours;
  // The pods are assumed to carry their Service's labels (the convention of every chart we scrape).
  const peer: PodsPeer = { kind: 'pods', namespaces: t.namespaces, selector: t.selector, what: `${t.job} pods (${formatLabels(t.selector)}) in ${t.namespaces.join(', ')}` };
  return peer;
}

// ---------------------------------------------------------------------------
// Alertmanager

function alertmanagerEdges(g: GraphContext, self: ComponentPeer): Edge[] {
  const v = g.values;
  const edges: Edge[] = [];
  for (const arg of clusterArgs(v.namespace, v.alertmanager.replicas)) {
    const peer = /^--cluster\.peer=(.+)$/.exec(arg)?.[1];
    if (!peer) continue;
    const to = resolveAddress(peer, g.resolver);
    // memberlist gossips over both TCP and UDP on the cluster port.
    edges.push({ from: self, to: to.peer, ports: [tcp(to.port), udp(to.port)], why: 'gossip mesh between replicas (--cluster.peer)' });
  }
  return dedupe([...edges, ...receiverEdges(g, self)]);
}

/** One edge per destination, naming the integrations and receivers that use it. */
function receiverEdges(g: GraphContext, self: ComponentPeer): Edge[] {
  const receivers = alertmanagerConfig(g.values.alertmanager).config.receivers as Record<string, unknown>[];
  const byDestination = new Map<string, { to: Peer; port: number; uses: Map<string, string[]> }>();
  for (const receiver of receivers) {
    for (const [key, integrations] of Object.entries(receiver)) {
      if (key === 'name') continue;
      for (const integration of integrations as Record<string, unknown>[]) {
        const to = resolveAddress(integrationAddress(String(receiver.name), key, integration), g.resolver);
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
function integrationAddress(receiver: string, key: string, integration: Record<string, unknown>): string {
  if (key === 'email_configs') return String(integration.smarthost);
  const url = (integration.url ?? integration.api_url ?? INTEGRATION_DEFAULT_URLS[key]) as string | undefined;
  // A new integration type must say where it connects, or its notifications would be silently blocked.
  if (!url) throw new Error(`alertmanager receiver ${receiver}: no network destination is declared for ${key} (lib/network/components.ts)`);
  return url;
}

// ---------------------------------------------------------------------------
// Grafana

function grafanaEdges(g: GraphContext, self: ComponentPeer): Edge[] {
  const datasources = datasourcesProvisioning(g.values).datasources as { name: string; url: string }[];
  const edges: Edge[] = datasources.map((ds) => {
    const to = resolveAddress(ds.url, g.resolver);
    return { from: self, to: to.peer, ports: [tcp(to.port)], why: `datasource ${ds.name}${atHost(to)}` };
  });
  if (g.values.grafana.preinstallPlugins) {
    const to = resolveAddress('https://grafana.com', g.resolver);
    edges.push({ from: self, to: to.peer, ports: [tcp(to.port)], why: 'download plugins from grafana.com (grafana.preinstallPlugins)' });
  }
  return dedupe(edges);
}

// ---------------------------------------------------------------------------
// The registry, in the order of the policies

export const COMPONENTS: readonly NetworkComponent[] = [
  {
    name: PROMETHEUS.name,
    enabled: (v) => v.prometheus.enabled,
    services: [PROMETHEUS.name],
    webPort: PROMETHEUS.port,
    edges: prometheusEdges,
  },
  {
    name: ALERTMANAGER.name,
    enabled: (v) => v.alertmanager.enabled,
    services: [ALERTMANAGER.name, ALERTMANAGER.headlessService],
    webPort: ALERTMANAGER.port,
    edges: alertmanagerEdges,
  },
  {
    name: GRAFANA.name,
    enabled: (v) => v.grafana.enabled,
    services: [GRAFANA.name],
    webPort: GRAFANA.port,
    edges: grafanaEdges,
  },
];

export interface ComponentGraph {
  readonly namespace: string;
  /** Our enabled components, in registry order. */
  readonly components: readonly ComponentPeer[];
  readonly edges: readonly Edge[];
}

/** The graph of one environment: every edge of every enabled component, plus DNS, users and other scrapers. */
export function componentGraph(values: Values): ComponentGraph {
  const nv = values.networkPolicies;
  const enabled = COMPONENTS.filter((c) => c.enabled(values));
  const peers = new Map(enabled.map((c) => [c.name, { kind: 'component', name: c.name, selector: selectorLabels({ name: c.name, instance: values.instance }) } as ComponentPeer]));
  const services = new Map(enabled.flatMap((c) => c.services.map((s) => [s, peers.get(c.name)!] as const)));
  const g: GraphContext = {
    values,
    resolver: { namespace: values.namespace, services, externalCidrs: nv.externalCidrs },
    component: (name) => peers.get(name),
    apiServer: { kind: 'addresses', cidrs: nv.apiServer.cidrs, what: 'Kubernetes API server' },
    nodes: { kind: 'addresses', cidrs: nv.nodeCidrs, what: 'nodes' },
  };
  const dns: PodsPeer = { kind: 'pods', namespaces: [nv.dns.namespace], selector: nv.dns.selector, what: `cluster DNS (${formatLabels(nv.dns.selector)} in ${nv.dns.namespace})` };
  const edges: Edge[] = [];
  for (const c of enabled) {
    const self = peers.get(c.name)!;
    edges.push({ from: self, to: dns, ports: [udp(nv.dns.port), tcp(nv.dns.port)], why: 'DNS lookups' });
    edges.push(...c.edges(g, self));
    if (isIngressComponent(c.name)) {
      for (const client of nv.ingressFrom[c.name]) {
        edges.push({ from: clientPeer(client), to: self, ports: [tcp(c.webPort.port)], why: `users (networkPolicies.ingressFrom.${c.name})` });
      }
    }
  }
  edges.push(...scraperEdges(g, nv.metricsScrapers));
  for (const e of edges) checkEdge(e, peers);
  return { namespace: values.namespace, components: [...peers.values()], edges };
}

/** Other Prometheus servers on the metrics port of each of our components that a scrape target declares. */
function scraperEdges(g: GraphContext, scrapers: readonly ClientPeer[]): Edge[] {
  if (!scrapers.length) return [];
  const ours = scrapeTargets(g.values).flatMap((t) => {
    if (t.kind !== 'service') return [];
    const peer = targetPeer(g, t);
    return peer.kind === 'component' ? [{ peer, t }] : [];
  });
  return ours.flatMap(({ peer, t }) =>
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
