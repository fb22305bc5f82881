/**
 * ServiceMonitors for clusters where a Prometheus Operator runs, rendered from
 * the same target declarations as the native scrape configs. They go to
 * `prometheus-operator/servicemonitors.yaml` (a subfolder: plain
 * `kubectl apply -f dist/<env>/` never needs the CRD; the Helm chart renders
 * them only where monitoring.coreos.com/v1 is served).
 *
 * The operator already sets namespace, service, pod and container and drops
 * finished pods; the relabelings add what it does not: the job name of
 * lib/catalog/jobs.ts (instead of the Service name), the node, and the
 * Service-name filter of our own components.
 */
import { Chart } from 'cdk8s';
import {
  ServiceMonitor,
  ServiceMonitorSpec,
  ServiceMonitorSpecEndpoints,
  ServiceMonitorSpecEndpointsRelabelings,
  ServiceMonitorSpecEndpointsRelabelingsAction,
  ServiceMonitorSpecEndpointsScheme,
} from '../../imports/monitoring.coreos.com';
import { Relabel, copyLabel, setLabel } from './relabel';
import { PROBE_SERVICE_LABEL, SERVICE_TARGET_LABELS, serviceNameKeep } from './scrape-config';
import { KubeletTarget, OPERATOR_KUBELET_SERVICE, ProbeTarget, ScrapeTarget, ServiceTarget } from './targets';

export interface ServiceMonitorOptions {
  /** Extra labels, for the operator Prometheus' serviceMonitorSelector. */
  readonly labels: Readonly<Record<string, string>>;
  /** Render the kubelet/cAdvisor targets too (selecting the operator's kubelet Service). */
  readonly includeKubelet: boolean;
}

/** The ServiceMonitor specs of the targets, by name (the job name). */
export function serviceMonitorSpecs(targets: readonly ScrapeTarget[], opts: Pick<ServiceMonitorOptions, 'includeKubelet'>): Map<string, ServiceMonitorSpec> {
  const specs = new Map<string, ServiceMonitorSpec>();
  for (const t of targets) {
    if (t.kind === 'service') specs.set(t.job, serviceSpec(t));
    else if (t.kind === 'probe') specs.set(t.job, probeSpec(t));
    else if (opts.includeKubelet) specs.set(t.job, kubeletSpec(t));
  }
  return specs;
}

export function renderServiceMonitors(chart: Chart, targets: readonly ScrapeTarget[], opts: ServiceMonitorOptions): void {
  for (const [name, spec] of serviceMonitorSpecs(targets, opts)) {
    new ServiceMonitor(chart, name, {
      metadata: { name, ...(Object.keys(opts.labels).length ? { labels: { ...opts.labels } } : {}) },
      spec,
    });
  }
}

function serviceSpec(t: ServiceTarget): ServiceMonitorSpec {
  const relabels: Relabel[] = [
    ...(t.serviceName ? [serviceNameKeep(t.serviceName)] : []),
    setLabel('job', t.job),
    copyLabel(SERVICE_TARGET_LABELS.node, 'node'),
  ];
  return {
    selector: { matchLabels: { ...t.selector } },
    namespaceSelector: { matchNames: [...t.namespaces] },
    endpoints: [{ ...endpoint(t), port: t.port.name, relabelings: relabels.map(toRelabeling) }],
  };
}

/**
 * A probe job without the Probe CRD: the prober's Service, one endpoint per
 * probed URL whose `target` parameter is that URL, labelled as the native
 * job labels it (instance: the URL, service: the probed component).
 */
function probeSpec(t: ProbeTarget): ServiceMonitorSpec {
  return {
    selector: { matchLabels: { ...t.selector } },
    namespaceSelector: { matchNames: [...t.namespaces] },
    endpoints: t.targets.map((p) => ({
      ...endpoint(t),
      port: t.port.name,
      params: { module: [t.module], target: [p.url] },
      relabelings: [serviceNameKeep(t.serviceName), setLabel('job', t.job), setLabel('instance', p.url), setLabel(PROBE_SERVICE_LABEL, p.service)].map(toRelabeling),
    })),
  };
}

function kubeletSpec(t: KubeletTarget): ServiceMonitorSpec {
  return {
    selector: { matchLabels: { ...OPERATOR_KUBELET_SERVICE.selector } },
    namespaceSelector: { matchNames: [OPERATOR_KUBELET_SERVICE.namespace] },
    endpoints: [
      {
        ...endpoint(t),
        port: OPERATOR_KUBELET_SERVICE.port,
        // The operator sets `node` for endpoints backed by a Node.
        relabelings: [setLabel('job', t.job)].map(toRelabeling),
        bearerTokenFile: t.bearerTokenFile,
        tlsConfig: { caFile: t.caFile, insecureSkipVerify: t.insecureSkipVerify },
      },
    ],
  };
}

function endpoint(t: ScrapeTarget): ServiceMonitorSpecEndpoints {
  return {
    path: t.path,
    scheme: t.scheme === 'https' ? ServiceMonitorSpecEndpointsScheme.HTTPS : ServiceMonitorSpecEndpointsScheme.HTTP,
    interval: t.interval,
    scrapeTimeout: t.timeout,
  };
}

function toRelabeling(r: Relabel): ServiceMonitorSpecEndpointsRelabelings {
  return {
    ...(r.sourceLabels ? { sourceLabels: [...r.sourceLabels] } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel ? { targetLabel: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.modulus !== undefined ? { modulus: r.modulus } : {}),
    action: r.action as ServiceMonitorSpecEndpointsRelabelingsAction,
  };
}
