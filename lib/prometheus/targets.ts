/**
 * Every scrape target of the stack, declared once. The native `scrape_configs`
 * (scrape-config.ts) and the ServiceMonitors (service-monitors.ts) are both
 * rendered from `scrapeTargets(values, exposed)`, and the RBAC follows from
 * what they discover, so the three cannot drift apart. Our own components
 * declare their targets themselves (`MonitoringComponent.scrapeTargets`);
 * what is declared here is what runs outside the stack.
 *
 * Two kinds of target:
 * - `service`: found through the Services that front it (Kubernetes service
 *   discovery, role endpointslice, in named namespaces only), kept when the
 *   Service carries every selector label and the endpoint's port has the
 *   declared name;
 * - `kubelet`: the kubelet of every node (role node), over https with the
 *   ServiceAccount token, which needs `nodes/metrics` and nothing broader.
 */
import { JOBS, JobName } from '../catalog/jobs';
import { PLANNED_SERVICES } from '../catalog/services';
import type { ExposedScrapeTarget, ProbedEndpoint } from '../core/component';
import { type Labels as CoreLabels } from '../core/labels';
import { ContainerPort } from '../core/workload';
import type { Values } from '../values/schema';
import { SERVICE_ACCOUNT_DIR } from './constants';
import { durationMs } from './duration';
import type { PrometheusValues, TargetKey } from './values';

export type Scheme = 'http' | 'https';
type Labels = Readonly<CoreLabels>;

/** What the Pynomaly API serves (see the shared facts: FastAPI on 8000, /metrics). */
export const PYNOMALY_API = { port: 8000, metricsPath: '/metrics' } as const;

/** Timing and endpoint fields every target has. */
interface TargetCommon {
  /** Key under `prometheus.targets` in the values (when it has one there). */
  readonly key: string;
  /** The `job` label of every series: from lib/catalog/jobs.ts, or a component's own. */
  readonly job: string;
  readonly path: string;
  readonly scheme: Scheme;
  readonly interval: string;
  readonly timeout: string;
}

/** A target found through its Services. */
export interface ServiceTarget extends TargetCommon {
  readonly kind: 'service';
  /** Namespaces its Services are discovered in (sorted, never empty). */
  readonly namespaces: readonly string[];
  /** Labels the Service must carry, all of them. */
  readonly selector: Labels;
  /**
   * Keep only the Service of this name: our own components have a second
   * (headless) Service with the same labels, which would double the targets.
   */
  readonly serviceName?: string;
  /** Name of the Service port that serves the metrics; its number documents the default. */
  readonly port: ContainerPort;
  /** Usually on the host network (a DaemonSet with hostNetwork), where its address is the node's. */
  readonly hostNetwork?: boolean;
}

/** The kubelet of every node, scraped directly (not through the API server proxy). */
export interface KubeletTarget extends TargetCommon {
  readonly kind: 'kubelet';
  readonly scheme: 'https';
  readonly port: ContainerPort;
  /** Files mounted from the ServiceAccount token (automountServiceAccountToken). */
  readonly bearerTokenFile: string;
  readonly caFile: string;
  readonly insecureSkipVerify: boolean;
}

/**
 * Endpoints probed through a prober (the blackbox exporter's `/probe`): the
 * multi-target pattern. The probed URLs are static targets; relabelling turns
 * each into the `target` parameter and `instance`, and sends the scrape to the
 * prober's Service (`proberAddress`). Selector, Service and port are the
 * prober's: what Prometheus connects to.
 */
export interface ProbeTarget extends TargetCommon {
  readonly kind: 'probe';
  readonly module: string;
  readonly targets: readonly ProbedEndpoint[];
  /** `<service>.<namespace>.svc:<port>` of the prober. */
  readonly proberAddress: string;
  readonly namespaces: readonly string[];
  readonly selector: Labels;
  readonly serviceName: string;
  readonly port: ContainerPort;
}

export type ScrapeTarget = ServiceTarget | KubeletTarget | ProbeTarget;

/**
 * The Service the Prometheus Operator maintains for the kubelets
 * (`--kubelet-service=kube-system/kubelet`), which a kubelet ServiceMonitor selects.
 */
export const OPERATOR_KUBELET_SERVICE = {
  namespace: 'kube-system',
  selector: { 'app.kubernetes.io/name': 'kubelet' },
  port: 'https-metrics',
} as const;

const KUBELET_PORT: ContainerPort = { name: 'https-metrics', port: 10250 };

// ---------------------------------------------------------------------------
// Declarations

interface Placement {
  readonly namespaces: readonly string[];
  readonly selector: Labels;
  readonly port: ContainerPort;
}

interface ServiceDeclaration {
  readonly kind: 'service';
  readonly job: JobName;
  readonly path: string;
  readonly place: (values: Values) => Placement;
  readonly hostNetwork?: boolean;
}

interface KubeletDeclaration {
  readonly kind: 'kubelet';
  readonly job: JobName;
  readonly path: string;
}

type Declaration = ServiceDeclaration | KubeletDeclaration;

type ExternalKey = 'nodeExporter' | 'redisExporter' | 'postgresExporter' | 'elasticsearchExporter' | 'jaeger';

/**
 * An exporter (or service) deployed outside this stack: selector, port name and
 * namespaces from its values; by default in the stack's namespace (`stack`) or
 * where the application runs (`app`).
 */
function external(key: ExternalKey, job: JobName, portNumber: number, where: 'stack' | 'app', opts: { hostNetwork?: boolean } = {}): ServiceDeclaration {
  return {
    kind: 'service',
    job,
    path: '/metrics',
    ...opts,
    place: (v) => {
      const t = v.prometheus.targets[key];
      const defaults = where === 'stack' ? [v.namespace] : v.prometheus.pynomaly.namespaces;
      return { namespaces: t.namespaces ?? defaults, selector: t.selector, port: { name: t.port, port: portNumber } };
    },
  };
}

