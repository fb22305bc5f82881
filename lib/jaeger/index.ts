/**
 * Jaeger v2: one Deployment (collector and query in one process) configured by
 * the OpenTelemetry-collector-style file of the `jaeger-config` ConfigMap, one
 * Service `jaeger` for its receivers, query UI and metrics. Dev keeps traces
 * in memory; with Elasticsearch (staging, prod) it writes daily indices to our
 * Elasticsearch, with the user, password and CA from Secrets; the index
 * cleaner (index-cleaner.ts) deletes the indices older than the retention.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, MonitoringComponent, ServiceEndpoint } from '../core/component';
import { withClientAccess } from '../elasticsearch/client-access';
import type { ElasticsearchClientAccess } from '../grafana';
import { k8s } from '../core/k8s';
import { checksum, container, deployment, httpProbe, secretFilesVolume, service } from '../core/workload';
import { edgeTo, GraphContext } from '../network/components';
import { ComponentPeer, Edge, formatLabels, PodsPeer, tcp } from '../network/graph';
import { toYaml } from '../synth/yaml';
import { ES_USERNAME_ENV, jaegerConfig, jaegerElasticsearchUrl } from './config';
import { JAEGER } from './constants';
import { JaegerValues, jaegerValues } from './values';
import { parseSettings } from '../values/parsed';

export interface JaegerProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof jaegerValues>>;
}

const RECEIVER_PORTS = [JAEGER.ports.otlpGrpc, JAEGER.ports.otlpHttp, JAEGER.ports.thriftHttp, JAEGER.ports.jaegerGrpc];
const ALL_PORTS = [JAEGER.ports.query, JAEGER.ports.queryGrpc, ...RECEIVER_PORTS, JAEGER.ports.health, JAEGER.ports.metrics];

export class Jaeger extends ComponentConstruct<JaegerValues> {
  public readonly services: readonly ServiceEndpoint[];
  public readonly deployment: k8s.KubeDeployment;
  /** The rendered configuration file. */
  public readonly configYaml: string;
  /** Where applications send spans (OTLP gRPC). */
  public readonly otlpEndpoint: ServiceEndpoint;

  public constructor(scope: Construct, id: string, props: JaegerProps = {}) {
    super(
      scope,
      id,
      props,
      { name: JAEGER.name, component: JAEGER.component, port: JAEGER.ports.query, metricsPort: JAEGER.ports.metrics, job: JOBS.jaeger, targetKey: 'jaeger' },
      parseSettings(jaegerValues, props.values),
    );
    const v = this.values;
    this.services = [this.endpoint];
    this.otlpEndpoint = { ...this.endpoint, port: JAEGER.ports.otlpGrpc, url: `http://${this.endpoint.host}:${JAEGER.ports.otlpGrpc.port}` };
    service(this, 'service', { name: JAEGER.name, identity: this.identity, ports: ALL_PORTS });
    this.configYaml = toYaml(jaegerConfig(v, this.namespace));
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: JAEGER.configMap }, data: { [JAEGER.configFile]: this.configYaml } });

    const es = v.storage === 'elasticsearch' ? v.elasticsearch : undefined;
    const user = es?.usernameSecret.name;
    const volumes: k8s.Volume[] = [{ name: 'config', configMap: { name: JAEGER.configMap } }];
    const mounts: k8s.VolumeMount[] = [{ name: 'config', mountPath: JAEGER.configDir, readOnly: true }];
    if (es && user) {
      volumes.push(secretFilesVolume('secrets', [{ ref: { name: es.passwordSecret.name ?? user, key: es.passwordSecret.key }, path: JAEGER.passwordFile }]));
      mounts.push({ name: 'secrets', mountPath: JAEGER.secretDir, readOnly: true });
    }
    if (es?.caSecret.name) {
      volumes.push(secretFilesVolume('ca', [{ ref: es.caSecret, path: JAEGER.caFile }]));
      mounts.push({ name: 'ca', mountPath: JAEGER.caDir, readOnly: true });
    }
    const jaeger = container({
      name: JAEGER.name,
      image: v.image,
      args: [`--config=${JAEGER.configDir}/${JAEGER.configFile}`],
      env: es && user ? [{ name: ES_USERNAME_ENV, valueFrom: { secretKeyRef: { name: user, key: es.usernameSecret.key } } }] : [],
      ports: ALL_PORTS,
      resources: v.resources,
      readinessProbe: httpProbe(JAEGER.healthPath, JAEGER.ports.health.name),
      livenessProbe: httpProbe(JAEGER.healthPath, JAEGER.ports.health.name, { periodSeconds: 15, failureThreshold: 6 }),
      volumeMounts: mounts,
    });
    this.deployment = deployment(this, 'deployment', {
      name: JAEGER.name,
      // In memory, a second replica would hold other traces: one replica, replaced (not surged) on update.
      strategy: v.storage === 'memory' ? { type: 'Recreate' } : undefined,
      pod: {
        identity: this.identity,
        containers: [jaeger],
        volumes,
        runAsUser: JAEGER.uid,
        annotations: { 'checksum/config': checksum(this.configYaml) },
      },
    });
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    // Spans from the Pynomaly application, where Prometheus finds it (prometheus.pynomaly).
    const app = g.values.prometheus.pynomaly;
    const from: PodsPeer = { kind: 'pods', namespaces: app.namespaces, selector: app.selector, what: `the Pynomaly API (${formatLabels(app.selector)} in ${app.namespaces.join(', ')})` };
    const edges: Edge[] = [{ from, to: self, ports: RECEIVER_PORTS.map((p) => tcp(p.port)), why: 'spans (OTLP gRPC/HTTP, Jaeger thrift HTTP and gRPC)' }];
    if (this.values.storage === 'elasticsearch') {
      edges.push(edgeTo(g, self, jaegerElasticsearchUrl(this.values, this.namespace), (at) => `trace storage: Elasticsearch${at}`));
    }
    return edges;
  }
}

export const jaegerComponent: ComponentDefinition<typeof jaegerValues, 'jaeger'> = {
  key: 'jaeger',
  values: jaegerValues,
  // Our Elasticsearch, when deployed with security on, says which Secrets hold Jaeger's user and the CA.
  uses: ['elasticsearch'],
  build(ctx) {
    const v = ctx.values;
    const access = v.storage === 'elasticsearch' ? ctx.component<MonitoringComponent & { clientAccess?: ElasticsearchClientAccess }>('elasticsearch')?.clientAccess : undefined;
    const values = { ...v, elasticsearch: withClientAccess(v.elasticsearch, access, 'jaeger', 'jaeger.elasticsearch') };
    const chart = ctx.chart(JAEGER.name, ctx.identity(JAEGER.name, JAEGER.component, ctx.values.image.tag));
    return new Jaeger(chart, 'jaeger', { values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};
