/**
 * Grafana: a Deployment with a read-only root filesystem (writable volumes
 * for its data, plugins and /tmp), the admin account from a user-provided
 * Secret mounted as files, datasources and dashboards provisioned from
 * ConfigMaps (pods roll when any of them changes), and a Service on 3000.
 *
 * Grafana keeps users, preferences, sessions and annotations in its database:
 * SQLite in /var/lib/grafana by default (one writer: one replica), or an
 * external PostgreSQL/MySQL (`grafana.database`, password from a Secret file),
 * which several replicas share; they are spread across nodes and get a
 * PodDisruptionBudget (the workload helpers do both for more than one replica).
 */
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, MonitoringComponent, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { AppIdentity, selectorLabels } from '../core/labels';
import { checksumOfTexts, claimSpec, container, deployment, httpProbe, secretFilesVolume, service } from '../core/workload';
import { GraphContext, grafanaEdges } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import type { AlertRules } from '../rules';
import { toYaml } from '../synth/yaml';
import { ValuesError } from '../values/errors';
import { plannedServiceUrl } from '../catalog/services';
import { publicUrlOf } from '../ingress';
import { GRAFANA } from './constants';
import { DatasourceKey, DatasourceLinks, datasourcesProvisioning, ELASTICSEARCH_CREDENTIAL_FILES } from './datasources';
import { DashboardFile, provisionedDashboards } from './dashboards';
import type { SecretRef } from '../values/types';
import type { ElasticsearchClient } from '../elasticsearch/users';
import { GrafanaValues, grafanaValues } from './values';
import { parseSettings } from '../values/parsed';

/** A ConfigMap's data must stay under etcd's 1 MiB object limit; keep room for metadata. */
export const MAX_CONFIGMAP_DATA_BYTES = 1024 * 1024 - 32 * 1024;

/** The admin credentials, as files of the mounted Secret. */
export const ADMIN_FILES = {
  user: `${GRAFANA.adminSecretDir}/admin-user`,
  password: `${GRAFANA.adminSecretDir}/admin-password`,
} as const;

/** The external database's password, as a file of the mounted Secret. */
export const DATABASE_PASSWORD_FILE = `${GRAFANA.databaseSecretDir}/password`;

/** The provisioning content, rendered once: ConfigMaps and the pod checksum both use it. */
export interface GrafanaProvisioning {
  readonly datasourcesYaml: string;
  readonly dashboardProviderYaml: string;
  readonly dashboards: readonly DashboardFile[];
}

export function grafanaProvisioning(v: GrafanaValues, links: DatasourceLinks, dashboards: readonly DashboardFile[]): GrafanaProvisioning {
  return {
    datasourcesYaml: toYaml(datasourcesProvisioning(v, links)),
    dashboardProviderYaml: toYaml(dashboardProvider()),
    dashboards,
  };
}

