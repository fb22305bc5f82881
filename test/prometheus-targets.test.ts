/**
 * Scrape targets are declared once (lib/prometheus/targets.ts) and rendered
 * twice: the native scrape_configs and the ServiceMonitors. These tests read
 * both back from the synthesized YAML and prove they agree with each other and
 * with the declarations, that the relabelling really selects what it should
 * (evaluated with Prometheus' relabel semantics), and that our own check of
 * the service-discovery blocks (which promtool cannot see) catches mistakes.
 */
import * as yaml from 'js-yaml';
import { TARGET_LABELS } from '../lib/catalog';
import { JOBS } from '../lib/catalog/jobs';
import { PROMETHEUS } from '../lib/prometheus/constants';
import type { PrometheusConfig } from '../lib/prometheus/config';
import { checkKubernetesSd } from '../lib/prometheus/kubernetes-sd';
import type { NativeRelabel } from '../lib/prometheus/relabel';
import type { ScrapeConfig } from '../lib/prometheus/scrape-config';
import { PYNOMALY_API, TARGETS } from '../lib/prometheus/targets';
import { Manifest } from '../lib/synth/render';
import { resolveValues } from '../lib/values/load';
import { KubernetesValidator } from './support/k8s-schema';
import { builtStack, ENVIRONMENTS, envObjects, findObject, prometheusTargets } from './support/stack';
import { errorOf, switchedOff, valuesOf } from './support/values';

// ---------------------------------------------------------------------------
// Reading the rendered objects back

type SmRelabeling = { sourceLabels?: string[]; regex?: string; targetLabel?: string; replacement?: string; action?: string };
type SmEndpoint = {
  port: string;
  path: string;
  scheme: string;
  interval: string;
  scrapeTimeout: string;
  relabelings?: SmRelabeling[];
  params?: Record<string, string[]>;
  bearerTokenFile?: string;
  tlsConfig?: { caFile?: string; insecureSkipVerify?: boolean };
};
type ServiceMonitor = Manifest & {
  spec: { selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] }; endpoints: SmEndpoint[] };
};

function nativeConfig(env: string, sets: string[] = []): PrometheusConfig {
  const cm = findObject(envObjects(env, { sets }), 'ConfigMap', PROMETHEUS.configMap) as unknown as { data: Record<string, string> };
  return yaml.load(cm.data[PROMETHEUS.configFile]) as PrometheusConfig;
}

function serviceMonitors(env: string, sets: string[] = []): ServiceMonitor[] {
  return envObjects(env, { sets, includeSubfolders: true }).filter((o) => o.kind === 'ServiceMonitor') as ServiceMonitor[];
}

/** What a scrape target is, independent of how it is spelled. */
interface Fingerprint {
  job: string;
  namespaces?: string[];
  selector?: Record<string, string>;
  serviceName?: string;
  port?: string;
  path: string;
  scheme: string;
  interval: string;
  timeout: string;
  tls?: { caFile: string; insecureSkipVerify: boolean; tokenFile: string };
  /** A prober's job: its module and the probed `service=url`s. */
  probe?: { module: string; targets: string[] };
}

const unescape = (re: string): string => re.replace(/\\(.)/g, '$1');
const sanitize = (k: string): string => k.replace(/[^a-zA-Z0-9_]/g, '_');
const SERVICE_LABEL = '__meta_kubernetes_service_label_';

function keeps(relabels: readonly { sourceLabels?: readonly string[]; regex?: string; action?: string }[], source: string): string | undefined {
  const r = relabels.find((x) => x.action === 'keep' && x.sourceLabels?.length === 1 && x.sourceLabels[0] === source);
  return r?.regex === undefined ? undefined : unescape(r.regex);
}

