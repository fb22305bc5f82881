import * as z from 'zod';
import { LOG_INDEX_PATTERNS, LOG_TIME_FIELD } from '../catalog/logs';
import { enabled, hostPort, image, optionalStorage, replicas, resources, secretRef } from '../values/types';
import { plannedServiceUrl } from '../catalog/services';
import { problemOf } from '../values/validators/refine';
import { urlProblem } from '../values/validators/url';

/** File name of a user dashboard: becomes a ConfigMap key and part of the ConfigMap name. */
export const DASHBOARD_FILE_NAME = /^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?\.json$/;

function url(description: string) {
  return z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).superRefine(problemOf((u: string) => urlProblem(u))).optional().describe(description);
}

const adminValues = z
  .strictObject({
    userSecret: secretRef('the admin user name', { name: 'grafana-admin', key: 'admin-user' }),
    passwordSecret: secretRef('the admin password', { name: 'grafana-admin', key: 'admin-password' }),
  })
  .prefault({})
  .describe(
    'The admin account, from a Secret you create before install (never rendered by this chart), mounted as files (GF_SECURITY_ADMIN_*__FILE), e.g. ' +
      '`kubectl create secret generic grafana-admin --from-literal=admin-user=admin --from-literal=admin-password="$(openssl rand -base64 24)"`. ' +
      'Until it exists the pod stays in ContainerCreating. Grafana reads it only on its first start (empty database)',
  );

const persistenceValues = optionalStorage({
  size: '10Gi',
  enabled: false,
  description:
    'Keep /var/lib/grafana (SQLite database: users, preferences, annotations) on a PersistentVolumeClaim; otherwise an emptyDir lost on restart (dashboards and datasources are provisioned, so nothing of ours is lost)',
}).describe("Storage of Grafana's database");

const datasourceSwitch = (what: string, urlDefault: string) => ({
  enabled: z.boolean().default(true).describe(`Provision the ${what} datasource (dashboards that need it are left out when off)`),
  url: url(`URL of ${what}; default ${urlDefault}`),
});

const datasourcesValues = z
  .strictObject({
    prometheus: z.strictObject(datasourceSwitch('Prometheus', 'the in-cluster Prometheus Service')).prefault({}).describe('Prometheus datasource (the default datasource)'),
    alertmanager: z.strictObject(datasourceSwitch('Alertmanager', 'the in-cluster Alertmanager Service')).prefault({}).describe('Alertmanager datasource'),
    elasticsearch: z
      .strictObject({
        ...datasourceSwitch('Elasticsearch', plannedServiceUrl('elasticsearch', '<namespace>')),
        index: z.string().min(1).default(LOG_INDEX_PATTERNS.logs).describe('Index pattern of the application logs'),
        timeField: z
          .string()
          .min(1)
          .default(LOG_TIME_FIELD)
          .describe('Time field of the log documents: @timestamp, which Logstash parses from the app\'s own `timestamp` string (2025-07-07 12:00:00,123 is not a date Elasticsearch maps by itself)'),
        basicAuth: z
          .strictObject({
            usernameSecret: secretRef('the user name Grafana sends to Elasticsearch (unset: elasticsearch.security.grafanaCredentials when it points at our Elasticsearch with security on, else no authentication)', { key: 'username' }),
            passwordSecret: secretRef("the password Grafana sends to Elasticsearch (unset name: the user name's Secret)", { key: 'password' }),
          })
          .prefault({})
          .describe('Basic authentication to Elasticsearch, read from a mounted Secret ($__file{...}), never written in the datasource'),
        caSecret: secretRef("the CA certificate that signed Elasticsearch's HTTP certificate (unset: our Elasticsearch's TLS Secret when its security is on, else the system trust store)", { key: 'ca.crt' }),
      })
      .prefault({})
      .describe('Elasticsearch datasource (application logs)'),
    jaeger: z.strictObject(datasourceSwitch('Jaeger', plannedServiceUrl('jaeger', '<namespace>'))).prefault({}).describe('Jaeger datasource (traces, linked to logs by correlation id and to metrics)'),
  })
  .prefault({})
  .describe('Provisioned datasources, each with a fixed uid');