function kubelet(job: JobName, path: string): KubeletDeclaration {
  return { kind: 'kubelet', job, path };
}

type OutsideKey = Exclude<TargetKey, 'prometheus' | 'alertmanager' | 'grafana'>;

/**
 * The targets outside the stack, in the order of `scrape_configs`; our own
 * components' targets come after the API's (`COMPONENTS_AFTER`).
 */
export const TARGETS: { readonly [K in OutsideKey]: Declaration } = {
  pynomalyApi: {
    kind: 'service',
    job: JOBS.pynomalyApi,
    path: PYNOMALY_API.metricsPath,
    place: (v) => ({
      namespaces: v.prometheus.pynomaly.namespaces,
      selector: v.prometheus.pynomaly.selector,
      port: { name: v.prometheus.pynomaly.port, port: PYNOMALY_API.port },
    }),
  },
  // Exporters usually run on the host network (the prometheus-node-exporter chart does): no pod selector matches their address.
  nodeExporter: external('nodeExporter', JOBS.nodeExporter, 9100, 'stack', { hostNetwork: true }),
  redisExporter: external('redisExporter', JOBS.redisExporter, 9121, 'app'),
  postgresExporter: external('postgresExporter', JOBS.postgresExporter, 9187, 'app'),
  elasticsearchExporter: external('elasticsearchExporter', JOBS.elasticsearchExporter, 9114, 'stack'),
  jaeger: external('jaeger', JOBS.jaeger, PLANNED_SERVICES.jaeger.metricsPort.port, 'stack'),
  kubelet: kubelet(JOBS.kubelet, '/metrics'),
  cadvisor: kubelet(JOBS.cadvisor, '/metrics/cadvisor'),
};

/** Our components' targets are listed after this one (the order of `scrape_configs`). */
const COMPONENTS_AFTER: OutsideKey = 'pynomalyApi';

// ---------------------------------------------------------------------------
// Resolution against values

/**
 * The enabled targets of an environment, fully resolved: the API, then the
 * targets our components expose (`exposed`, in registry order), then the rest.
 */
export function scrapeTargets(values: Values, exposed: readonly ExposedScrapeTarget[]): ScrapeTarget[] {
  const out: ScrapeTarget[] = [];
  // A component of ours that exposes a target of the same key (an exporter we deploy) replaces the declaration.
  const ours = new Set(exposed.map((t) => t.key));
  for (const key of Object.keys(TARGETS) as OutsideKey[]) {
    const tv = values.prometheus.targets[key];
    if (tv.enabled && !ours.has(key)) out.push(resolveDeclaration(values, key, TARGETS[key], tv));
    if (key === COMPONENTS_AFTER) out.push(...exposed.flatMap((t) => resolveExposed(values, t)));
  }
  return out;
}

/** Timing values of a target: its entry under prometheus.targets, if it has one. */
function targetValues(values: Values, key: string): { enabled: boolean; interval?: string; timeout?: string } | undefined {
  const targets: Readonly<Record<string, { enabled: boolean; interval?: string; timeout?: string }>> = values.prometheus.targets;
  return Object.prototype.hasOwnProperty.call(targets, key) ? targets[key] : undefined;
}

function resolveExposed(values: Values, t: ExposedScrapeTarget): ScrapeTarget[] {
  const tv = targetValues(values, t.key) ?? { enabled: true };
  if (!tv.enabled) return [];
  const { interval, timeout } = timing(values.prometheus, tv);
  const common = { key: t.key, job: t.job, path: t.path, interval, timeout, scheme: 'http' as const, namespaces: [t.namespace], selector: t.selector, serviceName: t.serviceName, port: t.port };
  if (t.probe) {
    if (!t.probe.targets.length) return [];
    return [{ ...common, kind: 'probe', module: t.probe.module, targets: t.probe.targets, proberAddress: `${t.serviceName}.${t.namespace}.svc:${t.port.port}` }];
  }
  return [{ ...common, kind: 'service', ...(t.hostNetwork ? { hostNetwork: true } : {}) }];
}

function resolveDeclaration(values: Values, key: OutsideKey, decl: Declaration, tv: { interval?: string; timeout?: string }): ScrapeTarget {
  const { interval, timeout } = timing(values.prometheus, tv);
  const common = { key, job: decl.job, path: decl.path, interval, timeout };
  if (decl.kind === 'kubelet') {
    const kv = values.prometheus.targets[key as 'kubelet' | 'cadvisor'];
    return {
      ...common,
      kind: 'kubelet',
      scheme: 'https',
      port: KUBELET_PORT,
      bearerTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
      caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
      insecureSkipVerify: kv.insecureSkipVerify,
    };
  }
  const placement = decl.place(values);
  return {
    ...common,
    kind: 'service',
    scheme: 'http',
    namespaces: [...new Set(placement.namespaces)].sort(),
    selector: placement.selector,
    port: placement.port,
    ...(decl.hostNetwork ? { hostNetwork: true } : {}),
  };
}

/** Interval and timeout of a target: its own, else the global ones (the timeout capped at the interval). */
function timing(pv: PrometheusValues, tv: { interval?: string; timeout?: string }): { interval: string; timeout: string } {
  const interval = tv.interval ?? pv.scrapeInterval;
  if (tv.timeout) return { interval, timeout: tv.timeout };
  const timeout = durationMs(pv.scrapeTimeout) <= durationMs(interval) ? pv.scrapeTimeout : interval;
  return { interval, timeout };
}