function fromNative(sc: ScrapeConfig): Fingerprint {
  const relabels = sc.relabel_configs.map((r) => ({ sourceLabels: r.source_labels, regex: r.regex, action: r.action }));
  const base: Fingerprint = { job: sc.job_name, path: sc.metrics_path, scheme: sc.scheme, interval: sc.scrape_interval, timeout: sc.scrape_timeout };
  if (sc.static_configs) {
    return { ...base, probe: { module: sc.params!.module[0], targets: sc.static_configs.map((c) => `${c.labels!.service}=${c.targets[0]}`) } };
  }
  if (sc.kubernetes_sd_configs![0].role === 'node') {
    return { ...base, tls: { caFile: sc.tls_config!.ca_file, insecureSkipVerify: sc.tls_config!.insecure_skip_verify, tokenFile: sc.authorization!.credentials_file } };
  }
  const selector = Object.fromEntries(
    relabels
      .filter((r) => r.action === 'keep' && r.sourceLabels?.[0].startsWith(SERVICE_LABEL))
      .map((r) => [r.sourceLabels![0].slice(SERVICE_LABEL.length), unescape(r.regex!)]),
  );
  return {
    ...base,
    namespaces: [...sc.kubernetes_sd_configs![0].namespaces!.names],
    selector,
    serviceName: keeps(relabels, '__meta_kubernetes_service_name'),
    port: keeps(relabels, '__meta_kubernetes_endpointslice_port_name'),
  };
}

/** The value a relabeling sets `label` to (a fixed replacement). */
const setTo = (relabels: readonly SmRelabeling[], label: string): string | undefined =>
  relabels.find((r) => r.targetLabel === label && (r.action ?? 'replace') === 'replace' && !r.sourceLabels)?.replacement;

function fromServiceMonitor(sm: ServiceMonitor): Fingerprint {
  const e = sm.spec.endpoints[0];
  const relabels = e.relabelings ?? [];
  const job = setTo(relabels, 'job');
  const base: Fingerprint = { job: job ?? '(operator default: the Service name)', path: e.path, scheme: e.scheme, interval: e.interval, timeout: e.scrapeTimeout };
  if (e.params?.target) {
    // One endpoint per probed URL, each labelled like the native static target.
    for (const p of sm.spec.endpoints) expect(setTo(p.relabelings ?? [], 'instance')).toBe(p.params!.target[0]);
    return { ...base, probe: { module: e.params.module[0], targets: sm.spec.endpoints.map((p) => `${setTo(p.relabelings ?? [], 'service')}=${p.params!.target[0]}`) } };
  }
  expect(sm.spec.endpoints).toHaveLength(1);
  if (e.bearerTokenFile) {
    return { ...base, tls: { caFile: e.tlsConfig!.caFile!, insecureSkipVerify: e.tlsConfig!.insecureSkipVerify!, tokenFile: e.bearerTokenFile } };
  }
  return {
    ...base,
    namespaces: sm.spec.namespaceSelector.matchNames,
    selector: Object.fromEntries(Object.entries(sm.spec.selector.matchLabels).map(([k, v]) => [sanitize(k), v])),
    serviceName: keeps(relabels, '__meta_kubernetes_service_name'),
    port: e.port,
  };
}

const byJob = (fps: Fingerprint[]): Record<string, Fingerprint> => Object.fromEntries(fps.map((f) => [f.job, f]));

// ---------------------------------------------------------------------------
// Prometheus' relabelling, for the subset of actions we emit

type TargetLabels = Record<string, string>;

/** `internal`: also keep what Prometheus uses for the scrape itself (__address__, __param_*), which it drops from the series. */
function relabel(labels: TargetLabels, rules: readonly NativeRelabel[], internal = false): TargetLabels | undefined {
  let out = { ...labels };
  for (const r of rules) {
    const value = (r.source_labels ?? []).map((l) => out[l] ?? '').join(r.separator ?? ';');
    const re = new RegExp(`^(?:${r.regex ?? '(.*)'})$`);
    const m = re.exec(value);
    if (r.action === 'keep' && !m) return undefined;
    if (r.action === 'drop' && m) return undefined;
    if (r.action === 'replace' && m) {
      const result = (r.replacement ?? '$1').replace(/\$\{?(\d)\}?/g, (_, i: string) => m[Number(i)] ?? '');
      out = { ...out, [r.target_label!]: result };
      if (result === '') delete out[r.target_label!];
    }
  }
  return Object.fromEntries(Object.entries(out).filter(([k]) => !k.startsWith('__') || (internal && (k === '__address__' || k.startsWith('__param_')))));
}

