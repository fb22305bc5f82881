/**
 * Logstash: the Pynomaly log pipeline (lib/logstash/pipeline.ts) in a
 * Deployment of one pod, its persistent queue and dead-letter queue on a
 * claim (Recreate: a ReadWriteOnce claim and a queue have one writer), a
 * Service on the four inputs, and an exporter sidecar turning the monitoring
 * API (9600) into Prometheus metrics.
 *
 * Read-only root filesystem: an init container copies the image's config
 * folder into an emptyDir and writes our logstash.yml and pipelines.yml over
 * it, so the image's env2yaml (which rewrites logstash.yml when an environment
 * variable names a setting) writes to a writable copy; data (queues), logs and
 * /tmp are volumes.
 *
 * Credentials: the pipeline's ${ES_USER}/${ES_PASSWORD} resolve from the
 * Logstash keystore (it looks there before the environment; its config
 * language has no file reference): a `keystore` init container adds both from
 * the files of the Secret our Elasticsearch declares for it
 * (elasticsearch.security.clients.logstash) to `config/logstash.keystore`, in
 * `path.settings` beside logstash.yml (lib/logs/keystore.ts). Nothing secret
 * is in the environment.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { ComponentConstruct, ComponentDefinition, ComponentProps, MonitoringComponent, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { AppIdentity } from '../core/labels';
import { checksum, claimSpec, container, deployment, httpProbe, service } from '../core/workload';
import { keystoreInit } from '../logs/keystore';
import { prepareConfigContainer, prepareConfigScript } from '../logs/prepare-config';
import type { ElasticsearchClientAccess } from '../grafana';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { toYaml } from '../synth/yaml';
import { ValuesError } from '../values/errors';
import { LOGSTASH, LOGSTASH_INPUTS } from './constants';
import { CLIENT_SECRET_KEYS } from '../elasticsearch/users';
import { PIPELINE_ENV, renderPipeline } from './pipeline';
import { LogstashValues, logstashValues } from './values';
import { parseSettings } from '../values/parsed';

export { LOGSTASH, LOGSTASH_INPUTS } from './constants';

export type LogstashSettings = NonNullable<z.input<typeof logstashValues>>;

/** What Logstash needs to know about the Elasticsearch it writes to. */
export interface LogstashTarget {
  readonly url: string;
  /** Security on: the CA Secret of its HTTP certificate. */
  readonly access?: ElasticsearchClientAccess;
}

export interface LogstashProps extends ComponentProps {
  readonly values?: LogstashSettings;
  readonly elasticsearch: LogstashTarget;
  /** `environment` added to every event. @default dev */
  readonly environment?: string;
}

const INPUT_PORTS = Object.values(LOGSTASH_INPUTS).map((i) => i.port);

export class Logstash extends ComponentConstruct<LogstashValues> {
  public readonly services: readonly ServiceEndpoint[];
  /** The rendered pipeline (pynomaly.conf). */
  public readonly pipeline: string;
  public readonly logstashYml: Record<string, unknown>;
  public readonly deployment: k8s.KubeDeployment;
  private readonly target: LogstashTarget;

