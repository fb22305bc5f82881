/**
 * The rendered NetworkPolicies let through exactly the traffic the rendered
 * configs need: read from the synthesized prometheus.yml (scrape jobs,
 * Alertmanagers), Grafana's datasources file and the workloads, independently
 * of the graph that produced the policies, and judged by the NetworkPolicy
 * evaluator (lib/network/evaluate.ts, tested in network-evaluate.test.ts).
 */
import * as yaml from 'js-yaml';
import { componentGraph, isTrafficRouter } from '../lib/network/components';
import { OAUTH2_PROXY } from '../lib/oauth2-proxy';
import { allows, NetEndpoint, PodEndpoint, verdict } from '../lib/network/evaluate';
import { DEFAULT_DENY, NetworkPolicy, WHY_ANNOTATION } from '../lib/network/policies';
import { Peer, PortSpec } from '../lib/network/graph';
import { sanitizeLabelName } from '../lib/prometheus/relabel';
import { ServiceTarget } from '../lib/prometheus/targets';
import { Manifest } from '../lib/synth/render';
import { podTemplateOf, serviceSpecOf } from './support/k8s';
import { builtStack, ENVIRONMENTS, envObjects, findObject, prometheusTargets, synthFiles } from './support/stack';
import { errorOf, switchedOff, valuesOf } from './support/values';

/** The kubelet's port: what Prometheus' node role gives as each node's address. */
const KUBELET_PORT = 10250;
/** Addresses for endpoints outside the cluster (TEST-NET ranges) and the API server. */
const INTERNET_HOST = '203.0.113.10';
const API_SERVER = '172.18.0.2';
const NODE = '10.0.3.7';

const DNS_POD: PodEndpoint = { kind: 'pod', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

interface Stack {
  readonly namespace: string;
  readonly objects: readonly Manifest[];
  readonly policies: readonly NetworkPolicy[];
  /** The pod of each workload (Deployment/StatefulSet), by workload name. */
  readonly pods: ReadonlyMap<string, PodEndpoint>;
}

function stack(env: string, sets: readonly string[] = []): Stack {
  const objects = envObjects(env, { sets });
  const namespace = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  const pods = new Map(
    objects
      .filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job'].includes(o.kind))
      .map((o) => {
        const template =
          o.kind === 'CronJob' ? (o.spec as { jobTemplate: { spec: { template: ReturnType<typeof podTemplateOf> } } }).jobTemplate.spec.template : podTemplateOf(o);
        const pod: PodEndpoint = {
          kind: 'pod',
          namespace: o.metadata.namespace ?? namespace,
          labels: template.metadata.labels,
          ports: template.spec.containers.flatMap((c) => c.ports ?? []),
        };
        // A Job's name carries a digest (lib/logs-bootstrap): pods are known by their app name.
        return [o.kind === 'Job' ? (template.metadata.labels['app.kubernetes.io/name'] ?? o.metadata.name) : o.metadata.name, pod] as const;
      }),
  );
  return { namespace, objects, policies, pods };
}

/** Our components with pods, from the registry (built, not rendered). */
const componentsOf = (env: string) => builtStack(valuesOf(env)).components;

/** The pod of a workload, or of a component by its app.kubernetes.io/name (an exporter has a Deployment per instance). */
const podOf = (s: Stack, name: string): PodEndpoint => {
  const pod = s.pods.get(name) ?? [...s.pods.values()].find((p) => p.labels['app.kubernetes.io/name'] === name);
  if (!pod) throw new Error(`no workload ${name}`);
  return pod;
};
const address = (ip: string): NetEndpoint => ({ kind: 'address', ip });
const foreignPod = (namespace: string, labels: Record<string, string>): PodEndpoint => ({ kind: 'pod', namespace, labels });

/** The pod behind one of our Services and the container port its Service port `name`/`number` reaches. */
function serviceBackend(s: Stack, service: string, port: { name?: string; number?: number }): { pod: PodEndpoint; port: number } | undefined {
  const svc = s.objects.find((o) => o.kind === 'Service' && o.metadata.name === service);
  if (!svc) return undefined;
  const spec = serviceSpecOf(s.objects, service);
  const pod = [...s.pods.values()].find((p) => Object.entries(spec.selector).every(([k, v]) => p.labels[k] === v))!;
  const sp = spec.ports.find((p) => (port.name ? p.name === port.name : p.port === port.number))!;
  const target = typeof sp.targetPort === 'number' ? sp.targetPort : pod.ports!.find((cp) => cp.name === sp.targetPort)!.containerPort;
  return { pod, port: target };
}

function configMapFile(s: Stack, name: string, key: string): Record<string, unknown> {
  const cm = findObject(s.objects, 'ConfigMap', name) as unknown as { data: Record<string, string> };
  return yaml.load(cm.data[key]) as Record<string, unknown>;
}

interface RenderedScrapeConfig {
  job_name: string;
  kubernetes_sd_configs: { role: string; namespaces?: { names: string[] } }[];
  static_configs?: { targets: string[] }[];
  relabel_configs: { source_labels?: string[]; regex?: string; target_label?: string; replacement?: string; action: string }[];
}

/** What a rendered scrape job keeps: Service label values (by sanitized name), Service name and port name. */
function keptBy(sc: RenderedScrapeConfig): { labels: Record<string, string>; service?: string; portName?: string } {
  const labels: Record<string, string> = {};
  let service: string | undefined;
  let portName: string | undefined;
  for (const r of sc.relabel_configs.filter((r) => r.action === 'keep' && r.source_labels?.length === 1)) {
    const source = r.source_labels![0];
    if (source.startsWith('__meta_kubernetes_service_label_')) labels[source.slice('__meta_kubernetes_service_label_'.length)] = r.regex!;
    if (source === '__meta_kubernetes_service_name') service = r.regex;
    if (source === '__meta_kubernetes_endpointslice_port_name') portName = r.regex;
  }
  return { labels, service, portName };
}

/** The policies that select a pod (besides the default deny). */
const selecting = (s: Stack, pod: PodEndpoint): string[] =>
  s.policies
    .filter((p) => p.metadata.name !== DEFAULT_DENY && p.metadata.namespace === pod.namespace && Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => pod.labels[k] === v))
    .map((p) => p.metadata.name);

