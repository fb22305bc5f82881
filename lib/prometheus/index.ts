/**
 * Prometheus server: a StatefulSet with a volume per replica, its config and
 * rules from ConfigMaps, a config-reloader sidecar, least-privilege RBAC for
 * Kubernetes service discovery, and a Service on 9090. Plus ServiceMonitors
 * of the same targets for clusters with a Prometheus Operator.
 *
 * Config and rule changes are hot-reloaded, not rolled: the sidecar watches
 * the mounted ConfigMaps and POSTs /-/reload, so a new rule does not restart
 * Prometheus (a restart replays the WAL, minutes on a large TSDB, with a gap in
 * scraping and rule evaluation). Hence no checksum annotation on the pods;
 * what does need a restart (flags, image, resources) is in the pod template
 * and rolls the StatefulSet as usual. A config Prometheus rejects leaves the
 * old one running and sets prometheus_config_last_reload_successful to 0.
 */
import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ExposedScrapeTarget, MonitoringComponent, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { AppIdentity } from '../core/labels';
import { container, httpProbe, persistentStatefulSet, service, serviceAccount } from '../core/workload';
import { GraphContext, prometheusEdges } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { toYaml } from '../synth/yaml';
import { publicUrlOf } from '../ingress';
import { ValuesError } from '../values/errors';
import { byteSize, packBySize, partName } from '../values/validators/object-size';
import { checkPrometheusConfig, PrometheusConfig, prometheusConfig } from './config';
import { CONFIG_RELOADER, PROMETHEUS } from './constants';
import { discoveryAccess, renderRbac } from './rbac';
import { remoteWriteMounts } from './remote-write';
import { renderServiceMonitors } from './service-monitors';
import { ScrapeTarget, scrapeTargets } from './targets';
import { PrometheusValues, prometheusValues } from './values';
import { parseSettings } from '../values/parsed';

export const SERVICE_MONITORS_PATH = 'prometheus-operator/servicemonitors';

/** Prometheus' settings: exactly its values (`prometheus.*`), with their defaults and docs (values.ts). */
export type PrometheusSettings = NonNullable<z.input<typeof prometheusValues>>;

export interface PrometheusProps extends ComponentProps {
  /** Its values (`prometheus.*`); every key has its default (lib/prometheus/values.ts). @default {} */
  readonly values?: PrometheusSettings;
  /**
   * What it scrapes, given the targets it exposes itself (its own /metrics).
   * @default its own targets only, with the global timing
   */
  readonly scrapeTargets?: (own: readonly ExposedScrapeTarget[]) => readonly ScrapeTarget[];
  /** `host:port` of every Alertmanager replica it sends alerts to. @default none: no alerting block */
  readonly alertmanagers?: readonly string[];
  /** Rule files (name ending in .yaml -> content), mounted from the rules ConfigMap. @default {} */
  readonly ruleFiles?: Readonly<Record<string, string>>;
  /** external_labels of every series and alert. @default {} */
  readonly externalLabels?: Readonly<Record<string, string>>;
}

/**
 * The Prometheus server of one namespace: StatefulSet, config and rules
 * ConfigMaps, discovery RBAC, Service. Its public members are what other
 * components use: `endpoint` (Grafana's datasource), `scrapeTargets`, `config`.
 */
