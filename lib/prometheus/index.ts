/**
 * Prometheus server: a StatefulSet with a volume per replica, its config and
 * rules from ConfigMaps (pods roll when either changes), a ServiceAccount with
 * read-only access for Kubernetes service discovery, and a Service on 9090.
 */
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { StackContext } from '../core/context';
import { AppIdentity, selectorLabels } from '../core/labels';
import { checksum, container, httpProbe, podTemplate, service, serviceAccount, spreadAcrossNodes } from '../core/workload';
import * as yaml from 'js-yaml';
import { PROMETHEUS } from './constants';
import { PrometheusValues } from './values';

export function renderPrometheus(ctx: StackContext): void {
  const values = ctx.values.prometheus;
  if (!values.enabled) return;
  const identity = ctx.identity(PROMETHEUS.name, PROMETHEUS.component, values.image.tag);
  const chart = ctx.chart(PROMETHEUS.name, identity);

  const config = prometheusConfig(ctx);
  const configData = { 'prometheus.yml': yaml.dump(config, { lineWidth: -1, noRefs: true }) };
  const rulesData: Record<string, string> = {};
  new k8s.KubeConfigMap(chart, 'config', { metadata: { name: PROMETHEUS.configMap }, data: configData });
  new k8s.KubeConfigMap(chart, 'rules', { metadata: { name: PROMETHEUS.rulesConfigMap }, data: rulesData });

  serviceAccount(chart, 'sa', PROMETHEUS.name);
  discoveryRbac(chart, ctx.values.namespace);
  service(chart, 'service', { name: PROMETHEUS.name, identity, ports: [PROMETHEUS.port] });
  statefulSet(chart, identity, values, checksum({ configData, rulesData }));
}

/** The native configuration file (prometheus.yml). */
function prometheusConfig(ctx: StackContext): Record<string, unknown> {
  const v = ctx.values.prometheus;
  return {
    global: {
      scrape_interval: v.scrapeInterval,
      evaluation_interval: v.evaluationInterval,
      external_labels: { cluster: ctx.values.cluster, environment: ctx.values.environment },
    },
    rule_files: [`${PROMETHEUS.rulesDir}/*.yaml`],
    scrape_configs: [
      {
        job_name: 'prometheus',
        static_configs: [{ targets: [`localhost:${PROMETHEUS.port.port}`] }],
      },
    ],
  };
}

/** Read-only access to what Kubernetes service discovery lists. */
function discoveryRbac(chart: Chart, namespace: string): void {
  const roleName = `${namespace}-${PROMETHEUS.name}`;
  new k8s.KubeClusterRole(chart, 'cluster-role', {
    metadata: { name: roleName },
    rules: [
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
    ],
  });
  new k8s.KubeClusterRoleBinding(chart, 'cluster-role-binding', {
    metadata: { name: roleName },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ kind: 'ServiceAccount', name: PROMETHEUS.name, namespace }],
  });
}

function statefulSet(chart: Chart, identity: AppIdentity, v: PrometheusValues, configChecksum: string): void {
  const port = PROMETHEUS.port.name;
  const prometheus = container({
    name: PROMETHEUS.name,
    image: v.image,
    args: [
      `--config.file=${PROMETHEUS.configDir}/prometheus.yml`,
      `--storage.tsdb.path=${PROMETHEUS.dataDir}`,
      `--storage.tsdb.retention.time=${v.retention}`,
      `--storage.tsdb.retention.size=${v.retentionSize}`,
      '--web.enable-lifecycle',
      ...(v.externalUrl ? [`--web.external-url=${v.externalUrl}`] : []),
    ],
    ports: [PROMETHEUS.port],
    resources: v.resources,
    readinessProbe: httpProbe('/-/ready', port, { periodSeconds: 5 }),
    livenessProbe: httpProbe('/-/healthy', port, { periodSeconds: 15, failureThreshold: 4 }),
    // WAL replay after a restart can take minutes on a large TSDB.
    startupProbe: httpProbe('/-/ready', port, { periodSeconds: 15, failureThreshold: 60 }),
    volumeMounts: [
      { name: 'config', mountPath: PROMETHEUS.configDir, readOnly: true },
      { name: 'rules', mountPath: PROMETHEUS.rulesDir, readOnly: true },
      { name: 'data', mountPath: PROMETHEUS.dataDir },
    ],
  });
  new k8s.KubeStatefulSet(chart, 'statefulset', {
    metadata: { name: PROMETHEUS.name },
    spec: {
      serviceName: PROMETHEUS.name,
      replicas: v.replicas,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selectorLabels(identity) },
      template: podTemplate({
        identity,
        containers: [prometheus],
        runAsUser: PROMETHEUS.uid,
        serviceAccountName: PROMETHEUS.name,
        automountServiceAccountToken: true,
        annotations: { 'checksum/config': configChecksum },
        terminationGracePeriodSeconds: 600,
        affinity: spreadAcrossNodes(identity, v.replicas),
        volumes: [
          { name: 'config', configMap: { name: PROMETHEUS.configMap } },
          { name: 'rules', configMap: { name: PROMETHEUS.rulesConfigMap } },
        ],
      }),
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selectorLabels(identity) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(v.storage.storageClassName ? { storageClassName: v.storage.storageClassName } : {}),
            resources: { requests: { storage: k8s.Quantity.fromString(v.storage.size) } },
          },
        },
      ],
    },
  });
}