describe.each([...ENVIRONMENTS])('%s', (env) => {
  const s = stack(env);
  const prometheus = podOf(s, 'prometheus');
  const alertmanager = podOf(s, 'alertmanager');
  const grafana = podOf(s, 'grafana');

  test('a default deny for the namespace, then one policy per component, each selecting exactly its pods', () => {
    const inMain = s.policies.filter((p) => p.metadata.namespace === s.namespace);
    expect(inMain.map((p) => p.metadata.name)).toEqual([DEFAULT_DENY, 'prometheus', 'alertmanager', 'grafana', 'elasticsearch', 'logstash', 'kibana', 'logs-bootstrap', 'redis-exporter', 'postgres-exporter', 'elasticsearch-exporter', 'blackbox-exporter', 'jaeger', ...(env === 'dev' ? [] : ['jaeger-es-index-cleaner', 'oauth2-proxy'])]);
    expect(s.policies.filter((p) => p.metadata.namespace === `${s.namespace}-host-agents`).map((p) => p.metadata.name)).toEqual([DEFAULT_DENY, 'node-exporter']);
    for (const deny of s.policies.filter((p) => p.metadata.name === DEFAULT_DENY)) expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const [name, pod] of s.pods) expect([name, selecting(s, pod)]).toEqual([name, [pod.labels['app.kubernetes.io/name']]]);
    for (const p of s.policies.filter((p) => p.metadata.name !== DEFAULT_DENY)) {
      expect([p.metadata.name, p.spec.policyTypes]).toEqual([p.metadata.name, ['Ingress', 'Egress']]);
      const why = p.metadata.annotations![WHY_ANNOTATION].split('\n');
      expect(why).toHaveLength((p.spec.ingress?.length ?? 0) + (p.spec.egress?.length ?? 0));
    }
  });

  test('every scrape job of prometheus.yml is allowed out of Prometheus, and into the target when it is ours', () => {
    const config = configMapFile(s, 'prometheus-config', 'prometheus.yml') as { scrape_configs: RenderedScrapeConfig[] };
    const declared = new Map(prometheusTargets(valuesOf(env)).map((t) => [t.job as string, t]));
    expect(config.scrape_configs.length).toBeGreaterThan(5);
    for (const sc of config.scrape_configs) {
      if (sc.static_configs) {
        // A probe job: Prometheus reaches the prober (the relabelled __address__), the prober each probed URL.
        const [host, port] = sc.relabel_configs.find((r) => r.target_label === '__address__')!.replacement!.split(':');
        const prober = serviceBackend(s, host.split('.')[0], { number: Number(port) })!;
        expect([sc.job_name, verdict(s.policies, prometheus, prober.pod, prober.port)]).toEqual([sc.job_name, { egress: 'allowed', ingress: 'allowed', allowed: true }]);
        for (const url of sc.static_configs.flatMap((c) => c.targets)) {
          const u = new URL(url);
          const probed = serviceBackend(s, u.hostname.split('.')[0], { number: Number(u.port) })!;
          expect([url, verdict(s.policies, prober.pod, probed.pod, probed.port)]).toEqual([url, { egress: 'allowed', ingress: 'allowed', allowed: true }]);
          expect([url, allows(s.policies, prober.pod, probed.pod, probed.port + 1)]).toEqual([url, false]);
        }
        continue;
      }
      const sd = sc.kubernetes_sd_configs[0];
      if (sd.role === 'node') {
        expect([sc.job_name, verdict(s.policies, prometheus, address(NODE), KUBELET_PORT)]).toEqual([sc.job_name, { egress: 'allowed', ingress: 'not-isolated', allowed: true }]);
        continue;
      }
      const kept = keptBy(sc);
      const ours = kept.service ? serviceBackend(s, kept.service, { name: kept.portName }) : undefined;
      if (ours) {
        expect([sc.job_name, verdict(s.policies, prometheus, ours.pod, ours.port)]).toEqual([sc.job_name, { egress: 'allowed', ingress: 'allowed', allowed: true }]);
        continue;
      }
      // Not ours: its pods carry the labels the job keeps, in the namespaces it discovers, on the declared port.
      const t = declared.get(sc.job_name) as ServiceTarget;
      expect(Object.fromEntries(Object.entries(t.selector).map(([k, v]) => [sanitizeLabelName(k), v]))).toEqual(kept.labels);
      expect(t.namespaces).toEqual(sd.namespaces!.names);
      for (const ns of sd.namespaces!.names) {
        const target: PodEndpoint = { kind: 'pod', namespace: ns, labels: t.selector, ports: [{ name: kept.portName, containerPort: t.port.port }] };
        const v = verdict(s.policies, prometheus, target, t.port.port);
        expect([sc.job_name, ns, v.egress]).toEqual([sc.job_name, ns, 'allowed']);
        // In another namespace its own policies decide; in ours the default deny applies to what we do not deploy.
        expect([sc.job_name, ns, v.ingress]).toEqual([sc.job_name, ns, ns === s.namespace ? 'denied' : 'not-isolated']);
        // The selector and the namespace matter, not just the port.
        expect([sc.job_name, verdict(s.policies, prometheus, { ...target, labels: { 'app.kubernetes.io/name': 'something-else' } }, t.port.port).egress]).toEqual([sc.job_name, 'denied']);
        expect([sc.job_name, verdict(s.policies, prometheus, { ...target, namespace: 'unrelated' }, t.port.port).egress]).toEqual([sc.job_name, 'denied']);
      }
    }
  });

  test('Prometheus reaches the API server for service discovery; Grafana does not', () => {
    expect(allows(s.policies, prometheus, address(API_SERVER), 6443)).toBe(true);
    expect(allows(s.policies, prometheus, address(API_SERVER), 443)).toBe(true);
    expect(allows(s.policies, grafana, address(API_SERVER), 6443)).toBe(false);
    expect(allows(s.policies, prometheus, address(API_SERVER), 22)).toBe(false);
  });

  test('Prometheus sends alerts to every Alertmanager of its config: allowed out of Prometheus and into Alertmanager', () => {
    const config = configMapFile(s, 'prometheus-config', 'prometheus.yml') as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    const addresses = config.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((sc) => sc.targets));
    expect(addresses.length).toBe(valuesOf(env).alertmanager.replicas);
    for (const a of addresses) {
      const [host, port] = a.split(':');
      const service = host.split('.')[1];
      const backend = serviceBackend(s, service, { number: Number(port) })!;
      expect(backend.pod).toBe(alertmanager);
      expect([a, verdict(s.policies, prometheus, backend.pod, backend.port)]).toEqual([a, { egress: 'allowed', ingress: 'allowed', allowed: true }]);
    }
  });

  test("every Grafana datasource URL is allowed out of Grafana (and into the target when it is ours)", () => {
    const file = configMapFile(s, 'grafana-datasources', 'datasources.yaml') as { datasources: { name: string; url: string }[] };
    expect(file.datasources.length).toBeGreaterThan(1);
    for (const ds of file.datasources) {
      const target = datasourceTarget(s, ds.url);
      const v = verdict(s.policies, grafana, target.endpoint, target.port);
      expect([ds.name, v.egress]).toEqual([ds.name, 'allowed']);
      if (target.ours) expect([ds.name, v.ingress]).toEqual([ds.name, 'allowed']);
    }
  });

  test('every component may query cluster DNS over UDP and TCP, and nothing else there', () => {
    for (const [name, pod] of s.pods) {
      expect([name, allows(s.policies, pod, DNS_POD, 53, 'UDP'), allows(s.policies, pod, DNS_POD, 53, 'TCP')]).toEqual([name, true, true]);
      expect([name, allows(s.policies, pod, DNS_POD, 9153)]).toEqual([name, false]);
      expect([name, allows(s.policies, pod, foreignPod('kube-system', { 'k8s-app': 'metrics-server' }), 53, 'UDP')]).toEqual([name, false]);
    }
  });

  test('the Alertmanager mesh (9094 TCP+UDP) is open between replicas only when there are several', () => {
    const clustered = valuesOf(env).alertmanager.replicas > 1;
    for (const protocol of ['TCP', 'UDP'] as const) {
      expect([protocol, allows(s.policies, alertmanager, alertmanager, 9094, protocol)]).toEqual([protocol, clustered]);
      expect([protocol, allows(s.policies, grafana, alertmanager, 9094, protocol)]).toEqual([protocol, false]);
      expect([protocol, allows(s.policies, prometheus, alertmanager, 9094, protocol)]).toEqual([protocol, false]);
    }
  });

  test('nothing reaches Prometheus but Grafana, Prometheus itself (its replicas scrape each other) and oauth2-proxy where the ingress publishes it; the ingress controller reaches Grafana only', () => {
    const sources: Record<string, NetEndpoint> = {
      ...Object.fromEntries(s.pods),
      'pynomaly-api': foreignPod('pynomaly', { 'app.kubernetes.io/name': 'pynomaly-api' }),
      'a pod of our namespace': foreignPod(s.namespace, { app: 'debug' }),
      'an ingress controller': foreignPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }),
      'the internet': address(INTERNET_HOST),
    };
    const reach = (to: PodEndpoint, port: number) => Object.keys(sources).filter((name) => allows(s.policies, sources[name], to, port));
    const published = valuesOf(env).ingress.enabled;
    expect(reach(prometheus, 9090)).toEqual(['prometheus', 'grafana', ...(published ? ['oauth2-proxy'] : [])]);
    expect(reach(alertmanager, 9093)).toEqual(['prometheus', 'grafana', ...(published ? ['oauth2-proxy'] : [])]);
    expect(reach(grafana, 3000)).toEqual(['prometheus', ...(published ? ['an ingress controller'] : [])]);
  });

  test('a pod of the namespace that no component policy selects is cut off both ways', () => {
    const stranger = foreignPod(s.namespace, { app: 'debug' });
    expect(allows(s.policies, stranger, DNS_POD, 53, 'UDP')).toBe(false);
    expect(allows(s.policies, stranger, address(INTERNET_HOST), 443)).toBe(false);
    expect(allows(s.policies, address(INTERNET_HOST), stranger, 8080)).toBe(false);
  });

  test('every edge of the graph is allowed by the rendered policies', () => {
    const built = builtStack(valuesOf(env));
    const graph = componentGraph(valuesOf(env), built.components, [...built.constructs.values()].filter(isTrafficRouter));
    for (const e of graph.edges) {
      const from = sampleEndpoint(s, e.from);
      const to = sampleEndpoint(s, e.to);
      for (const p of e.ports as PortSpec[]) {
        const v = verdict(s.policies, from, to, p.port as number, p.protocol);
        if (e.from.kind === 'component') expect([e.why, v.egress]).toEqual([e.why, 'allowed']);
        if (e.to.kind === 'component') expect([e.why, v.ingress]).toEqual([e.why, 'allowed']);
      }
    }
  });
});

