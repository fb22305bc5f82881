/**
 * The Prometheus server: StatefulSet (ports, probes, retention, replicas,
 * volume claims), prometheus.yml (timing, external labels, Alertmanagers),
 * hot reload instead of rolling restarts, and least-privilege RBAC.
 */
import * as yaml from 'js-yaml';
import { CONFIG_RELOADER, PROMETHEUS } from '../lib/prometheus/constants';
import type { PrometheusConfig } from '../lib/prometheus/config';
import { Manifest } from '../lib/synth/render';
import { valuesSchema } from '../lib/values/schema';
import { ENVIRONMENTS, envObjects, findObject } from './support/stack';
import { switchedOff, valuesOf } from './support/values';

type Probe = { httpGet: { path: string; port: string } };
type Container = {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: Probe;
  livenessProbe: Probe;
  startupProbe?: Probe;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
};
type PodTemplate = {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    volumes: { name: string; configMap?: { name: string } }[];
    serviceAccountName: string;
    automountServiceAccountToken: boolean;
    affinity?: unknown;
  };
};
type StatefulSetSpec = {
  replicas: number;
  serviceName: string;
  template: PodTemplate;
  volumeClaimTemplates: { metadata: { name: string }; spec: { storageClassName?: string; resources: { requests: { storage: string } } } }[];
};
type Rule = { apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; verbs: string[] };
type Binding = { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };

interface Rendered {
  objects: Manifest[];
  namespace: string;
  sts: StatefulSetSpec;
  prometheus: Container;
  reloader: Container;
  config: PrometheusConfig;
  configData: Record<string, string>;
  rulesData: Record<string, string>;
}

function render(env: string, sets: string[] = []): Rendered {
  const objects = envObjects(env, { sets });
  const sts = findObject(objects, 'StatefulSet', PROMETHEUS.name).spec as StatefulSetSpec;
  const configData = (findObject(objects, 'ConfigMap', PROMETHEUS.configMap) as unknown as { data: Record<string, string> }).data;
  const rulesData = (findObject(objects, 'ConfigMap', PROMETHEUS.rulesConfigMap) as unknown as { data?: Record<string, string> }).data ?? {};
  const containers = sts.template.spec.containers;
  return {
    objects,
    namespace: findObject(objects, 'StatefulSet', PROMETHEUS.name).metadata.namespace!,
    sts,
    prometheus: containers.find((c) => c.name === PROMETHEUS.name)!,
    reloader: containers.find((c) => c.name === CONFIG_RELOADER.name)!,
    config: yaml.load(configData[PROMETHEUS.configFile]) as PrometheusConfig,
    configData,
    rulesData,
  };
}

