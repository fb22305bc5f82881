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
import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from '../core/k8s';
import { StackContext } from '../core/context';
import { AppIdentity } from '../core/labels';
import { container, httpProbe, persistentStatefulSet, service, serviceAccount } from '../core/workload';
import { ruleFiles } from '../rules';
import { toYaml } from '../synth/yaml';
import { ValuesError } from '../values/errors';
import type { Values } from '../values/schema';
import { byteSize, packBySize, partName } from '../values/validators/object-size';
import { checkPrometheusConfig, PrometheusConfig, prometheusConfig } from './config';
import { CONFIG_RELOADER, PROMETHEUS } from './constants';
import { discoveryAccess, renderRbac } from './rbac';
import { renderServiceMonitors } from './service-monitors';
import { ScrapeTarget, scrapeTargets } from './targets';
import { PrometheusValues } from './values';

export const SERVICE_MONITORS_PATH = 'prometheus-operator/servicemonitors';

export function renderPrometheus(ctx: StackContext): void {
  const targets = scrapeTargets(ctx.values);
  const identity = ctx.identity(PROMETHEUS.name, PROMETHEUS.component, ctx.values.prometheus.image.tag);
  if (ctx.values.prometheus.enabled) renderServer(ctx, identity, targets);
  const sm = ctx.values.prometheus.serviceMonitors;
  if (sm.enabled) {
    const chart = ctx.chart(SERVICE_MONITORS_PATH, identity, { requiresApi: 'monitoring.coreos.com/v1', helmCondition: 'prometheus.serviceMonitors.enabled' });
    renderServiceMonitors(chart, targets, { labels: sm.labels, includeKubelet: sm.kubelet });
  }
}

/** The ConfigMap contents: prometheus.yml (checked) and the rule files. */
export function configMapData(values: Values, config: PrometheusConfig): { config: Record<string, string>; rules: Record<string, string> } {
  const problems = checkPrometheusConfig(config);
  if (problems.length) throw new Error(`invalid Prometheus configuration:\n${problems.join('\n')}`);
  const rules = ruleFiles(values);
  const misnamed = Object.keys(rules).filter((f) => !f.endsWith(PROMETHEUS.ruleFileSuffix));
  if (misnamed.length) {
    throw new Error(`rule files ${misnamed.join(', ')} would not be loaded: rule_files only matches *${PROMETHEUS.ruleFileSuffix}`);
  }
  return { config: { [PROMETHEUS.configFile]: toYaml(config) }, rules };
}

function renderServer(ctx: StackContext, identity: AppIdentity, targets: readonly ScrapeTarget[]): void {
  const values = ctx.values;
  const chart = ctx.chart(PROMETHEUS.name, identity);
  const config = prometheusConfig(values, targets);
  const data = configMapData(values, config);
  new k8s.KubeConfigMap(chart, 'config', { metadata: { name: PROMETHEUS.configMap }, data: data.config });
  // Rule files beyond one ConfigMap's size go to prometheus-rules-2, ...: all mounted into the rules folder.
  const ruleParts = packBySize(Object.entries(data.rules), ([name, text]) => byteSize(name) + byteSize(text), ([name], bytes) => new ValuesError(`rule file ${name} is ${bytes} bytes, more than one ConfigMap holds`));
  const ruleConfigMaps = ruleParts.map((part, i) => {
    const name = partName(PROMETHEUS.rulesConfigMap, i);
    new k8s.KubeConfigMap(chart, partName('rules', i), { metadata: { name }, data: Object.fromEntries(part) });
    return name;
  });

  serviceAccount(chart, 'sa', PROMETHEUS.name);
  renderRbac(chart, values.namespace, discoveryAccess(config, targets));
  const svc = service(chart, 'service', { name: PROMETHEUS.name, identity, ports: [PROMETHEUS.port] });
  if (values.prometheus.replicas > 1) {
    // Replicas scrape independently and differ slightly: keep each client (Grafana) on one of them.
    svc.addJsonPatch(JsonPatch.add('/spec/sessionAffinity', 'ClientIP'));
  }
  statefulSet(chart, identity, values.prometheus, ruleConfigMaps);
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

function statefulSet(chart: Chart, identity: AppIdentity, v: PrometheusValues, ruleConfigMaps: readonly string[]): void {
  const port = PROMETHEUS.port.name;
  const configMount = { name: 'config', mountPath: PROMETHEUS.configDir, readOnly: true };
  const rulesMount = { name: 'rules', mountPath: PROMETHEUS.rulesDir, readOnly: true };
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
    volumeMounts: [configMount, rulesMount, { name: 'data', mountPath: PROMETHEUS.dataDir }],
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
  persistentStatefulSet(chart, 'statefulset', {
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
      ],
    },
  });
}