/** A concrete endpoint a graph peer stands for: our workload's pod, a pod with the peer's labels, an address in its range. */
function sampleEndpoint(s: Stack, p: Peer): NetEndpoint {
  if (p.kind === 'component') return podOf(s, p.name);
  if (p.kind === 'pods') return foreignPod(p.namespaces[0], { ...p.selector });
  const [base, prefix] = p.cidrs[0].split('/');
  return address(prefix === '0' ? (base.includes(':') ? '2001:db8::10' : INTERNET_HOST) : base);
}

/** Where a datasource URL leads: one of our Services' pods, pods of another Service's namespace, or the internet. */
function datasourceTarget(s: Stack, url: string): { endpoint: NetEndpoint; port: number; ours: boolean } {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(\..*)?$/.exec(u.hostname);
  if (!m) return { endpoint: address(INTERNET_HOST), port, ours: false };
  const [, service, namespace] = m;
  const backend = namespace === s.namespace ? serviceBackend(s, service, { number: port }) : undefined;
  if (backend) return { endpoint: backend.pod, port: backend.port, ours: true };
  return { endpoint: foreignPod(namespace, { 'app.kubernetes.io/name': service }), port, ours: false };
}

describe('values that open more', () => {
  test('without the ingress Grafana is closed to users; ingressFrom.grafana opens its web port to exactly those clients', () => {
    const controller = foreignPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
    const neighbour = foreignPod('ingress-nginx', { app: 'other' });
    const closed = stack('prod', ['ingress.enabled=false']);
    expect(allows(closed.policies, controller, podOf(closed, 'grafana'), 3000)).toBe(false);

    const open = stack('prod', ['networkPolicies.ingressFrom.grafana[0].namespace=ingress-nginx,networkPolicies.ingressFrom.grafana[0].podSelector.app\\.kubernetes\\.io/name=ingress-nginx']);
    expect(allows(open.policies, controller, podOf(open, 'grafana'), 3000)).toBe(true);
    expect(allows(open.policies, neighbour, podOf(open, 'grafana'), 3000)).toBe(false);
    expect(allows(open.policies, controller, podOf(open, 'grafana'), 9090)).toBe(false);
    expect(allows(open.policies, controller, podOf(open, 'prometheus'), 9090)).toBe(false);

    const byAddress = stack('prod', ['networkPolicies.ingressFrom.grafana[0].cidr=198.51.100.0/24']);
    expect(allows(byAddress.policies, address('198.51.100.7'), podOf(byAddress, 'grafana'), 3000)).toBe(true);
    expect(allows(byAddress.policies, address(INTERNET_HOST), podOf(byAddress, 'grafana'), 3000)).toBe(false);
  });

  test('the Pynomaly API can reach none of the components', () => {
    const s = stack('prod');
    const api = foreignPod('pynomaly', { 'app.kubernetes.io/name': 'pynomaly-api' });
    const components = componentsOf('prod');
    expect(components.length).toBeGreaterThan(0);
    for (const c of components) {
      for (const { port } of c.services.map((svc) => svc.port)) expect([c.appName, allows(s.policies, api, podOf(s, c.appName), port)]).toEqual([c.appName, false]);
    }
  });

  test("metricsScrapers lets another Prometheus scrape each component's metrics port, and nothing else", () => {
    const s = stack('prod', ['networkPolicies.metricsScrapers[0].namespace=monitoring']);
    const operator = foreignPod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    expect(allows(s.policies, operator, podOf(s, 'prometheus'), 9090)).toBe(true);
    expect(allows(s.policies, operator, podOf(s, 'alertmanager'), 9093)).toBe(true);
    expect(allows(s.policies, operator, podOf(s, 'grafana'), 3000)).toBe(true);
    expect(allows(s.policies, operator, podOf(s, 'alertmanager'), 9094)).toBe(false);
    // A target switched off is neither in the ServiceMonitors nor opened here.
    const noGrafanaTarget = stack('prod', ['networkPolicies.metricsScrapers[0].namespace=monitoring', 'prometheus.targets.grafana.enabled=false']);
    expect(allows(noGrafanaTarget.policies, operator, podOf(noGrafanaTarget, 'grafana'), 3000)).toBe(false);
  });

  test('receivers open what they connect to: PagerDuty and Slack over 443, an SMTP smarthost, an in-cluster webhook', () => {
    const prod = stack('prod');
    expect(allows(prod.policies, podOf(prod, 'alertmanager'), address(INTERNET_HOST), 443)).toBe(true);
    const dev = stack('dev');
    expect(allows(dev.policies, podOf(dev, 'alertmanager'), address(INTERNET_HOST), 443)).toBe(false);

    const s = stack('dev', [
      'alertmanager.receivers.email.enabled=true',
      'alertmanager.receivers.email.to=oncall@example.com',
      'alertmanager.receivers.email.from=alertmanager@example.com',
      'alertmanager.receivers.email.smarthost=smtp.example.com:587',
      'alertmanager.receivers.webhook.enabled=true',
      'alertmanager.receivers.webhook.url=http://alert-hook.ops.svc:8080/hook',
    ]);
    const am = podOf(s, 'alertmanager');
    expect(allows(s.policies, am, address(INTERNET_HOST), 587)).toBe(true);
    expect(allows(s.policies, am, address(INTERNET_HOST), 443)).toBe(false);
    expect(allows(s.policies, am, foreignPod('ops', { app: 'alert-hook' }), 8080)).toBe(true);
    expect(allows(s.policies, am, foreignPod('other', { app: 'alert-hook' }), 8080)).toBe(false);
  });

  test('a webhook URL read from a Secret (url_file) is opened on urlPort to the external ranges, and said so', () => {
    const sets = ['alertmanager.receivers.webhook.enabled=true', 'alertmanager.receivers.webhook.urlSecret.name=hook', 'alertmanager.receivers.webhook.urlPort=8443'];
    const s = stack('dev', sets);
    const am = podOf(s, 'alertmanager');
    expect(allows(s.policies, am, address(INTERNET_HOST), 8443)).toBe(true);
    expect(allows(s.policies, am, address(INTERNET_HOST), 443)).toBe(false);
    const policy = findObject(s.objects, 'NetworkPolicy', 'alertmanager');
    expect(policy.metadata.annotations![WHY_ANNOTATION]).toMatch(/8443\/TCP: notifications: webhook at url-in-secret\.invalid \(receiver critical, info\)/);
  });

  test('external and cross-namespace datasources are opened on their own port only', () => {
    const s = stack('prod', ['grafana.datasources.elasticsearch.url=https://logs.example.com:9243', 'grafana.datasources.jaeger.url=http://jaeger-query.tracing.svc.cluster.local:16686']);
    const g = podOf(s, 'grafana');
    expect(allows(s.policies, g, address(INTERNET_HOST), 9243)).toBe(true);
    expect(allows(s.policies, g, address(INTERNET_HOST), 9200)).toBe(false);
    expect(allows(s.policies, g, foreignPod('tracing', { app: 'jaeger' }), 16686)).toBe(true);
    expect(allows(s.policies, g, foreignPod(s.namespace, { app: 'jaeger' }), 16686)).toBe(false);
  });

  test('Grafana downloads plugins from the internet only when preinstallPlugins is on', () => {
    const off = stack('prod');
    expect(allows(off.policies, podOf(off, 'grafana'), address(INTERNET_HOST), 443)).toBe(false);
    const on = stack('prod', ['grafana.preinstallPlugins=true']);
    expect(allows(on.policies, podOf(on, 'grafana'), address(INTERNET_HOST), 443)).toBe(true);
  });

  test('the API server, node and external ranges can be narrowed', () => {
    const s = stack('prod', ['networkPolicies.apiServer.cidrs={172.18.0.2/32}', 'networkPolicies.nodeCidrs={10.0.0.0/16}', 'networkPolicies.externalCidrs={198.51.100.0/24}']);
    const p = podOf(s, 'prometheus');
    expect(allows(s.policies, p, address(API_SERVER), 6443)).toBe(true);
    expect(allows(s.policies, p, address('172.18.0.3'), 6443)).toBe(false);
    expect(allows(s.policies, p, address(NODE), KUBELET_PORT)).toBe(true);
    expect(allows(s.policies, p, address('10.1.0.1'), KUBELET_PORT)).toBe(false);
    const am = podOf(s, 'alertmanager');
    expect(allows(s.policies, am, address('198.51.100.20'), 443)).toBe(true);
    expect(allows(s.policies, am, address(INTERNET_HOST), 443)).toBe(false);
  });

  test('defaultDeny=false leaves pods the stack does not deploy alone, and still isolates ours', () => {
    // node-exporter installed by someone else (ours switched off): Prometheus still scrapes it by its labels.
    const s = stack('prod', ['networkPolicies.defaultDeny=false', 'nodeExporter.enabled=false']);
    expect(s.policies.map((p) => p.metadata.name)).toEqual(['prometheus', 'alertmanager', 'grafana', 'elasticsearch', 'logstash', 'kibana', 'logs-bootstrap', 'redis-exporter', 'postgres-exporter', 'elasticsearch-exporter', 'blackbox-exporter', 'jaeger', 'jaeger-es-index-cleaner', 'oauth2-proxy']);
    const exporter = foreignPod(s.namespace, { 'app.kubernetes.io/name': 'node-exporter' });
    expect(allows(s.policies, podOf(s, 'prometheus'), exporter, 9100)).toBe(true);
    expect(allows(s.policies, foreignPod('pynomaly', {}), podOf(s, 'grafana'), 3000)).toBe(false);
  });

  test('a bad client or CIDR is refused, naming the key', () => {
    expect(errorOf(() => valuesOf('prod', ['networkPolicies.ingressFrom.grafana[0].cidr=banana']))).toContain(
      'networkPolicies.ingressFrom.grafana.0.cidr: expected a CIDR such as 10.0.0.0/8 or 2001:db8::/32',
    );
    expect(errorOf(() => valuesOf('prod', ['networkPolicies.ingressFrom.grafana[0].cidr=10.0.0.0/8,networkPolicies.ingressFrom.grafana[0].namespace=x']))).toContain(
      'set exactly one of namespace and cidr',
    );
    expect(errorOf(() => valuesOf('prod', ['networkPolicies.metricsScrapers[0].cidr=10.0.0.0/8,networkPolicies.metricsScrapers[0].podSelector.a=b']))).toContain(
      'podSelector needs a namespace',
    );
  });
});