/** The meta labels role endpointslice gives one endpoint of a pod-backed Service. */
function endpointSliceTarget(o: { namespace: string; service: string; serviceLabels: Record<string, string>; port: string; pod?: string; phase?: string }): TargetLabels {
  return {
    __address__: '10.0.0.7:8000',
    __meta_kubernetes_namespace: o.namespace,
    __meta_kubernetes_service_name: o.service,
    ...Object.fromEntries(Object.entries(o.serviceLabels).map(([k, v]) => [`${SERVICE_LABEL}${sanitize(k)}`, v])),
    __meta_kubernetes_endpointslice_port_name: o.port,
    __meta_kubernetes_pod_name: o.pod ?? `${o.service}-0`,
    __meta_kubernetes_pod_container_name: 'main',
    __meta_kubernetes_pod_node_name: 'node-a',
    __meta_kubernetes_pod_phase: o.phase ?? 'Running',
  };
}

// ---------------------------------------------------------------------------

describe('declarations', () => {
  test('one declaration per job of lib/catalog/jobs.ts, under the same key: outside the stack here, our components in their constructs', () => {
    const ours = builtStack(valuesOf('dev')).components.flatMap((c) => c.scrapeTargets.map((t) => [t.key, t.job] as const));
    const declared = [...Object.entries(TARGETS).map(([key, decl]) => [key, decl.job] as const), ...ours];
    expect([...new Set(declared.map(([key]) => key))].sort()).toEqual(Object.keys(JOBS).sort());
    for (const [key, job] of declared) expect([key, job]).toEqual([key, JOBS[key as keyof typeof JOBS]]);
    // Each job is rendered once: a component of ours replaces the declaration of the same key (the exporters we deploy).
    const jobs = nativeConfig('dev').scrape_configs.map((sc) => sc.job_name);
    expect(jobs).toEqual([...new Set(jobs)]);
    expect(jobs.sort()).toEqual(Object.values(JOBS).sort());
  });

  test('an exporter of ours replaces the declaration of its key; switched off, the declaration finds one installed by others', () => {
    const ns = valuesOf('prod').namespace;
    expect(byJob(nativeConfig('prod').scrape_configs.map(fromNative))[JOBS.redisExporter]).toMatchObject({ namespaces: [ns], serviceName: 'redis-exporter' });
    const off = byJob(nativeConfig('prod', ['redisExporter.enabled=false', 'prometheus.targets.redisExporter.namespaces={cache}']).scrape_configs.map(fromNative));
    expect(off[JOBS.redisExporter]).toMatchObject({ namespaces: ['cache'], selector: { app_kubernetes_io_name: 'redis-exporter' } });
    expect(off[JOBS.redisExporter].serviceName).toBeUndefined();
  });

  test('the facts of each target (ports, paths, timing, scheme)', () => {
    const targets = prometheusTargets(valuesOf('dev'));
    const summary = Object.fromEntries(targets.map((t) => [t.job, `${t.scheme} :${t.port.port} ${t.path} every ${t.interval} (timeout ${t.timeout})`]));
    expect(summary).toEqual({
      'pynomaly-api': `http :${PYNOMALY_API.port} /metrics every 10s (timeout 5s)`,
      prometheus: 'http :9090 /metrics every 15s (timeout 10s)',
      alertmanager: 'http :9093 /metrics every 15s (timeout 10s)',
      grafana: 'http :3000 /metrics every 15s (timeout 10s)',
      'node-exporter': 'http :9100 /metrics every 15s (timeout 10s)',
      'redis-exporter': 'http :9121 /metrics every 15s (timeout 10s)',
      'postgres-exporter': 'http :9187 /metrics every 15s (timeout 10s)',
      'elasticsearch-exporter': 'http :9114 /metrics every 15s (timeout 10s)',
      // Jaeger v2's telemetry port (v1's admin port 14269 is gone).
      jaeger: 'http :8888 /metrics every 15s (timeout 10s)',
      logstash: 'http :9198 /metrics every 15s (timeout 10s)',
      // The blackbox exporter: its own metrics, and the probes it runs for Prometheus (/probe, multi-target).
      'blackbox-exporter': 'http :9115 /metrics every 15s (timeout 10s)',
      blackbox: 'http :9115 /probe every 15s (timeout 10s)',
      kubelet: 'https :10250 /metrics every 15s (timeout 10s)',
      cadvisor: 'https :10250 /metrics/cadvisor every 15s (timeout 10s)',
    });
  });

  test('the Pynomaly API is found in prometheus.pynomaly.namespaces by its Service labels', () => {
    const api = prometheusTargets(valuesOf('dev')).find((t) => t.job === JOBS.pynomalyApi)!;
    expect(api).toMatchObject({ kind: 'service', namespaces: ['pynomaly'], selector: { 'app.kubernetes.io/name': 'pynomaly-api' } });
  });
});