export class Prometheus extends ComponentConstruct<PrometheusValues> {
  public readonly services: readonly ServiceEndpoint[];
  /** The rendered prometheus.yml (its scrape configs and Alertmanagers are what it connects to). */
  public readonly config: PrometheusConfig;
  /** Every target it scrapes, resolved. */
  public readonly targets: readonly ScrapeTarget[];
  /** Escape hatch: the StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;

  public constructor(scope: Construct, id: string, props: PrometheusProps = {}) {
    super(scope, id, props, { ...PROMETHEUS, job: JOBS.prometheus, targetKey: 'prometheus' }, parseSettings(prometheusValues, props.values));
    const v = this.values;
    const identity = this.identity;
    this.services = [this.endpoint];
    this.targets = props.scrapeTargets ? props.scrapeTargets(this.scrapeTargets) : ownTargets(v, this.scrapeTargets);
    this.config = prometheusConfig(v, { externalLabels: props.externalLabels ?? {}, alertmanagers: props.alertmanagers ?? [], targets: this.targets });
    const data = configMapData(this.config, props.ruleFiles ?? {});
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: PROMETHEUS.configMap }, data: data.config });
    // Rule files beyond one ConfigMap's size go to prometheus-rules-2, ...: all mounted into the rules folder.
    const ruleParts = packBySize(Object.entries(data.rules), ([name, text]) => byteSize(name) + byteSize(text), ([name], bytes) => new ValuesError(`rule file ${name} is ${bytes} bytes, more than one ConfigMap holds`));
    const ruleConfigMaps = ruleParts.map((part, i) => {
      const name = partName(PROMETHEUS.rulesConfigMap, i);
      new k8s.KubeConfigMap(this, partName('rules', i), { metadata: { name }, data: Object.fromEntries(part) });
      return name;
    });

    serviceAccount(this, 'sa', PROMETHEUS.name);
    renderRbac(this, this.namespace, discoveryAccess(this.config, this.targets));
    const svc = service(this, 'service', { name: PROMETHEUS.name, identity, ports: [PROMETHEUS.port] });
    if (v.replicas > 1) {
      // Replicas scrape independently and differ slightly: keep each client (Grafana) on one of them.
      svc.addJsonPatch(JsonPatch.add('/spec/sessionAffinity', 'ClientIP'));
    }
    this.statefulSet = statefulSet(this, identity, v, ruleConfigMaps);
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return prometheusEdges(g, self, this.config, this.targets, { ...this.values.federation, port: PROMETHEUS.port.port });
  }
}

/** Its own targets, resolved with the values' timing (when nothing else is scraped). */
function ownTargets(v: PrometheusValues, own: readonly ExposedScrapeTarget[]): ScrapeTarget[] {
  return own.map((t) => ({
    key: t.key,
    job: t.job,
    path: t.path,
    kind: 'service',
    scheme: 'http',
    interval: v.scrapeInterval,
    timeout: v.scrapeTimeout,
    namespaces: [t.namespace],
    selector: t.selector,
    serviceName: t.serviceName,
    port: t.port,
  }));
}

/** The registry entry: Prometheus scrapes every other component, so it is built after them. */
export const prometheusComponent: ComponentDefinition<typeof prometheusValues, 'prometheus'> = {
  key: 'prometheus',
  values: prometheusValues,
  uses: ['*'],
  // The ServiceMonitors are for an Operator's Prometheus: they are rendered even when ours is off.
  renderWhenDisabled: true,
  build(ctx) {
    const v = ctx.values;
    const stack = ctx.stack;
    const identity = ctx.identity(PROMETHEUS.name, PROMETHEUS.component, v.image.tag);
    // Our own target takes Prometheus' place among the components' (registry order).
    const here = ctx.registryOrder('prometheus');
    const others = ctx.components();
    const targetsWith = (own: readonly ExposedScrapeTarget[]) =>
      scrapeTargets(stack, [
        ...others.filter((c) => ctx.registryOrder(c) < here).flatMap((c) => c.scrapeTargets),
        ...own,
        ...others.filter((c) => ctx.registryOrder(c) > here).flatMap((c) => c.scrapeTargets),
      ]);
    let prometheus: Prometheus | undefined;
    if (v.enabled) {
      const alertmanager = ctx.component<MonitoringComponent & { replicaAddresses: readonly string[] }>('alertmanager');
      const rules = ctx.component<Construct & { files: Readonly<Record<string, string>> }>('rules');
      prometheus = new Prometheus(ctx.chart(PROMETHEUS.name, identity), 'prometheus', {
        // Alert links follow the ingress host unless the values name another URL.
        values: { ...v, externalUrl: v.externalUrl ?? publicUrlOf(ctx.component, 'prometheus') },
        namespace: ctx.namespace,
        instance: stack.instance,
        scrapeTargets: targetsWith,
        alertmanagers: alertmanager?.replicaAddresses ?? [],
        ruleFiles: rules?.files ?? {},
        externalLabels: { cluster: stack.cluster, environment: stack.environment },
      });
    }
    if (v.serviceMonitors.enabled) {
      const chart = ctx.chart(SERVICE_MONITORS_PATH, identity, { requiresApi: 'monitoring.coreos.com/v1', helmCondition: 'prometheus.serviceMonitors.enabled' });
      renderServiceMonitors(chart, prometheus?.targets ?? targetsWith([]), { labels: v.serviceMonitors.labels, includeKubelet: v.serviceMonitors.kubelet });
    }
    return prometheus;
  },
};

/** The ConfigMap contents: prometheus.yml (checked) and the rule files. */
export function configMapData(config: PrometheusConfig, rules: Readonly<Record<string, string>>): { config: Record<string, string>; rules: Record<string, string> } {
  const problems = checkPrometheusConfig(config);
  if (problems.length) throw new Error(`invalid Prometheus configuration:\n${problems.join('\n')}`);
  const misnamed = Object.keys(rules).filter((f) => !f.endsWith(PROMETHEUS.ruleFileSuffix));
  if (misnamed.length) {
    throw new Error(`rule files ${misnamed.join(', ')} would not be loaded: rule_files only matches *${PROMETHEUS.ruleFileSuffix}`);
  }
  return { config: { [PROMETHEUS.configFile]: toYaml(config) }, rules: { ...rules } };
}
function prometheusArgs(v: PrometheusValues): string[] {
  return [
    `--config.file=${PROMETHEUS.configDir}/${PROMETHEUS.configFile}`,
    `--storage.tsdb.path=${PROMETHEUS.dataDir}`,
    `--storage.tsdb.retention.time=${v.retention}`,
    `--storage.tsdb.retention.size=${v.retentionSize}`,
    // POST /-/reload, used by the config-reloader sidecar.
    '--web.enable-lifecycle',
    `--web.listen-address=:${PROMETHEUS.port.port}`,
    // With an external URL that has a path, keep serving at / so probes and the reloader still find /-/ready and /-/reload.
    ...(v.externalUrl ? [`--web.external-url=${v.externalUrl}`, '--web.route-prefix=/'] : []),
  ];
}

function statefulSet(scope: Construct, identity: AppIdentity, v: PrometheusValues, ruleConfigMaps: readonly string[]): k8s.KubeStatefulSet {
  const port = PROMETHEUS.port.name;
  const configMount = { name: 'config', mountPath: PROMETHEUS.configDir, readOnly: true };
  const rulesMount = { name: 'rules', mountPath: PROMETHEUS.rulesDir, readOnly: true };
  // remote_write credentials: Secret files, re-read by Prometheus when it sends (rotation needs no restart).
  const remoteWrite = remoteWriteMounts(v);
  const prometheus = container({
    name: PROMETHEUS.name,
    image: v.image,
    args: prometheusArgs(v),
    ports: [PROMETHEUS.port],
    resources: v.resources,
    readinessProbe: httpProbe('/-/ready', port, { periodSeconds: 5 }),
    livenessProbe: httpProbe('/-/healthy', port, { periodSeconds: 15, failureThreshold: 4 }),
    // WAL replay after a restart can take minutes on a large TSDB.
    startupProbe: httpProbe('/-/ready', port, { periodSeconds: 15, failureThreshold: 60 }),
    volumeMounts: [
      configMount,
      rulesMount,
      { name: 'data', mountPath: PROMETHEUS.dataDir },
      ...remoteWrite.map((m) => ({ name: m.volume.name, mountPath: m.mountPath, readOnly: true })),
    ],
  });
  const reloader = container({
    name: CONFIG_RELOADER.name,
    image: v.configReloader.image,
    args: [
      `--listen-address=:${CONFIG_RELOADER.port.port}`,
      `--reload-url=http://127.0.0.1:${PROMETHEUS.port.port}/-/reload`,
      `--config-file=${PROMETHEUS.configDir}/${PROMETHEUS.configFile}`,
      `--watched-dir=${PROMETHEUS.rulesDir}`,
    ],
    ports: [CONFIG_RELOADER.port],
    resources: v.configReloader.resources,
    readinessProbe: httpProbe('/healthz', CONFIG_RELOADER.port.name),
    livenessProbe: httpProbe('/healthz', CONFIG_RELOADER.port.name, { periodSeconds: 30 }),
    volumeMounts: [configMount, rulesMount],
  });
  return persistentStatefulSet(scope, 'statefulset', {
    name: PROMETHEUS.name,
    serviceName: PROMETHEUS.name,
    replicas: v.replicas,
    storage: v.storage,
    pod: {
      identity,
      containers: [prometheus, reloader],
      runAsUser: PROMETHEUS.uid,
      serviceAccountName: PROMETHEUS.name,
      // Kubernetes service discovery and kubelet scraping authenticate with the ServiceAccount token.
      automountServiceAccountToken: true,
      terminationGracePeriodSeconds: 600,
      volumes: [
        { name: 'config', configMap: { name: PROMETHEUS.configMap } },
        ruleConfigMaps.length === 1
          ? { name: 'rules', configMap: { name: ruleConfigMaps[0] } }
          : { name: 'rules', projected: { sources: ruleConfigMaps.map((name) => ({ configMap: { name } })) } },
        ...remoteWrite.map((m) => m.volume),
      ],
    },
  });
}