/** Changes whenever a provisioned file does: the pods' `checksum/provisioning`. */
function provisioningChecksum(p: GrafanaProvisioning): string {
  return checksumOfTexts([p.datasourcesYaml, p.dashboardProviderYaml, ...p.dashboards.flatMap((d) => [d.fileName, d.json])]);
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

/** Grafana's settings: exactly its values (`grafana.*`), with their defaults and docs (values.ts). */
export type GrafanaSettings = NonNullable<z.input<typeof grafanaValues>>;

export interface GrafanaProps extends ComponentProps {
  /** Its values (`grafana.*`); every key has its default (lib/grafana/values.ts). @default {} */
  readonly values?: GrafanaSettings;
  /** Dashboards provisioned into the Pynomaly folder. @default none */
  readonly dashboards?: readonly DashboardFile[];
  /**
   * Where datasources without a URL in the values point (see `connect`).
   * @default none: each enabled datasource needs its URL in the values
   */
  readonly datasourceLinks?: DatasourceLinks;
}

/**
 * Grafana of one namespace. Its datasources point at other components, which
 * may be built after it (Prometheus scrapes Grafana): `connect` sets them
 * before synthesis, so the provisioning ConfigMap and the pod checksum are
 * rendered when the chart is.
 */
export class Grafana extends ComponentConstruct<GrafanaValues> {
  public readonly services: readonly ServiceEndpoint[];
  /** Its own login (the admin from a Secret; no anonymous access, no sign-up). */
  public readonly ownLogin = true;
  /** Escape hatch: the Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  private links: DatasourceLinks;
  private readonly dashboards: readonly DashboardFile[];
  private rendered?: GrafanaProvisioning;

  public constructor(scope: Construct, id: string, props: GrafanaProps = {}) {
    super(scope, id, props, { ...GRAFANA, job: JOBS.grafana, targetKey: 'grafana' }, parseSettings(grafanaValues, props.values));
    const v = this.values;
    const identity = this.identity;
    this.links = props.datasourceLinks ?? { urls: {} };
    this.dashboards = props.dashboards ?? [];
    this.services = [this.endpoint];

    new k8s.KubeConfigMap(this, 'datasources', {
      metadata: { name: GRAFANA.datasourcesConfigMap },
      data: { 'datasources.yaml': Lazy.any({ produce: () => this.provisioning().datasourcesYaml }) },
    });
    new k8s.KubeConfigMap(this, 'dashboard-provider', {
      metadata: { name: GRAFANA.dashboardProviderConfigMap },
      data: { 'pynomaly.yaml': toYaml(dashboardProvider()) },
    });
    const dashboardConfigMaps = this.dashboards.map((d) => dashboardConfigMap(this, d));

    if (v.persistence.enabled) dataClaim(this, identity, v);
    service(this, 'service', { name: GRAFANA.name, identity, ports: [GRAFANA.port] });
    this.deployment = grafanaDeployment(this, identity, v, dashboardConfigMaps, Lazy.any({ produce: () => provisioningChecksum(this.provisioning()) }));
  }

  /** Points the datasources that have no URL in the values at these components' Services. */
  public connect(links: DatasourceLinks): void {
    this.links = links;
    this.rendered = undefined;
  }

  /** The provisioned datasources (name and URL), as rendered. */
  public datasources(): readonly { name: string; url: string }[] {
    return datasourcesProvisioning(this.values, this.links).datasources as { name: string; url: string }[];
  }

  private provisioning(): GrafanaProvisioning {
    this.rendered ??= grafanaProvisioning(this.values, this.links, this.dashboards);
    return this.rendered;
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return grafanaEdges(g, self, this.datasources(), this.values.preinstallPlugins, this.values.database.type ? this.values.database.host : undefined);
  }
}

/** Registry keys of the components each datasource points at by default. */
const DATASOURCE_COMPONENTS: Readonly<Record<DatasourceKey, string>> = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  elasticsearch: 'elasticsearch',
  jaeger: 'jaeger',
};