  public constructor(scope: Construct, id: string, props: LogstashProps) {
    super(scope, id, props, { name: LOGSTASH.name, component: LOGSTASH.component, port: LOGSTASH.metricsPort, job: 'logstash', targetKey: 'logstash' }, parseSettings(logstashValues, props.values));
    const v = this.values;
    this.target = props.elasticsearch;
    this.services = [this.endpoint];
    const secure = Boolean(props.elasticsearch.access);
    this.pipeline = renderPipeline({
      elasticsearchUrl: props.elasticsearch.url,
      caFile: secure ? `${LOGSTASH.caDir}/ca.crt` : undefined,
      authenticate: secure,
      environment: props.environment ?? 'dev',
      service: 'pynomaly-api',
    });
    this.logstashYml = {
      'api.http.host': '0.0.0.0',
      'api.http.port': LOGSTASH.apiPort.port,
      'path.data': LOGSTASH.dataDir,
      'path.logs': LOGSTASH.logsDir,
      'pipeline.workers': v.workers,
      'pipeline.batch.size': v.batchSize,
      'queue.type': 'persisted',
      'queue.max_bytes': v.queue.maxBytes,
      'dead_letter_queue.enable': true,
      'dead_letter_queue.max_bytes': v.queue.deadLetterMaxBytes,
      'config.reload.automatic': false,
    };
    const pipelinesYml = [{ 'pipeline.id': LOGSTASH.pipelineId, 'path.config': `${LOGSTASH.pipelineDir}/${LOGSTASH.pipelineFile}` }];
    const configData = { 'logstash.yml': toYaml(this.logstashYml), 'pipelines.yml': toYaml(pipelinesYml), 'prepare.sh': prepareConfigScript(LOGSTASH.configDir, LOGSTASH.staticConfigDir, ['logstash.yml', 'pipelines.yml']) };
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: LOGSTASH.configMap }, data: configData });
    new k8s.KubeConfigMap(this, 'pipeline', { metadata: { name: LOGSTASH.pipelineConfigMap }, data: { [LOGSTASH.pipelineFile]: this.pipeline } });
    // One Service: the inputs, and the exporter's metrics (the scrape target).
    service(this, 'service', { name: LOGSTASH.name, identity: this.identity, ports: [...INPUT_PORTS, LOGSTASH.metricsPort] });
    new k8s.KubePersistentVolumeClaim(this, 'data', { metadata: { name: LOGSTASH.dataClaim }, spec: claimSpec(v.storage) });
    this.deployment = logstashDeployment(this, this.identity, v, props.elasticsearch, checksum({ configData, pipeline: this.pipeline }));
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    const shippers: Edge[] = this.values.clients.map((c) => ({
      from: { kind: 'pods', namespaces: [c.namespace], selector: c.podSelector, what: `log shippers in ${c.namespace}` },
      to: self,
      ports: INPUT_PORTS.map((p) => ({ port: p.port, protocol: p.protocol })),
      why: `send logs to the pipeline's inputs (${Object.values(LOGSTASH_INPUTS).map((i) => `${i.plugin} ${i.port.port}`).join(', ')})`,
    }));
    return [...shippers, edgeTo(g, self, this.target.url, (at) => `write the pynomaly-* indices (elasticsearch outputs${at})`)];
  }
}

/** The registry entry. */
export const logstashComponent: ComponentDefinition<typeof logstashValues, 'logstash'> = {
  key: 'logstash',
  values: logstashValues,
  uses: ['elasticsearch'],
  build(ctx) {
    const es = ctx.component<MonitoringComponent & { endpoint: ServiceEndpoint; clientAccess?: ElasticsearchClientAccess }>('elasticsearch');
    if (!es) throw new ValuesError('logstash.enabled: Logstash writes to our Elasticsearch, which elasticsearch.enabled=false switches off; set logstash.enabled=false too');
    const chart = ctx.chart(LOGSTASH.name, ctx.identity(LOGSTASH.name, LOGSTASH.component, ctx.values.image.tag));
    return new Logstash(chart, 'logstash', {
      values: ctx.values,
      namespace: ctx.namespace,
      instance: ctx.stack.instance,
      environment: ctx.stack.environment,
      elasticsearch: { url: es.endpoint.url, access: es.clientAccess },
    });
  },
};