describe.each([...ENVIRONMENTS])('%s: scrape_configs and ServiceMonitors cannot drift', (env) => {
  const values = valuesOf(env);
  const native = nativeConfig(env);
  const monitors = serviceMonitors(env);

  test('same jobs, namespaces, selectors, Service names, ports, paths, schemes, intervals and timeouts', () => {
    const nativeByJob = byJob(native.scrape_configs.map(fromNative));
    const smByJob = byJob(monitors.map(fromServiceMonitor));
    // Kubelet/cAdvisor ServiceMonitors are opt-in (operator stacks scrape the kubelet themselves).
    const serviceJobs = prometheusTargets(values).filter((t) => t.kind !== 'kubelet').map((t) => t.job);
    expect(Object.keys(smByJob).sort()).toEqual([...serviceJobs].sort());
    for (const job of serviceJobs) expect(smByJob[job]).toEqual(nativeByJob[job]);
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([...serviceJobs].sort());
  });

  test('and both match the declarations', () => {
    const declared = prometheusTargets(values).map((t): Fingerprint =>
      t.kind === 'service'
        ? {
            job: t.job,
            namespaces: [...t.namespaces],
            selector: Object.fromEntries(Object.entries(t.selector).map(([k, v]) => [sanitize(k), v])),
            serviceName: t.serviceName,
            port: t.port.name,
            path: t.path,
            scheme: t.scheme,
            interval: t.interval,
            timeout: t.timeout,
          }
        : t.kind === 'probe'
          ? { job: t.job, path: t.path, scheme: t.scheme, interval: t.interval, timeout: t.timeout, probe: { module: t.module, targets: t.targets.map((p) => `${p.service}=${p.url}`) } }
          : { job: t.job, path: t.path, scheme: t.scheme, interval: t.interval, timeout: t.timeout, tls: { caFile: t.caFile, insecureSkipVerify: t.insecureSkipVerify, tokenFile: t.bearerTokenFile } },
    );
    expect(native.scrape_configs.map(fromNative)).toEqual(declared);
  });

  test('every service-discovery block passes our typed check', () => {
    const discovered = native.scrape_configs.filter((sc) => !sc.static_configs);
    for (const sc of discovered) expect([sc.job_name, checkKubernetesSd(sc, sc.job_name)]).toEqual([sc.job_name, []]);
    expect(native.scrape_configs.length - discovered.length).toBe(1);
  });

  test('the probe job: each probed URL becomes the target parameter and instance, and the scrape goes to the prober', () => {
    const probe = native.scrape_configs.find((sc) => sc.static_configs)!;
    expect(probe.job_name).toBe(JOBS.blackboxProbe);
    expect(probe.params).toEqual({ module: ['http_2xx'] });
    const [cfg] = probe.static_configs!;
    const labels = relabel({ __address__: cfg.targets[0], ...cfg.labels }, probe.relabel_configs, true)!;
    const ns = values.namespace;
    expect(labels).toEqual({
      __address__: `blackbox-exporter.${ns}.svc:9115`,
      __param_target: `http://kibana.${ns}.svc:5601/api/status`,
      instance: `http://kibana.${ns}.svc:5601/api/status`,
      namespace: ns,
      service: 'kibana',
    });
  });
});

