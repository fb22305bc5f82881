/**
 * The native `scrape_configs` of prometheus.yml, rendered from the target
 * declarations (targets.ts).
 */
import { KubernetesSdConfig } from './kubernetes-sd';
import { copyLabel, keepEqual, NativeRelabel, Relabel, sanitizeLabelName, setLabel, toNative } from './relabel';
import { KubeletTarget, ProbeTarget, Scheme, ScrapeTarget, ServiceTarget } from './targets';

export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval: string;
  readonly scrape_timeout: string;
  readonly metrics_path: string;
  readonly scheme: Scheme;
  readonly authorization?: { readonly type: 'Bearer'; readonly credentials_file: string };
  readonly tls_config?: { readonly ca_file: string; readonly insecure_skip_verify: boolean };
  /** URL parameters of every scrape (a prober's `module`). */
  readonly params?: Readonly<Record<string, readonly string[]>>;
  /** Absent where the targets are static (probed URLs). */
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly static_configs?: readonly { readonly targets: readonly string[]; readonly labels?: Readonly<Record<string, string>> }[];
  readonly relabel_configs: readonly NativeRelabel[];
}

/**
 * Target labels every series gets, and where they come from (see TARGET_LABELS
 * in lib/catalog/index.ts: job and instance are Prometheus' own; cluster and
 * environment are external labels).
 */
export const SERVICE_TARGET_LABELS = {
  namespace: '__meta_kubernetes_namespace',
  pod: '__meta_kubernetes_pod_name',
  service: '__meta_kubernetes_service_name',
  container: '__meta_kubernetes_pod_container_name',
  node: '__meta_kubernetes_pod_node_name',
} as const;

export const KUBELET_TARGET_LABELS = {
  node: '__meta_kubernetes_node_name',
} as const;

/** The endpoint-slice meta label holding the Service port name. */
export const PORT_NAME_LABEL = '__meta_kubernetes_endpointslice_port_name';

export function scrapeConfig(target: ScrapeTarget): ScrapeConfig {
  if (target.kind === 'probe') return probeScrapeConfig(target);
  return target.kind === 'service' ? serviceScrapeConfig(target) : kubeletScrapeConfig(target);
}

/** The label a probe series names its component with. */
export const PROBE_SERVICE_LABEL = 'service';

/**
 * The multi-target pattern: each probed URL is a static target (with its
 * component as `service`); relabelling passes it to the prober as `target`,
 * keeps it as `instance`, and sends the scrape to the prober.
 */
export function probeRelabels(proberAddress: string): Relabel[] {
  return [
    { sourceLabels: ['__address__'], targetLabel: '__param_target', action: 'replace' },
    copyLabel('__param_target', 'instance'),
    setLabel('__address__', proberAddress),
  ];
}

function probeScrapeConfig(t: ProbeTarget): ScrapeConfig {
  return {
    ...scrapeSettings(t),
    params: { module: [t.module] },
    // namespace: the prober's, as endpoint discovery labels every other job's series.
    static_configs: t.targets.map((p) => ({ targets: [p.url], labels: { namespace: t.namespaces[0], [PROBE_SERVICE_LABEL]: p.service } })),
    relabel_configs: probeRelabels(t.proberAddress).map(toNative),
  };
}

/** Keep rules that select a service target's endpoints: Service labels, Service name, port name. */
export function serviceSelection(t: ServiceTarget): Relabel[] {
  return [
    ...Object.keys(t.selector)
      .sort()
      .map((key) => keepEqual(`__meta_kubernetes_service_label_${sanitizeLabelName(key)}`, t.selector[key])),
    ...(t.serviceName ? [serviceNameKeep(t.serviceName)] : []),
    keepEqual(PORT_NAME_LABEL, t.port.name),
  ];
}

/** Keeps only the Service of this name (shared with the ServiceMonitors, where it is a relabeling). */
export function serviceNameKeep(name: string): Relabel {
  return keepEqual('__meta_kubernetes_service_name', name);
}

function serviceScrapeConfig(t: ServiceTarget): ScrapeConfig {
  const relabels: Relabel[] = [
    ...serviceSelection(t),
    // Endpoints of completed pods linger in the slices; the operator drops them too.
    { sourceLabels: ['__meta_kubernetes_pod_phase'], regex: 'Succeeded|Failed', action: 'drop' },
    ...Object.entries(SERVICE_TARGET_LABELS).map(([target, source]) => copyLabel(source, target)),
  ];
  return {
    ...scrapeSettings(t),
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [...t.namespaces] } }],
    relabel_configs: relabels.map(toNative),
  };
}

/** What every job states the same way: name, interval, timeout, path and scheme. */
function scrapeSettings(t: ScrapeTarget): Pick<ScrapeConfig, 'job_name' | 'scrape_interval' | 'scrape_timeout' | 'metrics_path' | 'scheme'> {
  return { job_name: t.job, scrape_interval: t.interval, scrape_timeout: t.timeout, metrics_path: t.path, scheme: t.scheme };
}

function kubeletScrapeConfig(t: KubeletTarget): ScrapeConfig {
  return {
    ...scrapeSettings(t),
    // `authorization` rather than the older bearer_token_file: both Prometheus 2.x and 3.x read it.
    authorization: { type: 'Bearer', credentials_file: t.bearerTokenFile },
    tls_config: { ca_file: t.caFile, insecure_skip_verify: t.insecureSkipVerify },
    // The node role's address is the node's InternalIP with the kubelet port (10250).
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: Object.entries(KUBELET_TARGET_LABELS).map(([target, source]) => toNative(copyLabel(source, target))),
  };
}