function logstashDeployment(scope: Construct, identity: AppIdentity, v: LogstashValues, es: LogstashTarget, configChecksum: string): k8s.KubeDeployment {
  const api = LOGSTASH.apiPort.name;
  const creds = es.access?.credentials.logstash;
  // The pipeline's ${ES_USER} and ${ES_PASSWORD}: keystore keys, each from its file of the client's Secret.
  const keys = [
    { setting: PIPELINE_ENV.user, secretKey: CLIENT_SECRET_KEYS.username },
    { setting: PIPELINE_ENV.password, secretKey: CLIENT_SECRET_KEYS.password },
  ];
  const keystore = creds
    ? keystoreInit({
        tool: 'logstash',
        image: v.image,
        home: LOGSTASH.home,
        configDir: LOGSTASH.configDir,
        secrets: keys.map((k) => ({ setting: k.setting, file: k.secretKey, ref: { name: creds.name, key: k.secretKey } })),
        tmpDir: LOGSTASH.tmpDir,
        // The CLI is a JVM (the image's jvm.options ask for 1g): a small heap. Not a setting name (env2yaml, not run here anyway, leaves it).
        env: [{ name: 'LS_JAVA_OPTS', value: '-Xms128m -Xmx256m' }],
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '768Mi' } },
      })
    : undefined;
  const env: k8s.EnvVar[] = [{ name: 'LS_JAVA_OPTS', value: `-Xms${v.heap} -Xmx${v.heap}` }];
  const logstash = container({
    name: LOGSTASH.name,
    image: v.image,
    env,
    ports: [...INPUT_PORTS, LOGSTASH.apiPort],
    resources: v.resources,
    readinessProbe: httpProbe('/', api, { periodSeconds: 10 }),
    livenessProbe: httpProbe('/', api, { periodSeconds: 20, failureThreshold: 6 }),
    // JRuby start and pipeline compilation take a minute or two.
    startupProbe: httpProbe('/', api, { periodSeconds: 10, failureThreshold: 30 }),
    volumeMounts: [
      { name: 'config-local', mountPath: LOGSTASH.configDir },
      { name: 'config', mountPath: LOGSTASH.staticConfigDir, readOnly: true },
      { name: 'pipeline', mountPath: LOGSTASH.pipelineDir, readOnly: true },
      { name: 'data', mountPath: LOGSTASH.dataDir },
      { name: 'logs', mountPath: LOGSTASH.logsDir },
      { name: 'tmp', mountPath: LOGSTASH.tmpDir },
      ...(es.access ? [{ name: 'elasticsearch-ca', mountPath: LOGSTASH.caDir, readOnly: true }] : []),
    ],
  });
  const metrics = LOGSTASH.metricsPort.name;
  const exporter = container({
    name: 'exporter',
    image: v.exporterImage,
    env: [{ name: 'LOGSTASH_URL', value: `http://localhost:${LOGSTASH.apiPort.port}` }],
    ports: [LOGSTASH.metricsPort],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    // Its own socket only: its health check asks Logstash, and a Logstash outage must show as logstash_info_up 0, not as a restarted exporter.
    readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(metrics) }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 },
    livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(metrics) }, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 5 },
  });
  const initContainers = [prepareConfigContainer(v.image, LOGSTASH.staticConfigDir), ...(keystore ? [keystore.container] : [])];
  const volumes: k8s.Volume[] = [
    { name: 'config', configMap: { name: LOGSTASH.configMap, defaultMode: 0o555 } },
    { name: 'pipeline', configMap: { name: LOGSTASH.pipelineConfigMap } },
    { name: 'config-local', emptyDir: { sizeLimit: k8s.Quantity.fromString('32Mi') } },
    { name: 'data', persistentVolumeClaim: { claimName: LOGSTASH.dataClaim } },
    { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } },
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } },
    ...(es.access ? [{ name: 'elasticsearch-ca', secret: { secretName: es.access.ca.name!, items: [{ key: es.access.ca.key, path: 'ca.crt' }], defaultMode: 0o440 } }] : []),
    ...(keystore ? [keystore.volume] : []),
  ];
  return deployment(scope, 'deployment', {
    name: LOGSTASH.name,
    // The queue's claim has one writer: the old pod stops before the new one starts.
    strategy: { type: 'Recreate' },
    pod: {
      identity,
      containers: [logstash, exporter],
      initContainers,
      runAsUser: LOGSTASH.uid,
      annotations: { 'checksum/config': configChecksum },
      // Time to drain the in-flight batch into the persistent queue.
      terminationGracePeriodSeconds: 60,
      volumes,
    },
  });
}
