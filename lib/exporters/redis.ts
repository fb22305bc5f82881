/**
 * redis_exporter: one Deployment per Redis instance of the values, all behind
 * the `redis-exporter` Service (one scrape target; the `pod` label tells the
 * instances apart). The address is a value (it is not a secret, and the
 * NetworkPolicy is derived from it); the password is read from a file of a
 * user-provided Secret: REDIS_PASSWORD_FILE, which redis_exporter reads as a
 * JSON map of Redis URI to password (`{"redis://redis.pynomaly.svc:6379": "..."}`).
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

export const REDIS_EXPORTER = {
  name: 'redis-exporter',
  component: 'datastore-metrics',
  port: { name: 'http-metrics', port: 9121 },
  /** The image's own user. */
  uid: 59000,
  secretDir: '/etc/redis-exporter/secrets',
  passwordFile: 'passwords.json',
} as const;

const instance = z
  .strictObject({
    name: dnsLabel.max(40).describe('Name of the instance: the Deployment is redis-exporter-<name>'),
    address: z
      .string()
      .regex(/^(rediss?:\/\/)?[A-Za-z0-9.-]+:[0-9]{1,5}$/, { message: 'expected redis://<host>:<port> (or rediss:// for TLS)' })
      .describe('Address of the Redis server (REDIS_ADDR), e.g. redis://redis.pynomaly.svc:6379; the NetworkPolicy lets the exporter reach it'),
    passwordSecret: secretRef(
      'a JSON map of Redis URI to password, e.g. {"redis://redis.pynomaly.svc:6379": "..."} (REDIS_PASSWORD_FILE); unset name: no password',
      { key: 'redis-passwords.json' },
    ),
  })
  .describe('A Redis instance to export');

export const redisExporterValues = z
  .strictObject({
    enabled: enabled(true, 'redis_exporter, one Deployment per Redis instance'),
    image: image({ repository: 'docker.io/oliver006/redis_exporter', tag: 'v1.89.0' }),
    resources: resources({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } }),
    instances: z
      .array(instance)
      .min(1)
      .refine((l) => new Set(l.map((i) => i.name)).size === l.length, { message: 'instance names must be unique' })
      .default([{ name: 'pynomaly', address: 'redis://redis.pynomaly.svc:6379', passwordSecret: { name: undefined, key: 'redis-passwords.json' } }])
      .describe('The Redis servers to export, each by its own exporter'),
  })
  .prefault({})
  .describe('redis_exporter: metrics of the Redis servers Pynomaly uses');

export type RedisExporterValues = z.output<typeof redisExporterValues>;
export type RedisInstance = z.output<typeof instance>;

export interface RedisExporterProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof redisExporterValues>>;
}

/** The exporter's environment for one instance (no credential: the password is a file path). */
export function redisExporterEnv(i: RedisInstance): k8s.EnvVar[] {
  return [
    { name: 'REDIS_ADDR', value: i.address },
    { name: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', value: listenAddress(REDIS_EXPORTER.port) },
    ...(i.passwordSecret.name ? [{ name: 'REDIS_PASSWORD_FILE', value: `${REDIS_EXPORTER.secretDir}/${REDIS_EXPORTER.passwordFile}` }] : []),
  ];
}

export class RedisExporter extends ComponentConstruct<RedisExporterValues> {
  public readonly services: readonly ServiceEndpoint[];
  public readonly deployments: readonly k8s.KubeDeployment[];

  public constructor(scope: Construct, id: string, props: RedisExporterProps = {}) {
    super(scope, id, props, { ...REDIS_EXPORTER, job: JOBS.redisExporter, targetKey: 'redisExporter' }, parseSettings(redisExporterValues, props.values));
    this.services = [this.endpoint];
    service(this, 'service', { name: REDIS_EXPORTER.name, identity: this.identity, ports: [REDIS_EXPORTER.port] });
    this.deployments = this.values.instances.map((i) => {
      const secret = i.passwordSecret.name;
      const exporter = container({
        name: REDIS_EXPORTER.name,
        image: this.values.image,
        env: redisExporterEnv(i),
        ports: [REDIS_EXPORTER.port],
        resources: this.values.resources,
        // `/` is the exporter's own page: it answers without touching Redis (a Redis outage is an alert, not a restart).
        readinessProbe: httpProbe('/', REDIS_EXPORTER.port.name),
        livenessProbe: httpProbe('/', REDIS_EXPORTER.port.name, { periodSeconds: 20 }),
        volumeMounts: secret ? [{ name: 'secrets', mountPath: REDIS_EXPORTER.secretDir, readOnly: true }] : [],
      });
      return instanceDeployment(this, `deployment-${i.name}`, {
        name: `${REDIS_EXPORTER.name}-${i.name}`,
        target: i.name,
        pod: {
          identity: this.identity,
          containers: [exporter],
          volumes: secret ? [secretFilesVolume('secrets', [{ ref: i.passwordSecret, path: REDIS_EXPORTER.passwordFile }])] : [],
          runAsUser: REDIS_EXPORTER.uid,
        },
      });
    });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return serverEdges(g, self, this.values.instances.map((i) => ({ address: i.address.includes('://') ? i.address : `redis://${i.address}`, what: `Redis ${i.name}` })));
  }
}

export const redisExporterComponent: ComponentDefinition<typeof redisExporterValues, 'redisExporter'> = {
  key: 'redisExporter',
  values: redisExporterValues,
  build(ctx) {
    const chart = ctx.chart(REDIS_EXPORTER.name, ctx.identity(REDIS_EXPORTER.name, REDIS_EXPORTER.component, ctx.values.image.tag));
    return new RedisExporter(chart, 'redis-exporter', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};
