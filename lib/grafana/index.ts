/**
 * Grafana: a Deployment with a read-only root filesystem (writable volumes
 * for its data, plugins and /tmp), the admin account from a user-provided
 * Secret mounted as files, datasources and dashboards provisioned from
 * ConfigMaps (pods roll when any of them changes), and a Service on 3000.
 *
 * One replica: Grafana keeps users, preferences and annotations in SQLite
 * (one writer); several replicas need an external database, which is not
 * configured here.
 */
import { Chart } from 'cdk8s';
import { k8s } from '../core/k8s';
import { StackContext } from '../core/context';
import { AppIdentity, selectorLabels } from '../core/labels';
import { checksum, claimSpec, container, httpProbe, podTemplate, service } from '../core/workload';
import { toYaml } from '../synth/yaml';
import { Values } from '../values/schema';
import { ValuesError } from '../values/errors';
import { GRAFANA } from './constants';
import { datasourcesProvisioning, ELASTICSEARCH_CREDENTIAL_FILES } from './datasources';
import { DashboardFile, provisionedDashboards } from './dashboards';
import { GrafanaValues } from './values';

/** A ConfigMap's data must stay under etcd's 1 MiB object limit; keep room for metadata. */
export const MAX_CONFIGMAP_DATA_BYTES = 1024 * 1024 - 32 * 1024;

/** The admin credentials, as files of the mounted Secret. */
export const ADMIN_FILES = {
  user: `${GRAFANA.adminSecretDir}/admin-user`,
  password: `${GRAFANA.adminSecretDir}/admin-password`,
} as const;

/** The provisioning content, rendered once: ConfigMaps and the pod checksum both use it. */
export interface GrafanaProvisioning {
  readonly datasourcesYaml: string;
  readonly dashboardProviderYaml: string;
  readonly dashboards: readonly DashboardFile[];
}

export function grafanaProvisioning(values: Values): GrafanaProvisioning {
  return {
    datasourcesYaml: toYaml(datasourcesProvisioning(values)),
    dashboardProviderYaml: toYaml(dashboardProvider()),
    dashboards: provisionedDashboards(values),
  };
}

/** The file provider: every dashboard in the Pynomaly folder, read-only in the UI. */
function dashboardProvider(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'pynomaly',
        orgId: 1,
        folder: GRAFANA.folder,
        folderUid: GRAFANA.folderUid,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: GRAFANA.dashboardsDir, foldersFromFilesStructure: false },
      },
    ],
  };
}

export function renderGrafana(ctx: StackContext): void {
  const v = ctx.values.grafana;
  if (!v.enabled) return;
  const identity = ctx.identity(GRAFANA.name, GRAFANA.component, v.image.tag);
  const chart = ctx.chart(GRAFANA.name, identity);
  const provisioning = grafanaProvisioning(ctx.values);

  new k8s.KubeConfigMap(chart, 'datasources', {
    metadata: { name: GRAFANA.datasourcesConfigMap },
    data: { 'datasources.yaml': provisioning.datasourcesYaml },
  });
  new k8s.KubeConfigMap(chart, 'dashboard-provider', {
    metadata: { name: GRAFANA.dashboardProviderConfigMap },
    data: { 'pynomaly.yaml': provisioning.dashboardProviderYaml },
  });
  const dashboardConfigMaps = provisioning.dashboards.map((d) => dashboardConfigMap(chart, d));

  if (v.persistence.enabled) dataClaim(chart, identity, v);
  service(chart, 'service', { name: GRAFANA.name, identity, ports: [GRAFANA.port] });
  deployment(chart, identity, v, dashboardConfigMaps, checksum(provisioning));
}

/** One ConfigMap per dashboard, so that each stays far below the 1 MiB limit. */
function dashboardConfigMap(chart: Chart, d: DashboardFile): string {
  const name = `${GRAFANA.dashboardConfigMapPrefix}${d.fileName.replace(/\.json$/, '')}`;
  const bytes = Buffer.byteLength(d.fileName) + Buffer.byteLength(d.json);
  if (bytes > MAX_CONFIGMAP_DATA_BYTES) {
    throw new ValuesError(`${d.source}: the dashboard JSON is ${bytes} bytes, more than a ConfigMap holds (${MAX_CONFIGMAP_DATA_BYTES}); split it`);
  }
  new k8s.KubeConfigMap(chart, `dashboard-${d.fileName}`, { metadata: { name }, data: { [d.fileName]: d.json } });
  return name;
}

function dataClaim(chart: Chart, identity: AppIdentity, v: GrafanaValues): void {
  new k8s.KubePersistentVolumeClaim(chart, 'data', {
    metadata: { name: GRAFANA.dataClaim, labels: selectorLabels(identity) },
    spec: claimSpec(v.persistence),
  });
}

