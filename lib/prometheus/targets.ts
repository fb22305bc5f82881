/**
 * Every scrape target of the stack, declared once. The native `scrape_configs`
 * (scrape-config.ts) and the ServiceMonitors (service-monitors.ts) are both
 * rendered from `scrapeTargets(values)`, and the RBAC follows from what they
 * discover, so the three cannot drift apart.
 *
 * Two kinds of target:
 * - `service`: found through the Services that front it (Kubernetes service
 *   discovery, role endpointslice, in named namespaces only), kept when the
 *   Service carries every selector label and the endpoint's port has the
 *   declared name;
 * - `kubelet`: the kubelet of every node (role node), over https with the
 *   ServiceAccount token, which needs `nodes/metrics` and nothing broader.
 */
import { ALERTMANAGER } from '../alertmanager/constants';
import { JOBS, JobName } from '../catalog/jobs';
import { selectorLabels, type Labels as CoreLabels } from '../core/labels';
import { ContainerPort } from '../core/workload';
import { GRAFANA } from '../grafana/constants';
import type { Values } from '../values/schema';
import { SERVICE_ACCOUNT_DIR, PROMETHEUS } from './constants';
import { durationMs } from './duration';
import type { PrometheusValues, TargetKey } from './values';

export type Scheme = 'http' | 'https';
type Labels = Readonly<CoreLabels>;

/** What the Pynomaly API serves (see the shared facts: FastAPI on 8000, /metrics). */
export const PYNOMALY_API = { port: 8000, metricsPath: '/metrics' } as const;

/** Timing and endpoint fields every target has. */
interface TargetCommon {
  /** Key under `prometheus.targets` in the values. */
  readonly key: TargetKey;
  /** The `job` label of every series: from lib/catalog/jobs.ts. */
  readonly job: JobName;
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

export type ScrapeTarget = ServiceTarget | KubeletTarget;

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
  readonly serviceName?: string;
  readonly port: ContainerPort;
}

interface ServiceDeclaration {
  readonly kind: 'service';
  readonly job: JobName;
  readonly path: string;
  /** Whether the target exists at all (our own components only when deployed). */
  readonly exists: (values: Values) => boolean;
  readonly place: (values: Values) => Placement;
}

interface KubeletDeclaration {
  readonly kind: 'kubelet';
  readonly job: JobName;
  readonly path: string;
}

type Declaration = ServiceDeclaration | KubeletDeclaration;

/** A component of this stack: its Service, by name and selector labels, in the stack's namespace. */
function stackComponent(job: JobName, component: { name: string; port: ContainerPort }, exists: (v: Values) => boolean): ServiceDeclaration {
  return {
    kind: 'service',
    job,
    path: '/metrics',
    exists,
    place: (v) => ({
      namespaces: [v.namespace],
      // Every object of a component's chart carries these two labels (commonLabels); they never change.
      selector: selectorLabels({ name: component.name, instance: v.instance }),
      serviceName: component.name,
      port: component.port,
    }),
  };
}

type ExternalKey = 'nodeExporter' | 'redisExporter' | 'postgresExporter' | 'elasticsearchExporter' | 'jaeger';

/**
 * An exporter (or service) deployed outside this stack: selector, port name and
 * namespaces from its values; by default in the stack's namespace (`stack`) or
 * where the application runs (`app`).
 */
function external(key: ExternalKey, job: JobName, portNumber: number, where: 'stack' | 'app'): ServiceDeclaration {
  return {
    kind: 'service',
    job,
    path: '/metrics',
    exists: () => true,
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

/** The targets, in the order of `scrape_configs`. */
export const TARGETS: { readonly [K in TargetKey]: Declaration } = {
  pynomalyApi: {
    kind: 'service',
    job: JOBS.pynomalyApi,
    path: PYNOMALY_API.metricsPath,
    exists: () => true,
    place: (v) => ({
      namespaces: v.prometheus.pynomaly.namespaces,
      selector: v.prometheus.pynomaly.selector,
      port: { name: v.prometheus.pynomaly.port, port: PYNOMALY_API.port },
    }),
  },
  prometheus: stackComponent(JOBS.prometheus, PROMETHEUS, (v) => v.prometheus.enabled),
  alertmanager: stackComponent(JOBS.alertmanager, ALERTMANAGER, (v) => v.alertmanager.enabled),
  grafana: stackComponent(JOBS.grafana, GRAFANA, (v) => v.grafana.enabled),
  nodeExporter: external('nodeExporter', JOBS.nodeExporter, 9100, 'stack'),
  redisExporter: external('redisExporter', JOBS.redisExporter, 9121, 'app'),
  postgresExporter: external('postgresExporter', JOBS.postgresExporter, 9187, 'app'),
  elasticsearchExporter: external('elasticsearchExporter', JOBS.elasticsearchExporter, 9114, 'stack'),
  jaeger: external('jaeger', JOBS.jaeger, 14269, 'stack'),
  kubelet: kubelet(JOBS.kubelet, '/metrics'),
  cadvisor: kubelet(JOBS.cadvisor, '/metrics/cadvisor'),
};

// ---------------------------------------------------------------------------
// Resolution against values

/** The enabled targets of an environment, fully resolved, in declaration order. */
export function scrapeTargets(values: Values): ScrapeTarget[] {
  const out: ScrapeTarget[] = [];
  for (const key of Object.keys(TARGETS) as TargetKey[]) {
    const decl = TARGETS[key];
    const tv = values.prometheus.targets[key];
    if (!tv.enabled) continue;
    const { interval, timeout } = timing(values.prometheus, tv);
    const common = { key, job: decl.job, path: decl.path, interval, timeout };
    if (decl.kind === 'kubelet') {
      const kv = values.prometheus.targets[key as 'kubelet' | 'cadvisor'];
      out.push({
        ...common,
        kind: 'kubelet',
        scheme: 'https',
        port: KUBELET_PORT,
        bearerTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
        caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
        insecureSkipVerify: kv.insecureSkipVerify,
      });
      continue;
    }
    if (!decl.exists(values)) continue;
    const placement = decl.place(values);
    out.push({
      ...common,
      kind: 'service',
      scheme: 'http',
      namespaces: [...new Set(placement.namespaces)].sort(),
      selector: placement.selector,
      ...(placement.serviceName ? { serviceName: placement.serviceName } : {}),
      port: placement.port,
    });
  }
  return out;
}

/** Interval and timeout of a target: its own, else the global ones (the timeout capped at the interval). */
function timing(pv: PrometheusValues, tv: { interval?: string; timeout?: string }): { interval: string; timeout: string } {
  const interval = tv.interval ?? pv.scrapeInterval;
  if (tv.timeout) return { interval, timeout: tv.timeout };
  const timeout = durationMs(pv.scrapeTimeout) <= durationMs(interval) ? pv.scrapeTimeout : interval;
  return { interval, timeout };
}