describe('values reach both renderings', () => {
  test('with the kubelet ServiceMonitors on, kubelet and cAdvisor agree too', () => {
    const sets = ['prometheus.serviceMonitors.kubelet=true', 'prometheus.targets.cadvisor.insecureSkipVerify=false'];
    const native = byJob(nativeConfig('prod', sets).scrape_configs.map(fromNative));
    const sms = serviceMonitors('prod', sets);
    const sm = byJob(sms.map(fromServiceMonitor));
    for (const job of [JOBS.kubelet, JOBS.cadvisor]) expect(sm[job]).toEqual(native[job]);
    expect(sm[JOBS.cadvisor].tls?.insecureSkipVerify).toBe(false);
    expect(sms.find((m) => m.metadata.name === JOBS.kubelet)!.spec.namespaceSelector.matchNames).toEqual(['kube-system']);
    // Valid against the operator's CRD schema too (the default set is covered by kubernetes-schema.test.ts).
    const validator = new KubernetesValidator();
    for (const m of sms) expect([m.metadata.name, validator.validate(m)]).toEqual([m.metadata.name, []]);
  });

  test('switched-off targets disappear from both; a disabled component is not scraped', () => {
    const sets = ['prometheus.targets.jaeger.enabled=false', 'grafana.enabled=false', 'prometheus.serviceMonitors.labels.release=kube-prometheus-stack'];
    const jobs = nativeConfig('prod', sets).scrape_configs.map((s) => s.job_name);
    const sms = serviceMonitors('prod', sets);
    for (const gone of [JOBS.jaeger, JOBS.grafana]) {
      expect(jobs).not.toContain(gone);
      expect(sms.map((m) => m.metadata.name)).not.toContain(gone);
    }
    expect(jobs).toContain(JOBS.pynomalyApi);
    for (const m of sms) expect((m.metadata as unknown as { labels: Record<string, string> }).labels.release).toBe('kube-prometheus-stack');
  });

  test('namespaces, selector and timing of the API reach both', () => {
    const sets = [
      'prometheus.pynomaly.namespaces={pynomaly-a,pynomaly-b}',
      'prometheus.pynomaly.selector.app\\.kubernetes\\.io/component=api',
      'prometheus.targets.pynomalyApi.interval=30s',
      'prometheus.targets.redisExporter.namespaces={cache}',
      // Installed by others (ours off): found in the app's namespaces, or where the values say.
      'redisExporter.enabled=false',
      'postgresExporter.enabled=false',
    ];
    const native = byJob(nativeConfig('prod', sets).scrape_configs.map(fromNative));
    const sm = byJob(serviceMonitors('prod', sets).map(fromServiceMonitor));
    const expected = {
      namespaces: ['pynomaly-a', 'pynomaly-b'],
      // A selector given in values replaces the default one (maps with a default are not merged into).
      selector: { app_kubernetes_io_component: 'api' },
      interval: '30s',
      timeout: '5s',
    };
    expect(native[JOBS.pynomalyApi]).toMatchObject(expected);
    expect(sm[JOBS.pynomalyApi]).toEqual(native[JOBS.pynomalyApi]);
    // The app's namespaces are also the default of its data-store exporters, unless overridden.
    expect(native[JOBS.postgresExporter].namespaces).toEqual(['pynomaly-a', 'pynomaly-b']);
    expect(native[JOBS.redisExporter].namespaces).toEqual(['cache']);
    expect(sm[JOBS.redisExporter].namespaces).toEqual(['cache']);
  });

  test('the ServiceMonitors do not depend on our Prometheus being deployed', () => {
    const sms = serviceMonitors('prod', switchedOff('prometheus'));
    expect(sms.map((m) => m.metadata.name)).toContain(JOBS.pynomalyApi);
    expect(sms.map((m) => m.metadata.name)).not.toContain(JOBS.prometheus);
    expect(envObjects('prod', { sets: switchedOff('prometheus') }).filter((o) => o.metadata.name === PROMETHEUS.name)).toEqual([]);
    expect(serviceMonitors('prod', ['prometheus.serviceMonitors.enabled=false'])).toEqual([]);
  });
});