/** The registry entry. */
export const grafanaComponent: ComponentDefinition<typeof grafanaValues, 'grafana'> = {
  key: 'grafana',
  values: grafanaValues,
  // The dashboards restate the alert rules' thresholds; our Elasticsearch, when its security is on,
  // says where Grafana finds its CA and credentials.
  uses: ['rules', 'elasticsearch', 'ingress'],
  build(ctx) {
    const chart = ctx.chart(GRAFANA.name, ctx.identity(GRAFANA.name, GRAFANA.component, ctx.values.image.tag));
    const rules = ctx.component<AlertRules>('rules');
    if (!rules) throw new Error('grafana: the rules component must be registered (its thresholds are in the dashboards)');
    const dashboards = provisionedDashboards({ grafana: ctx.values, rules: rules.values });
    const own = { ...ctx.values, rootUrl: ctx.values.rootUrl ?? publicUrlOf(ctx.component, 'grafana') };
    const values = withElasticsearchAccess(own, ctx.component<MonitoringComponent & { clientAccess?: ElasticsearchClientAccess }>('elasticsearch')?.clientAccess);
    return new Grafana(chart, 'grafana', { values, namespace: ctx.namespace, instance: ctx.stack.instance, dashboards });
  },
  // Prometheus (which scrapes Grafana) is built after it: the datasources are connected once everything is built.
  connect(self, ctx) {
    const urls: Partial<Record<DatasourceKey, string>> = {
      elasticsearch: plannedServiceUrl('elasticsearch', ctx.namespace),
      jaeger: plannedServiceUrl('jaeger', ctx.namespace),
    };
    for (const [key, component] of Object.entries(DATASOURCE_COMPONENTS) as [DatasourceKey, string][]) {
      const endpoint = ctx.component<MonitoringComponent & { endpoint?: ServiceEndpoint }>(component)?.endpoint;
      if (endpoint) urls[key] = endpoint.url;
    }
    const prometheus = ctx.component<MonitoringComponent & { values: { scrapeInterval: string } }>('prometheus');
    (self as Grafana).connect({ urls, prometheusScrapeInterval: prometheus?.values.scrapeInterval });
  },
};

/** One ConfigMap per dashboard, so that each stays far below the 1 MiB limit. */
function dashboardConfigMap(scope: Construct, d: DashboardFile): string {
  const name = `${GRAFANA.dashboardConfigMapPrefix}${d.fileName.replace(/\.json$/, '')}`;
  const bytes = Buffer.byteLength(d.fileName) + Buffer.byteLength(d.json);
  if (bytes > MAX_CONFIGMAP_DATA_BYTES) {
    throw new ValuesError(`${d.source}: the dashboard JSON is ${bytes} bytes, more than a ConfigMap holds (${MAX_CONFIGMAP_DATA_BYTES}); split it`);
  }
  new k8s.KubeConfigMap(scope, `dashboard-${d.fileName}`, { metadata: { name }, data: { [d.fileName]: d.json } });
  return name;
}

function dataClaim(scope: Construct, identity: AppIdentity, v: GrafanaValues): void {
  new k8s.KubePersistentVolumeClaim(scope, 'data', {
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
  const db = v.database;
  if (db.type && db.host && db.user) {
    Object.assign(env, { GF_DATABASE_TYPE: db.type, GF_DATABASE_HOST: db.host, GF_DATABASE_NAME: db.name, GF_DATABASE_USER: db.user, GF_DATABASE_PASSWORD__FILE: DATABASE_PASSWORD_FILE });
    if (db.type === 'postgres') env.GF_DATABASE_SSL_MODE = db.sslMode;
  }
  if (v.rootUrl) {
    env.GF_SERVER_ROOT_URL = v.rootUrl;
    env.GF_SERVER_DOMAIN = new URL(v.rootUrl).hostname;
    if (v.rootUrl.startsWith('https://')) env.GF_SECURITY_COOKIE_SECURE = 'true';
  }
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] }));
}