function flag(c: Container, name: string): string[] {
  return c.args.filter((a) => a === `--${name}` || a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
}

const dev = render('dev');
const devValues = valuesOf('dev');

/**
 * --set nulls remove what values/dev.yaml sets, so the documented defaults come
 * back (Helm semantics): renders the defaults without depending on any environment.
 */
const RESTORE_DEFAULTS = ['prometheus.replicas', 'prometheus.retention', 'prometheus.retentionSize', 'prometheus.storage', 'prometheus.resources'].map(
  (key) => `${key}=null`,
);

describe('StatefulSet', () => {
  test('pins a Prometheus 3.x image and the config-reloader', () => {
    expect(dev.prometheus.image).toMatch(/^quay\.io\/prometheus\/prometheus:v3\.\d+\.\d+$/);
    expect(dev.reloader.image).toMatch(/^quay\.io\/prometheus-operator\/prometheus-config-reloader:v0\.\d+\.\d+$/);
  });

  test('ports line up: Service targetPort = container port name, probes use it on /-/ready and /-/healthy', () => {
    const svc = findObject(dev.objects, 'Service', PROMETHEUS.name).spec as { ports: { name: string; port: number; targetPort: string }[] };
    expect(svc.ports).toEqual([{ name: PROMETHEUS.port.name, port: 9090, targetPort: PROMETHEUS.port.name, protocol: 'TCP' }]);
    expect(dev.prometheus.ports.map((p) => [p.name, p.containerPort])).toEqual([[svc.ports[0].targetPort, 9090]]);
    expect(dev.prometheus.readinessProbe.httpGet).toMatchObject({ path: '/-/ready', port: svc.ports[0].targetPort });
    expect(dev.prometheus.livenessProbe.httpGet).toMatchObject({ path: '/-/healthy', port: svc.ports[0].targetPort });
    expect(dev.prometheus.startupProbe?.httpGet).toMatchObject({ path: '/-/ready', port: svc.ports[0].targetPort });
    // The sidecar's probes use its own declared port.
    const reloaderPorts = dev.reloader.ports.map((p) => p.name);
    expect(reloaderPorts).toContain(dev.reloader.readinessProbe.httpGet.port);
    expect(reloaderPorts).toContain(dev.reloader.livenessProbe.httpGet.port);
    expect(flag(dev.prometheus, 'web.listen-address')).toEqual([`:${dev.prometheus.ports[0].containerPort}`]);
  });

  test.each([...ENVIRONMENTS])('%s: retention, scrape and evaluation intervals and external labels follow the values', (env) => {
    const r = env === 'dev' ? dev : render(env);
    const v = valuesOf(env).prometheus;
    expect(flag(r.prometheus, 'storage.tsdb.retention.time')).toEqual([v.retention]);
    expect(flag(r.prometheus, 'storage.tsdb.retention.size')).toEqual([v.retentionSize]);
    expect(r.config.global).toMatchObject({ scrape_interval: v.scrapeInterval, evaluation_interval: v.evaluationInterval });
    expect(r.config.global.external_labels).toEqual({ cluster: valuesOf(env).cluster, environment: env });
  });

  test('documented defaults: 1 replica, retention 30d / 45GB on a 50Gi volume, 15s scrape and evaluation, cluster pynomaly', () => {
    const defaults = valuesSchema.parse({});
    expect(defaults.prometheus).toMatchObject({
      replicas: 1,
      retention: '30d',
      retentionSize: '45GB',
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      storage: { size: '50Gi' },
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } },
    });
    expect(defaults.cluster).toBe('pynomaly');
    // The defaults also reach the output when an environment's overrides are removed.
    const r = render('dev', RESTORE_DEFAULTS);
    expect(r.sts.replicas).toBe(1);
    expect(flag(r.prometheus, 'storage.tsdb.retention.time')).toEqual(['30d']);
    expect(flag(r.prometheus, 'storage.tsdb.retention.size')).toEqual(['45GB']);
    expect(r.sts.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
    expect(r.config.global).toMatchObject({ scrape_interval: '15s', evaluation_interval: '15s' });
    expect(r.config.global.external_labels).toEqual({ cluster: 'pynomaly', environment: 'dev' });
  });

  test('--set prometheus.retention=15d reaches the flag; a malformed duration is refused with its key', () => {
    const r = render('prod', ['prometheus.retention=15d', 'prometheus.retentionSize=20GB']);
    expect(flag(r.prometheus, 'storage.tsdb.retention.time')).toEqual(['15d']);
    expect(flag(r.prometheus, 'storage.tsdb.retention.size')).toEqual(['20GB']);
    expect(() => render('prod', ['prometheus.retention=two weeks'])).toThrow(/prometheus\.retention: expected a Prometheus duration/);
  });

  test.each([...ENVIRONMENTS])('%s: replicas follow the values', (env) => {
    expect((env === 'dev' ? dev : render(env)).sts.replicas).toBe(valuesOf(env).prometheus.replicas);
  });

  test('replicas from values (integer >= 1), spread across nodes, sticky Service', () => {
    const single = render('prod', ['prometheus.replicas=1']);
    expect(single.sts.replicas).toBe(1);
    expect(single.sts.template.spec.affinity).toBeUndefined();
    const ha = render('prod', ['prometheus.replicas=3']);
    expect(ha.sts.replicas).toBe(3);
    expect(JSON.stringify(ha.sts.template.spec.affinity)).toContain('kubernetes.io/hostname');
    expect((findObject(ha.objects, 'Service', PROMETHEUS.name).spec as { sessionAffinity?: string }).sessionAffinity).toBe('ClientIP');
    expect(() => render('prod', ['prometheus.replicas=0'])).toThrow(/prometheus\.replicas: expected an integer >= 1/);
  });

  test('volumeClaimTemplates take size and storage class from values, mounted at the TSDB path', () => {
    expect(dev.sts.volumeClaimTemplates).toHaveLength(1);
    expect(dev.sts.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(devValues.prometheus.storage.size);
    expect(dev.sts.volumeClaimTemplates[0].spec.storageClassName).toBe(devValues.prometheus.storage.storageClassName);
    const r = render('prod', ['prometheus.storage.size=200Gi', 'prometheus.storage.storageClassName=fast-ssd']);
    expect(r.sts.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast-ssd', resources: { requests: { storage: '200Gi' } } });
    const claim = r.sts.volumeClaimTemplates[0].metadata.name;
    expect(r.prometheus.volumeMounts.find((m) => m.name === claim)?.mountPath).toBe(flag(r.prometheus, 'storage.tsdb.path')[0]);
  });

  test('an external URL keeps the routes at / (probes and the reloader still reach them)', () => {
    const r = render('prod', ['prometheus.externalUrl=https://example.org/prometheus']);
    expect(flag(r.prometheus, 'web.external-url')).toEqual(['https://example.org/prometheus']);
    expect(flag(r.prometheus, 'web.route-prefix')).toEqual(['/']);
  });

  test('the pod runs as its ServiceAccount with a token (service discovery and kubelet scraping need it)', () => {
    expect(dev.sts.template.spec.serviceAccountName).toBe(PROMETHEUS.name);
    expect(dev.sts.template.spec.automountServiceAccountToken).toBe(true);
    findObject(dev.objects, 'ServiceAccount', PROMETHEUS.name);
  });
});

describe('Alertmanagers', () => {
  test("every Alertmanager replica is a target (not the load-balanced Service): prod's cluster", () => {
    const r = render('prod');
    const replicas = valuesOf('prod').alertmanager.replicas;
    expect(replicas).toBeGreaterThan(1); // prod runs an Alertmanager cluster, so this checks more than one target
    expect(r.config.alerting?.alertmanagers).toEqual([
      { api_version: 'v2', scheme: 'http', static_configs: [{ targets: Array.from({ length: replicas }, (_, i) => `alertmanager-${i}.alertmanager-cluster.${r.namespace}.svc:9093`) }] },
    ]);
    expect(r.config.alerting!.alertmanagers[0].static_configs[0].targets).toHaveLength(replicas);
  });
  test('no alerting block when Alertmanager is disabled', () => {
    expect(render('prod', switchedOff('alertmanager')).config.alerting).toBeUndefined();
  });
});

describe('config and rule changes: hot reload, no restart', () => {
  const mountOf = (c: Container, volume: string): string => c.volumeMounts.find((m) => m.name === volume)!.mountPath;
  const volumeOf = (r: Rendered, configMap: string): string => r.sts.template.spec.volumes.find((v) => v.configMap?.name === configMap)!.name;

  test('the reloader watches exactly the mounted config file and rules folder, and POSTs /-/reload to Prometheus', () => {
    const configDir = mountOf(dev.reloader, volumeOf(dev, PROMETHEUS.configMap));
    const rulesDir = mountOf(dev.reloader, volumeOf(dev, PROMETHEUS.rulesConfigMap));
    // Prometheus reads the same files the reloader watches.
    expect(mountOf(dev.prometheus, volumeOf(dev, PROMETHEUS.configMap))).toBe(configDir);
    expect(mountOf(dev.prometheus, volumeOf(dev, PROMETHEUS.rulesConfigMap))).toBe(rulesDir);
    expect(flag(dev.prometheus, 'config.file')).toEqual([`${configDir}/${PROMETHEUS.configFile}`]);
    expect(flag(dev.reloader, 'config-file')).toEqual([`${configDir}/${PROMETHEUS.configFile}`]);
    expect(flag(dev.reloader, 'watched-dir')).toEqual([rulesDir]);
    expect(dev.config.rule_files).toEqual([`${rulesDir}/*${PROMETHEUS.ruleFileSuffix}`]);
    expect(flag(dev.reloader, 'reload-url')).toEqual([`http://127.0.0.1:${PROMETHEUS.port.port}/-/reload`]);
    expect(flag(dev.prometheus, 'web.enable-lifecycle')).toEqual(['']);
    // Mounted side by side: a mount point inside a read-only ConfigMap volume cannot be created.
    expect(rulesDir.startsWith(`${configDir}/`)).toBe(false);
  });

  test('no checksum annotation: pods do not roll on config or rule changes', () => {
    expect(Object.keys(dev.sts.template.metadata.annotations ?? {}).filter((k) => k.startsWith('checksum/'))).toEqual([]);
  });

  test('a scrape value changes the config ConfigMap only; the pod template stays (no restart)', () => {
    const changed = render('dev', ['prometheus.targets.redisExporter.enabled=false']);
    expect(changed.configData).not.toEqual(dev.configData);
    expect(changed.rulesData).toEqual(dev.rulesData);
    expect(changed.sts.template).toEqual(dev.sts.template);
  });

  test('a rule change changes the rules ConfigMap only; the pod template stays (no restart)', () => {
    expect(Object.keys(dev.rulesData).length).toBeGreaterThan(0);
    const changed = render('dev', ['rules.enabled=false']);
    expect(changed.rulesData).not.toEqual(dev.rulesData);
    expect(changed.configData).toEqual(dev.configData);
    expect(changed.sts.template).toEqual(dev.sts.template);
  });

  test('what needs a restart (a flag) changes the pod template, so the StatefulSet rolls', () => {
    const retention = '9d'; // used by no environment, so the --set really changes dev's flag
    for (const env of ENVIRONMENTS) expect(valuesOf(env).prometheus.retention).not.toBe(retention);
    const changed = render('dev', [`prometheus.retention=${retention}`]);
    expect(flag(changed.prometheus, 'storage.tsdb.retention.time')).toEqual([retention]);
    expect(changed.sts.template).not.toEqual(dev.sts.template);
  });

  test('every rule file is loaded by the rule_files glob', () => {
    for (const file of Object.keys(dev.rulesData)) expect(file.endsWith(PROMETHEUS.ruleFileSuffix)).toBe(true);
  });
});

describe('RBAC: least privilege', () => {
  const rbac = (r: Rendered) => ({
    roles: r.objects.filter((o) => o.kind === 'Role' && o.metadata.name.endsWith(PROMETHEUS.name)),
    bindings: r.objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.name.endsWith(PROMETHEUS.name)),
    clusterRoles: r.objects.filter((o) => o.kind === 'ClusterRole' && o.metadata.name.endsWith(PROMETHEUS.name)),
    clusterBindings: r.objects.filter((o) => o.kind === 'ClusterRoleBinding' && o.metadata.name.endsWith(PROMETHEUS.name)),
  });
  const rulesOf = (o: Manifest): Rule[] => (o as unknown as { rules: Rule[] }).rules;
  const sdNamespaces = (c: PrometheusConfig): string[] =>
    [...new Set(c.scrape_configs.flatMap((s) => (s.kubernetes_sd_configs ?? []).flatMap((sd) => sd.namespaces?.names ?? [])))].sort();

  test('no wildcard anywhere; read-only verbs only', () => {
    const { roles, clusterRoles } = rbac(dev);
    const rules = [...roles, ...clusterRoles].flatMap(rulesOf);
    expect(rules.length).toBeGreaterThan(0);
    expect(JSON.stringify(rules)).not.toContain('*');
    for (const r of rules) for (const v of r.verbs) expect(['get', 'list', 'watch']).toContain(v);
  });

  test('the ClusterRole holds only cluster-scoped node access: no pods, services or endpoints cluster-wide', () => {
    const { clusterRoles, clusterBindings } = rbac(dev);
    expect(clusterRoles.map((o) => o.metadata.name)).toEqual([`${dev.namespace}-${PROMETHEUS.name}`]);
    expect(rulesOf(clusterRoles[0])).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);
    expect((clusterBindings[0] as unknown as Binding).subjects).toEqual([{ kind: 'ServiceAccount', name: PROMETHEUS.name, namespace: dev.namespace }]);
  });

  test('a Role and RoleBinding in every namespace Prometheus discovers in, and nowhere else', () => {
    const r = render('prod', ['prometheus.pynomaly.namespaces={pynomaly,pynomaly-batch}']);
    const { roles, bindings } = rbac(r);
    const discovered = sdNamespaces(r.config);
    // The API's namespaces, ours, and the host agents' (node-exporter).
    expect(discovered).toEqual(['pynomaly', 'pynomaly-batch', r.namespace, `${r.namespace}-host-agents`].sort());
    expect(roles.map((o) => o.metadata.namespace).sort()).toEqual(discovered);
    for (const role of roles) {
      expect(rulesOf(role)).toEqual([
        { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      ]);
      const binding = bindings.find((b) => b.metadata.namespace === role.metadata.namespace) as unknown as Binding & Manifest;
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: PROMETHEUS.name, namespace: r.namespace }]);
      // Plain at home, prefixed in namespaces other stacks may share.
      expect(role.metadata.name).toBe(role.metadata.namespace === r.namespace ? PROMETHEUS.name : `${r.namespace}-${PROMETHEUS.name}`);
    }
  });

  test('no ClusterRole at all without kubelet/cAdvisor scraping', () => {
    const r = render('prod', ['prometheus.targets.kubelet.enabled=false', 'prometheus.targets.cadvisor.enabled=false']);
    expect(rbac(r).clusterRoles).toEqual([]);
    expect(rbac(r).clusterBindings).toEqual([]);
    expect(r.config.scrape_configs.some((s) => (s.kubernetes_sd_configs ?? []).some((sd) => sd.role === 'node'))).toBe(false);
  });

  test('summary of the emitted RBAC (snapshot)', () => {
    const { roles, clusterRoles } = rbac(dev);
    const summary = [...roles, ...clusterRoles].map((o) => ({
      kind: o.kind,
      namespace: o.metadata.namespace ?? '(cluster)',
      rules: rulesOf(o).map((r) => `${(r.apiGroups ?? []).join(',') || 'core'}: ${(r.resources ?? []).join(',')} [${r.verbs.join(',')}]`),
    }));
    expect(summary).toMatchSnapshot();
  });
});
