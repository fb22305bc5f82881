/**
 * postgres_exporter: one Deployment per PostgreSQL instance of the values, all
 * behind the `postgres-exporter` Service (one scrape target; the `pod` label
 * tells the instances apart). The data source is split as the exporter reads
 * it: DATA_SOURCE_URI (host:port/database?options, a value: it is not a secret
 * and the NetworkPolicy is derived from it), DATA_SOURCE_USER, and
 * DATA_SOURCE_PASS_FILE, a file of a user-provided Secret (the original put a
 * literal password in DATA_SOURCE_NAME).
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { container, httpProbe, secretFilesVolume, service } from '../core/workload';
import type { GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { dnsLabel, enabled, image, resources, secretRef } from '../values/types';
import { instanceDeployment, listenAddress, serverEdges } from './common';
import { parseSettings } from '../values/parsed';

export const POSTGRES_EXPORTER = {
  name: 'postgres-exporter',
  component: 'datastore-metrics',
  port: { name: 'http-metrics', port: 9187 },
  /** nobody: the image's own user. */
  uid: 65534,
  secretDir: '/etc/postgres-exporter/secrets',
  passwordFile: 'password',
} as const;

const instance = z
  .strictObject({
    name: dnsLabel.max(40).describe('Name of the instance: the Deployment is postgres-exporter-<name>'),
    uri: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}\/[^\s@]*$/, { message: 'expected <host>:<port>/<database>[?options] (no user or password in it)' })
      .describe('DATA_SOURCE_URI: <host>:<port>/<database>[?sslmode=...]; the NetworkPolicy lets the exporter reach the host'),
    user: z.string().min(1).default('postgres_exporter').describe('DATA_SOURCE_USER: the role the exporter logs in as (pg_monitor is enough)'),
    passwordSecret: secretRef("that role's password (DATA_SOURCE_PASS_FILE)", { name: 'postgres-exporter', key: 'password' }),
  })
  .describe('A PostgreSQL instance to export');

export const postgresExporterValues = z
  .strictObject({
    enabled: enabled(true, 'postgres_exporter, one Deployment per PostgreSQL instance'),
    image: image({ repository: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.20.1' }),
    resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } }),
    instances: z
      .array(instance)
      .min(1)
      .refine((l) => new Set(l.map((i) => i.name)).size === l.length, { message: 'instance names must be unique' })
      .default([{ name: 'pynomaly', uri: 'postgres.pynomaly.svc:5432/pynomaly?sslmode=require', user: 'postgres_exporter', passwordSecret: { name: 'postgres-exporter', key: 'password' } }])
      .describe('The PostgreSQL servers to export, each by its own exporter'),
  })
  .prefault({})
  .describe('postgres_exporter: metrics of the PostgreSQL servers Pynomaly uses');

export type PostgresExporterValues = z.output<typeof postgresExporterValues>;
export type PostgresInstance = z.output<typeof instance>;

export interface PostgresExporterProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof postgresExporterValues>>;
}

/** The exporter's environment for one instance (no credential: the password is a file path). */
export function postgresExporterEnv(i: PostgresInstance): k8s.EnvVar[] {
  return [
    { name: 'DATA_SOURCE_URI', value: i.uri },
    { name: 'DATA_SOURCE_USER', value: i.user },
    { name: 'DATA_SOURCE_PASS_FILE', value: `${POSTGRES_EXPORTER.secretDir}/${POSTGRES_EXPORTER.passwordFile}` },
  ];
}

export function postgresExporterArgs(): string[] {
  return [`--web.listen-address=${listenAddress(POSTGRES_EXPORTER.port)}`];
}

export class PostgresExporter extends ComponentConstruct<PostgresExporterValues> {
  public readonly services: readonly ServiceEndpoint[];
  public readonly deployments: readonly k8s.KubeDeployment[];

  public constructor(scope: Construct, id: string, props: PostgresExporterProps = {}) {
    super(scope, id, props, { ...POSTGRES_EXPORTER, job: JOBS.postgresExporter, targetKey: 'postgresExporter' }, parseSettings(postgresExporterValues, props.values));
    this.services = [this.endpoint];
    service(this, 'service', { name: POSTGRES_EXPORTER.name, identity: this.identity, ports: [POSTGRES_EXPORTER.port] });
    this.deployments = this.values.instances.map((i) => {
      const exporter = container({
        name: POSTGRES_EXPORTER.name,
        image: this.values.image,
        args: postgresExporterArgs(),
        env: postgresExporterEnv(i),
        ports: [POSTGRES_EXPORTER.port],
        resources: this.values.resources,
        // `/` is the exporter's own page: it answers without touching the database.
        readinessProbe: httpProbe('/', POSTGRES_EXPORTER.port.name),
        livenessProbe: httpProbe('/', POSTGRES_EXPORTER.port.name, { periodSeconds: 20 }),
        volumeMounts: [{ name: 'secrets', mountPath: POSTGRES_EXPORTER.secretDir, readOnly: true }],
      });
      return instanceDeployment(this, `deployment-${i.name}`, {
        name: `${POSTGRES_EXPORTER.name}-${i.name}`,
        target: i.name,
        pod: {
          identity: this.identity,
          containers: [exporter],
          volumes: [secretFilesVolume('secrets', [{ ref: i.passwordSecret, path: POSTGRES_EXPORTER.passwordFile }])],
          runAsUser: POSTGRES_EXPORTER.uid,
        },
      });
    });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return serverEdges(g, self, this.values.instances.map((i) => ({ address: `tcp://${i.uri.split('/')[0]}`, what: `PostgreSQL ${i.name}` })));
  }
}

export const postgresExporterComponent: ComponentDefinition<typeof postgresExporterValues, 'postgresExporter'> = {
  key: 'postgresExporter',
  values: postgresExporterValues,
  build(ctx) {
    const chart = ctx.chart(POSTGRES_EXPORTER.name, ctx.identity(POSTGRES_EXPORTER.name, POSTGRES_EXPORTER.component, ctx.values.image.tag));
    return new PostgresExporter(chart, 'postgres-exporter', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};