describe('relabelling selects what it should (evaluated)', () => {
  const config = nativeConfig('dev');
  const job = (name: string): ScrapeConfig => config.scrape_configs.find((s) => s.job_name === name)!;
  const apiLabels = { 'app.kubernetes.io/name': 'pynomaly-api', 'app.kubernetes.io/instance': 'pynomaly' };

  test('the API endpoint is kept and gets the target labels of the catalog', () => {
    const out = relabel(endpointSliceTarget({ namespace: 'pynomaly', service: 'pynomaly-api', serviceLabels: apiLabels, port: 'http', pod: 'pynomaly-api-7d9' }), job(JOBS.pynomalyApi).relabel_configs);
    expect(out).toEqual({ namespace: 'pynomaly', pod: 'pynomaly-api-7d9', service: 'pynomaly-api', container: 'main', node: 'node-a' });
    // Every label we set is one the catalog declares (rules and dashboards may use them).
    for (const l of [...Object.keys(out!), 'job', 'instance', ...Object.keys(config.global.external_labels)]) {
      expect(TARGET_LABELS as readonly string[]).toContain(l);
    }
  });

  test('another Service, another port or a finished pod is dropped', () => {
    const rules = job(JOBS.pynomalyApi).relabel_configs;
    const base = { namespace: 'pynomaly', service: 'pynomaly-api', serviceLabels: apiLabels, port: 'http' };
    expect(relabel(endpointSliceTarget({ ...base, serviceLabels: { 'app.kubernetes.io/name': 'pynomaly-worker' } }), rules)).toBeUndefined();
    expect(relabel(endpointSliceTarget({ ...base, port: 'grpc' }), rules)).toBeUndefined();
    expect(relabel(endpointSliceTarget({ ...base, phase: 'Succeeded' }), rules)).toBeUndefined();
  });

  test("Alertmanager's headless Service (same labels, same web port) does not double its targets", () => {
    const rules = job(JOBS.alertmanager).relabel_configs;
    const labels = { 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': 'pynomaly-monitoring' };
    const ns = 'pynomaly-monitoring-dev';
    expect(relabel(endpointSliceTarget({ namespace: ns, service: 'alertmanager', serviceLabels: labels, port: 'http-web' }), rules)).toBeDefined();
    expect(relabel(endpointSliceTarget({ namespace: ns, service: 'alertmanager-cluster', serviceLabels: labels, port: 'http-web' }), rules)).toBeUndefined();
  });

  test('kubelet targets get the node label', () => {
    const out = relabel({ __address__: '10.0.0.1:10250', __meta_kubernetes_node_name: 'node-a' }, job(JOBS.cadvisor).relabel_configs);
    expect(out).toEqual({ node: 'node-a' });
  });
});

describe('our check of service discovery catches what promtool cannot see', () => {
  const api = nativeConfig('dev').scrape_configs.find((s) => s.job_name === JOBS.pynomalyApi)!;
  const kubelet = nativeConfig('dev').scrape_configs.find((s) => s.job_name === JOBS.kubelet)!;
  const check = (sc: unknown): string => checkKubernetesSd(sc as ScrapeConfig, 'test').join('\n');
  const withRelabel = (r: NativeRelabel) => ({ ...api, relabel_configs: [...api.relabel_configs, r] });

  test('the rendered blocks are clean', () => {
    expect(check(api)).toBe('');
    expect(check(kubelet)).toBe('');
  });
  test('an unknown role', () => {
    expect(check({ ...api, kubernetes_sd_configs: [{ role: 'endpoint', namespaces: { names: ['x'] } }] })).toContain('unknown role "endpoint"');
  });
  test('cluster-wide discovery (no namespaces) and namespaces on the node role', () => {
    expect(check({ ...api, kubernetes_sd_configs: [{ role: 'endpointslice' }] })).toContain('would discover cluster-wide');
    expect(check({ ...api, kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['Bad_NS'] } }] })).toContain('not a DNS label');
    expect(check({ ...kubelet, kubernetes_sd_configs: [{ role: 'node', namespaces: { names: ['x'] } }] })).toContain('takes no namespaces');
  });
  test('a meta label the role does not have (endpoints vs endpointslice)', () => {
    expect(check(withRelabel({ source_labels: ['__meta_kubernetes_endpoint_port_name'], regex: 'http', action: 'keep' }))).toContain(
      '__meta_kubernetes_endpoint_port_name does not exist for role endpointslice',
    );
    expect(check({ ...kubelet, relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' }] })).toContain(
      'does not exist for role node',
    );
  });
  test('bad regexes, actions and missing fields', () => {
    expect(check(withRelabel({ source_labels: ['__meta_kubernetes_namespace'], regex: '(unclosed', action: 'keep' }))).toContain('regex "(unclosed"');
    expect(check(withRelabel({ source_labels: ['__meta_kubernetes_namespace'], regex: '(?!kube-).*', action: 'keep' }))).toContain('lookaround');
    expect(check(withRelabel({ source_labels: ['__meta_kubernetes_namespace'], action: 'keepp' as 'keep' }))).toContain('unknown action "keepp"');
    expect(check(withRelabel({ action: 'keep' }))).toContain('needs source_labels');
    expect(check(withRelabel({ source_labels: ['__meta_kubernetes_namespace'], action: 'replace' }))).toContain('needs target_label');
  });
});