function grafanaDeployment(scope: Construct, identity: AppIdentity, v: GrafanaValues, dashboardConfigMaps: readonly string[], provisioningChecksum: string): k8s.KubeDeployment {
  const port = GRAFANA.port.name;
  const esAuth = elasticsearchAuth(v);
  const esCa = v.datasources.elasticsearch.enabled ? v.datasources.elasticsearch.caSecret : undefined;
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
      ...(esAuth ? [{ name: 'elasticsearch-credentials', mountPath: GRAFANA.elasticsearchSecretDir, readOnly: true }] : []),
      ...(esCa?.name ? [{ name: 'elasticsearch-ca', mountPath: dirname(ELASTICSEARCH_CREDENTIAL_FILES.ca), readOnly: true }] : []),
      ...(v.database.type ? [{ name: 'database', mountPath: GRAFANA.databaseSecretDir, readOnly: true }] : []),
    ],
  });
  const volumes: k8s.Volume[] = [
    v.persistence.enabled ? { name: 'data', persistentVolumeClaim: { claimName: GRAFANA.dataClaim } } : { name: 'data', emptyDir: {} },
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
    { name: 'datasources', configMap: { name: GRAFANA.datasourcesConfigMap } },
    { name: 'dashboard-provider', configMap: { name: GRAFANA.dashboardProviderConfigMap } },
    // All dashboard ConfigMaps in one folder, which the file provider reads.
    { name: 'dashboards', projected: { sources: dashboardConfigMaps.map((name) => ({ configMap: { name } })) } },
    secretFilesVolume('admin', [
      { ref: v.admin.userSecret, path: basename(ADMIN_FILES.user) },
      { ref: v.admin.passwordSecret, path: basename(ADMIN_FILES.password) },
    ]),
    ...(esAuth
      ? [
          secretFilesVolume('elasticsearch-credentials', [
            { ref: esAuth.username, path: basename(ELASTICSEARCH_CREDENTIAL_FILES.username) },
            { ref: esAuth.password, path: basename(ELASTICSEARCH_CREDENTIAL_FILES.password) },
          ]),
        ]
      : []),
    ...(esCa?.name ? [secretFilesVolume('elasticsearch-ca', [{ ref: esCa, path: basename(ELASTICSEARCH_CREDENTIAL_FILES.ca) }])] : []),
    ...(v.database.type ? [secretFilesVolume('database', [{ ref: v.database.passwordSecret, path: basename(DATABASE_PASSWORD_FILE) }])] : []),
  ];
  return deployment(scope, 'deployment', {
    name: GRAFANA.name,
    replicas: v.replicas,
    // A ReadWriteOnce claim cannot be mounted by the old and the new pod at once on different nodes.
    ...(v.persistence.enabled ? { strategy: { type: 'Recreate' } } : {}),
    pod: {
      identity,
      containers: [grafana],
      runAsUser: GRAFANA.uid,
      annotations: { 'checksum/provisioning': provisioningChecksum },
      volumes,
    },
  });
}

/** The Elasticsearch credentials, when its datasource is on and has them (the password defaults to the user name's Secret). */
export function elasticsearchAuth(v: GrafanaValues): { username: SecretRef; password: SecretRef } | undefined {
  const es = v.datasources.elasticsearch;
  const { usernameSecret, passwordSecret } = es.basicAuth;
  if (!es.enabled || !usernameSecret.name) return undefined;
  return { username: usernameSecret, password: { ...passwordSecret, name: passwordSecret.name ?? usernameSecret.name } };
}

/** What our Elasticsearch tells its clients when its security is on. */
export interface ElasticsearchClientAccess {
  /** The CA of its HTTP certificate. */
  readonly ca: SecretRef;
  /** The Secret (keys username, password) of each client (elasticsearch.security.clients); Grafana's unless grafana.datasources.elasticsearch.basicAuth names one. */
  readonly credentials: Readonly<Record<ElasticsearchClient, SecretRef>>;
}

/**
 * Grafana's values with the CA and credentials of our Elasticsearch filled in
 * where the datasource points at it (no url of its own), its security is on
 * and the values name none.
 */
function withElasticsearchAccess(v: GrafanaValues, access: ElasticsearchClientAccess | undefined): GrafanaValues {
  const es = v.datasources.elasticsearch;
  if (!access || !es.enabled || es.url) return v;
  const basicAuth = es.basicAuth.usernameSecret.name ? es.basicAuth : { ...es.basicAuth, usernameSecret: { ...es.basicAuth.usernameSecret, name: access.credentials.grafana.name } };
  const caSecret = es.caSecret.name ? es.caSecret : { name: access.ca.name, key: access.ca.key };
  return { ...v, datasources: { ...v.datasources, elasticsearch: { ...es, basicAuth, caSecret } } };
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