describe('the ingress', () => {
  const controller = foreignPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
  const neighbour = foreignPod('ingress-nginx', { app: 'other' });
  const proxyPort = (ui: keyof typeof OAUTH2_PROXY.ports) => OAUTH2_PROXY.ports[ui].port;

  test.each(['staging', 'prod'])('%s: the controller reaches oauth2-proxy on the port of each proxied UI and Grafana and Kibana (own logins), never the other UIs directly', (env) => {
    const s = stack(env);
    const proxy = podOf(s, 'oauth2-proxy');
    for (const ui of ['prometheus', 'alertmanager', 'jaeger'] as const) {
      expect([ui, allows(s.policies, controller, proxy, proxyPort(ui)), allows(s.policies, neighbour, proxy, proxyPort(ui))]).toEqual([ui, true, false]);
    }
    expect(allows(s.policies, controller, proxy, proxyPort('grafana'))).toBe(false);
    expect(allows(s.policies, controller, podOf(s, 'grafana'), 3000)).toBe(true);
    expect(allows(s.policies, controller, podOf(s, 'kibana'), 5601)).toBe(true);
    for (const [name, port] of [['prometheus', 9090], ['alertmanager', 9093], ['jaeger', 16686], ['elasticsearch', 9200]] as const) {
      expect([name, allows(s.policies, controller, podOf(s, name), port)]).toEqual([name, false]);
    }
    // The controller's traffic is let in, not out: its own namespace's policies are its own.
    expect(allows(s.policies, address(INTERNET_HOST), proxy, proxyPort('prometheus'))).toBe(false);
  });

  test('oauth2-proxy reaches its upstreams and the issuer (443 outside), and nothing else of ours', () => {
    const s = stack('prod');
    const proxy = podOf(s, 'oauth2-proxy');
    expect(allows(s.policies, proxy, podOf(s, 'prometheus'), 9090)).toBe(true);
    expect(allows(s.policies, proxy, podOf(s, 'alertmanager'), 9093)).toBe(true);
    expect(allows(s.policies, proxy, podOf(s, 'jaeger'), 16686)).toBe(true);
    expect(allows(s.policies, proxy, address(INTERNET_HOST), 443)).toBe(true);
    expect(allows(s.policies, proxy, address(INTERNET_HOST), 80)).toBe(false);
    for (const [name, port] of [['grafana', 3000], ['kibana', 5601], ['elasticsearch', 9200], ['jaeger', 4317]] as const) {
      expect([name, allows(s.policies, proxy, podOf(s, name), port)]).toEqual([name, false]);
    }
  });

  test('dev (no ingress): the controller reaches nothing', () => {
    const s = stack('dev');
    for (const name of ['prometheus', 'alertmanager', 'grafana', 'kibana', 'jaeger']) {
      const pod = podOf(s, name);
      for (const { containerPort } of pod.ports ?? []) expect([name, containerPort, allows(s.policies, controller, pod, containerPort)]).toEqual([name, containerPort, false]);
    }
  });

  test('Kibana without its own login (dev, the ingress on) is reached through oauth2-proxy only; an in-cluster issuer is reached in its namespace', () => {
    const sets = [
      'ingress.enabled=true',
      'ingress.tls.secretName=monitoring-tls',
      'ingress.hosts.kibana=kibana.dev.example.com',
      'ingress.controller.namespace=traefik',
      'ingress.controller.podSelector=null',
      'ingress.controller.podSelector.app\\.kubernetes\\.io/name=traefik',
      'oauth2Proxy.oidcIssuerUrl=https://keycloak.auth.svc:8443/realms/dev',
      'oauth2Proxy.clientId=monitoring-dev',
      'oauth2Proxy.emailDomains[0]=example.com',
    ];
    const s = stack('dev', sets);
    const traefik = foreignPod('traefik', { 'app.kubernetes.io/name': 'traefik' });
    expect(allows(s.policies, traefik, podOf(s, 'oauth2-proxy'), proxyPort('kibana'))).toBe(true);
    expect(allows(s.policies, traefik, podOf(s, 'kibana'), 5601)).toBe(false);
    expect(allows(s.policies, controller, podOf(s, 'oauth2-proxy'), proxyPort('kibana'))).toBe(false);
    expect(allows(s.policies, podOf(s, 'oauth2-proxy'), podOf(s, 'kibana'), 5601)).toBe(true);
    expect(allows(s.policies, podOf(s, 'oauth2-proxy'), foreignPod('auth', { app: 'keycloak' }), 8443)).toBe(true);
    expect(allows(s.policies, podOf(s, 'oauth2-proxy'), address(INTERNET_HOST), 443)).toBe(false);
  });
});