describe('values validation of targets', () => {
  const refusal = (data: Record<string, unknown>): string => errorOf(() => resolveValues([{ source: 'test.yaml', data }]));
  test('a timeout longer than the interval is refused, naming the key', () => {
    expect(refusal({ prometheus: { targets: { pynomalyApi: { interval: '5s', timeout: '6s' } } } })).toContain(
      'prometheus.targets.pynomalyApi.timeout: the scrape timeout must not exceed the scrape interval (5s)',
    );
    expect(refusal({ prometheus: { scrapeInterval: '5s' } })).toContain('prometheus.scrapeTimeout');
    expect(refusal({ prometheus: { targets: { jaeger: { interval: '30s1m' } } } })).toContain('prometheus.targets.jaeger.interval: expected a Prometheus duration');
  });
  test('an empty selector (every Service of the namespace) and bad port names are refused', () => {
    // Maps merge with their defaults (as in Helm): emptying one takes a null per default label.
    expect(refusal({ prometheus: { targets: { nodeExporter: { selector: { 'app.kubernetes.io/name': null } } } } })).toContain(
      'prometheus.targets.nodeExporter.selector: a selector needs at least one label',
    );
    expect(refusal({ prometheus: { pynomaly: { port: 'HTTP_8000' } } })).toContain('prometheus.pynomaly.port: expected a port name');
    expect(refusal({ prometheus: { pynomaly: { namespaces: [] } } })).toContain('prometheus.pynomaly.namespaces');
  });
  test('a global timeout longer than a short target interval is capped at it', () => {
    const v = resolveValues([{ source: 'test.yaml', data: { prometheus: { targets: { jaeger: { interval: '5s' } } } } }]);
    expect(prometheusTargets(v).find((t) => t.job === JOBS.jaeger)).toMatchObject({ interval: '5s', timeout: '5s' });
  });
});