/** Settings as environment variables (GF_<SECTION>_<KEY>), sorted for stable diffs. */
function grafanaEnv(v: GrafanaValues): k8s.EnvVar[] {
  const env: Record<string, string> = {
    GF_PATHS_DATA: GRAFANA.dataDir,
    GF_PATHS_PLUGINS: GRAFANA.pluginsDir,
    GF_PATHS_PROVISIONING: GRAFANA.provisioningDir,
    GF_SERVER_HTTP_PORT: String(GRAFANA.port.port),
    GF_LOG_MODE: 'console',
    // The admin account is read from the mounted Secret, never from a literal.
    GF_SECURITY_ADMIN_USER__FILE: ADMIN_FILES.user,
    GF_SECURITY_ADMIN_PASSWORD__FILE: ADMIN_FILES.password,
    GF_SECURITY_DISABLE_GRAVATAR: 'true',
    GF_USERS_ALLOW_SIGN_UP: 'false',
    GF_USERS_ALLOW_ORG_CREATE: 'false',
    GF_AUTH_ANONYMOUS_ENABLED: 'false',
    GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
    // No calls home: usage reporting, update checks, news feed.
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    GF_ANALYTICS_FEEDBACK_LINKS_ENABLED: 'false',
    GF_NEWS_NEWS_FEED_ENABLED: 'false',
    GF_PLUGINS_PREINSTALL_DISABLED: String(!v.preinstallPlugins),
  };
  if (v.rootUrl) {
    env.GF_SERVER_ROOT_URL = v.rootUrl;
    if (v.rootUrl.startsWith('https://')) env.GF_SECURITY_COOKIE_SECURE = 'true';
  }
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] }));
}

function deployment(chart: Chart, identity: AppIdentity, v: GrafanaValues, dashboardConfigMaps: readonly string[], provisioningChecksum: string): void {
  const port = GRAFANA.port.name;
  const esSecret = v.datasources.elasticsearch.enabled ? v.datasources.elasticsearch.basicAuth.existingSecret : undefined;
  const grafana = container({
    name: GRAFANA.name,
    image: v.image,
    ports: [GRAFANA.port],
    env: grafanaEnv(v),
    resources: v.resources,
    readinessProbe: httpProbe(GRAFANA.healthPath, port, { periodSeconds: 10 }),
    livenessProbe: httpProbe(GRAFANA.healthPath, port, { periodSeconds: 15, failureThreshold: 6 }),
    // The first start migrates the database, which can take a few minutes.
    startupProbe: httpProbe(GRAFANA.healthPath, port, { periodSeconds: 5, failureThreshold: 60 }),
    volumeMounts: [
      // Database, plugins (GF_PATHS_PLUGINS is below it), sessions: the only place Grafana writes besides /tmp.
      { name: 'data', mountPath: GRAFANA.dataDir },
      { name: 'tmp', mountPath: GRAFANA.tmpDir },
      { name: 'datasources', mountPath: `${GRAFANA.provisioningDir}/datasources`, readOnly: true },
      { name: 'dashboard-provider', mountPath: `${GRAFANA.provisioningDir}/dashboards`, readOnly: true },
      { name: 'dashboards', mountPath: GRAFANA.dashboardsDir, readOnly: true },
      { name: 'admin', mountPath: GRAFANA.adminSecretDir, readOnly: true },
      ...(esSecret ? [{ name: 'elasticsearch-credentials', mountPath: GRAFANA.elasticsearchSecretDir, readOnly: true }] : []),
    ],
  });
  const volumes: k8s.Volume[] = [
    v.persistence.enabled ? { name: 'data', persistentVolumeClaim: { claimName: GRAFANA.dataClaim } } : { name: 'data', emptyDir: {} },
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
    { name: 'datasources', configMap: { name: GRAFANA.datasourcesConfigMap } },
    { name: 'dashboard-provider', configMap: { name: GRAFANA.dashboardProviderConfigMap } },
    // All dashboard ConfigMaps in one folder, which the file provider reads.
    { name: 'dashboards', projected: { sources: dashboardConfigMaps.map((name) => ({ configMap: { name } })) } },
    {
      name: 'admin',
      secret: {
        secretName: v.admin.existingSecret,
        defaultMode: 0o440,
        items: [
          { key: v.admin.userKey, path: 'admin-user' },
          { key: v.admin.passwordKey, path: 'admin-password' },
        ],
      },
    },
    ...(esSecret
      ? [
          {
            name: 'elasticsearch-credentials',
            secret: {
              secretName: esSecret,
              defaultMode: 0o440,
              items: [
                { key: v.datasources.elasticsearch.basicAuth.usernameKey, path: basename(ELASTICSEARCH_CREDENTIAL_FILES.username) },
                { key: v.datasources.elasticsearch.basicAuth.passwordKey, path: basename(ELASTICSEARCH_CREDENTIAL_FILES.password) },
              ],
            },
          },
        ]
      : []),
  ];
  new k8s.KubeDeployment(chart, 'deployment', {
    metadata: { name: GRAFANA.name },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      // A ReadWriteOnce claim cannot be mounted by the old and the new pod at once on different nodes.
      strategy: v.persistence.enabled ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      selector: { matchLabels: selectorLabels(identity) },
      template: podTemplate({
        identity,
        containers: [grafana],
        runAsUser: GRAFANA.uid,
        annotations: { 'checksum/provisioning': provisioningChecksum },
        volumes,
      }),
    },
  });
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