const dashboardsValues = z
  .strictObject({
    additional: z
      .record(
        z.string().regex(DASHBOARD_FILE_NAME, { message: 'expected a file name such as my-dashboard.json (lower case letters, digits and -)' }),
        z.string().min(1),
      )
      .default({})
      .describe(
        'Your own dashboards, by file name: the value is the dashboard JSON itself (starting with `{`) or the path of a JSON file read at synth time, relative to the current directory. ' +
          'Each must be the top-level dashboard model (no {"dashboard": ...} wrapper) with a unique uid and a title, and use no deprecated Angular panel',
      ),
  })
  .prefault({})
  .describe('Dashboards provisioned into the Pynomaly folder');

/** Grafana's database types besides its built-in SQLite. */
export const DATABASE_TYPES = ['postgres', 'mysql'] as const;

const databaseValues = z
  .strictObject({
    type: z
      .enum(DATABASE_TYPES)
      .optional()
      .describe('An external database (GF_DATABASE_TYPE): postgres or mysql; unset: SQLite in /var/lib/grafana (one writer, so one replica)'),
    host: hostPort('host:port of the database, e.g. grafana-db.databases.svc:5432 (the NetworkPolicy opens it)'),
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, { message: 'expected a database name' }).default('grafana').describe('Database name'),
    user: z.string().min(1).optional().describe('Database user (not a secret: it is in the pod spec)'),
    passwordSecret: secretRef("the database user's password (GF_DATABASE_PASSWORD__FILE)", { key: 'password' }),
    sslMode: z
      .enum(['disable', 'require', 'verify-ca', 'verify-full'])
      .default('require')
      .describe('TLS to PostgreSQL (GF_DATABASE_SSL_MODE); ignored for mysql'),
  })
  .prefault({})
  .describe("Grafana's own database (users, preferences, annotations); required for more than one replica");

/** Values of Grafana (`grafana.*`). */
export const grafanaValues = z
  .strictObject({
    enabled: enabled(true, 'Grafana'),
    image: image({ repository: 'docker.io/grafana/grafana', tag: '13.2.3' }),
    replicas: replicas(
      1,
      'Grafana replicas; more than one needs grafana.database (an external database) and grafana.persistence off, and gets a PodDisruptionBudget and anti-affinity',
    ),
    database: databaseValues,
    resources: resources({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } }),
    admin: adminValues,
    persistence: persistenceValues,
    rootUrl: url('Public URL users reach Grafana at (GF_SERVER_ROOT_URL), used in links and redirects; unset: derived from the request'),
    preinstallPlugins: z
      .boolean()
      .default(false)
      .describe('Let Grafana download its default app plugins (Drilldown apps) from grafana.com at start; needs egress to the internet'),
    datasources: datasourcesValues,
    dashboards: dashboardsValues,
  })
  .superRefine((v, ctx) => {
    const db = v.database;
    if (db.type) {
      for (const field of ['host', 'user'] as const) {
        if (db[field] === undefined) ctx.addIssue({ code: 'custom', path: ['database', field], message: 'required when grafana.database.type is set' });
      }
      if (!db.passwordSecret.name) ctx.addIssue({ code: 'custom', path: ['database', 'passwordSecret', 'name'], message: 'required when grafana.database.type is set' });
    }
    if (v.replicas > 1 && !db.type) {
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'more than one replica needs an external database: set grafana.database (type, host, user, passwordSecret); SQLite has one writer' });
    }
    if (v.replicas > 1 && v.persistence.enabled) {
      ctx.addIssue({ code: 'custom', path: ['persistence', 'enabled'], message: 'must be false with more than one replica (one ReadWriteOnce claim cannot serve them; the state is in grafana.database)' });
    }
  })
  .prefault({})
  .describe('Grafana');

export type GrafanaValues = z.output<typeof grafanaValues>;