describe('switches', () => {
  test('networkPolicies.enabled=false removes the file from the YAML, the Kustomization and the Helm chart', () => {
    const on = [...synthFiles({ envs: ['prod'] }).keys()];
    expect(on).toContain('prod/network-policies.yaml');
    expect(on).toContain('helm/prod/templates/network-policies.yaml');
    const files = synthFiles({ envs: ['prod'], sets: ['networkPolicies.enabled=false'] });
    expect([...files.keys()].filter((f) => f.includes('network-policies'))).toEqual([]);
    expect(files.get('prod/Kustomization')).not.toContain('network-policies');
  });

  test.each([
    ['grafana', ['grafana.enabled=false'], 3000],
    ['alertmanager', switchedOff('alertmanager'), 9093],
  ] as const)('%s switched off takes its policy and every edge to it', (component, sets, port) => {
    const s = stack('prod', sets);
    expect(s.policies.map((p) => p.metadata.name)).not.toContain(component);
    expect(JSON.stringify(s.policies)).not.toContain(`"app.kubernetes.io/name":"${component}"`);
    const ports = s.policies.flatMap((p) => [...(p.spec.egress ?? []), ...(p.spec.ingress ?? [])].flatMap((r) => r.ports ?? []).map((x) => x.port));
    expect(ports).not.toContain(port);
  });

  test('prometheus switched off: no policy, and Grafana accepts nobody but the configured users', () => {
    const s = stack('prod', [...switchedOff('prometheus'), 'ingress.enabled=false', 'networkPolicies.ingressFrom.grafana[0].namespace=ingress-nginx']);
    expect(s.policies.filter((p) => p.metadata.namespace === s.namespace).map((p) => p.metadata.name)).toEqual([
      DEFAULT_DENY,
      'alertmanager',
      'grafana',
      'elasticsearch',
      'logstash',
      'kibana',
      'logs-bootstrap',
      'redis-exporter',
      'postgres-exporter',
      'elasticsearch-exporter',
      'blackbox-exporter',
      'jaeger',
      'jaeger-es-index-cleaner',
    ]);
    const grafana = findObject(s.objects, 'NetworkPolicy', 'grafana') as unknown as NetworkPolicy;
    expect(grafana.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 3000, protocol: 'TCP' }] }]);
  });
});
