/**
 * Elasticsearch: the log store. A StatefulSet of master-eligible data nodes,
 * each with its own volume; a headless Service (`elasticsearch-transport`)
 * gives every node a stable name and seeds discovery (publishing not-ready
 * addresses: nodes must find each other before any is ready); the client
 * Service `elasticsearch` on 9200 serves the REST API to Logstash, Kibana,
 * Grafana, Jaeger and the exporter.
 *
 * - One node: `discovery.type: single-node`. Several (3+): seed hosts from the
 *   headless Service, `cluster.initial_master_nodes` only while no formed
 *   cluster answers (see config.ts), spread across nodes and zones, a PDB.
 * - Heap: unset, Elasticsearch sizes it from the memory limit (request =
 *   limit, enforced by the values); set, at most half the limit and 31g.
 * - vm.max_map_count: see `maxMapCount` in values.ts.
 * - Security on (default): TLS on HTTP and transport from a user-provided
 *   Secret, the elastic password from a Secret (ELASTIC_PASSWORD_FILE).
 * - Read-only root filesystem: an init container copies the image's config
 *   folder into an emptyDir (Elasticsearch writes its keystore there).
 * - Readiness is `readiness.port` (open only while the node is in a cluster
 *   with a master); preStop waits until the node is out of the Service's
 *   endpoints, then SIGTERM makes Elasticsearch close its shards and leave.
 */
import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as z from 'zod';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ExposedScrapeTarget, ServiceEndpoint, serviceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { AppIdentity, selectorLabels } from '../core/labels';
import { checksum, container, persistentStatefulSet, resourceRequirements, imageRef, secretFilesVolume, service } from '../core/workload';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import type { ElasticsearchClientAccess } from '../grafana';
import { keystoreInit } from '../logs/keystore';
import { prepareConfigContainer } from '../logs/prepare-config';
import { ValuesError } from '../values/errors';
import { ELASTIC_PASSWORD_FILE, elasticsearchYml, MAX_MAP_COUNT, PRE_STOP_SECONDS, prepareScript, scheme, startScript } from './config';
import { ELASTICSEARCH } from './constants';
import { ElasticsearchValues, elasticsearchValues } from './values';
import { SNAPSHOTS } from './snapshots';
import { CERTIFICATE_API, CERTIFICATE_PATH, ElasticsearchCertificate } from './certificate';
import { parseSettings } from '../values/parsed';

export { ELASTICSEARCH } from './constants';

/** Elasticsearch's settings: exactly its values (`elasticsearch.*`). */
export type ElasticsearchSettings = NonNullable<z.input<typeof elasticsearchValues>>;

export interface ElasticsearchProps extends ComponentProps {
  readonly values?: ElasticsearchSettings;
  /** Pod Security level the namespace enforces (the sysctl init container needs privileged). @default restricted */
  readonly podSecurityLevel?: 'restricted' | 'baseline' | 'privileged';
}

/** Elasticsearch of one namespace. Others use `endpoint` (the client Service; https when security is on). */
export class Elasticsearch extends ComponentConstruct<ElasticsearchValues> {
  public override readonly endpoint: ServiceEndpoint;
  /** The headless Service: node names, discovery, transport. */
  public readonly transportEndpoint: ServiceEndpoint;
  public readonly services: readonly ServiceEndpoint[];
  /** Elasticsearch has no Prometheus endpoint: the exporter (a separate component) is scraped instead. */
  public override readonly scrapeTargets: readonly ExposedScrapeTarget[] = [];
  /** Where clients find the CA and Grafana its credentials; undefined with security off. */
  public readonly clientAccess?: ElasticsearchClientAccess;
  /** The names its TLS certificate must carry: the client Service's (short, namespaced, .svc) and every node's under the headless Service. */
  public readonly tlsDnsNames: readonly string[];
  /** Replicas of each log index (0 on one node). */
  public readonly indexReplicas: number;
  /** The rendered elasticsearch.yml. */
  public readonly configYaml: string;
  public readonly statefulSet: k8s.KubeStatefulSet;

  public constructor(scope: Construct, id: string, props: ElasticsearchProps = {}) {
    super(scope, id, props, { ...ELASTICSEARCH, job: 'elasticsearch', targetKey: 'elasticsearch' }, parseSettings(elasticsearchValues, props.values));
    const v = this.values;
    if (v.maxMapCount === 'sysctlInitContainer' && (props.podSecurityLevel ?? 'restricted') !== 'privileged') {
      throw new ValuesError(
        `elasticsearch.maxMapCount: sysctlInitContainer needs a privileged init container, which podSecurity.enforce=${props.podSecurityLevel ?? 'restricted'} refuses; use disableMmap or nodeTuned, or set podSecurity.enforce=privileged`,
      );
    }
    this.endpoint = serviceEndpoint(ELASTICSEARCH.name, this.namespace, ELASTICSEARCH.port, scheme(v));
    this.transportEndpoint = serviceEndpoint(ELASTICSEARCH.headlessService, this.namespace, ELASTICSEARCH.transportPort);
    this.services = [this.endpoint, this.transportEndpoint];
    const client = this.endpoint;
    this.tlsDnsNames = [client.service, `${client.service}.${client.namespace}`, client.host, this.transportEndpoint.host, `*.${this.transportEndpoint.host}`];
    if (v.security.enabled) this.clientAccess = { ca: { name: v.security.tls.secretName, key: 'ca.crt' }, credentials: v.security.clients };
    this.indexReplicas = v.indexReplicas ?? (v.replicas > 1 ? 1 : 0);
    if (this.indexReplicas > v.replicas - 1) {
      throw new ValuesError(`elasticsearch.indexReplicas: ${this.indexReplicas} replicas cannot be placed on ${v.replicas} node(s) (at most ${v.replicas - 1}): the cluster would stay yellow`);
    }

    const input = { values: v, namespace: this.namespace };
    this.configYaml = elasticsearchYml(input);
    const data = { 'elasticsearch.yml': this.configYaml, 'prepare.sh': prepareScript(), 'start.sh': startScript(input) };
    new k8s.KubeConfigMap(this, 'config', { metadata: { name: ELASTICSEARCH.configMap }, data });

    service(this, 'service', { name: ELASTICSEARCH.name, identity: this.identity, ports: [ELASTICSEARCH.port] });
    service(this, 'transport-service', {
      name: ELASTICSEARCH.headlessService,
      identity: this.identity,
      ports: [ELASTICSEARCH.port, ELASTICSEARCH.transportPort],
      headless: true,
      publishNotReadyAddresses: true,
    });
    this.statefulSet = statefulSet(this, this.identity, v, checksum(data));
    // Its PodDisruptionBudget (one node down at a time) comes with the StatefulSet helper.
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    if (this.values.replicas === 1) return [];
    return [
      edgeTo(g, self, `${this.transportEndpoint.host}:${ELASTICSEARCH.transportPort.port}`, () => 'transport between the nodes (discovery, replication)'),
      edgeTo(g, self, `${this.transportEndpoint.host}:${ELASTICSEARCH.port.port}`, () => 'start.sh asks the other nodes whether the cluster has formed (GET /)'),
    ];
  }
}

/** The registry entry. */
export const elasticsearchComponent: ComponentDefinition<typeof elasticsearchValues, 'elasticsearch'> = {
  key: 'elasticsearch',
  values: elasticsearchValues,
  build(ctx) {
    const chart = ctx.chart(ELASTICSEARCH.name, ctx.identity(ELASTICSEARCH.name, ELASTICSEARCH.component, ctx.values.image.tag));
    const es = new Elasticsearch(chart, 'elasticsearch', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance, podSecurityLevel: ctx.stack.podSecurity.enforce });
    const tls = ctx.values.security.tls;
    if (ctx.values.security.enabled && tls.certManager.enabled) {
      // Needs cert-manager's CRD; applied with the environment (its folder is in the Kustomization), before the StatefulSet.
      const certificates = ctx.chart(CERTIFICATE_PATH, ctx.identity(ELASTICSEARCH.name, ELASTICSEARCH.component, ctx.values.image.tag), { requiresApi: CERTIFICATE_API.apiVersion, inEnvironment: true });
      new ElasticsearchCertificate(certificates, 'certificate', { secretName: tls.secretName, dnsNames: es.tlsDnsNames, certManager: tls.certManager });
    }
    return es;
  },
};

/** The S3 client's credentials into the Elasticsearch keystore (lib/logs/keystore.ts); `--force`: a rotated Secret is taken on the next restart. */
function s3Keystore(v: ElasticsearchValues): { container: k8s.Container; volume: k8s.Volume } {
  return keystoreInit({
    tool: 'elasticsearch',
    image: v.image,
    home: ELASTICSEARCH.home,
    configDir: ELASTICSEARCH.configDir,
    secrets: SNAPSHOTS.keystore.map((k) => ({ setting: k.setting, file: k.secretKey, ref: { name: v.snapshots.s3.credentialsSecret.name, key: k.secretKey } })),
    tmpDir: ELASTICSEARCH.tmpDir,
    env: [{ name: 'ES_TMPDIR', value: ELASTICSEARCH.tmpDir }],
  });
}

const tcp = (port: string, periodSeconds: number, failureThreshold: number): k8s.Probe => ({
  tcpSocket: { port: k8s.IntOrString.fromString(port) },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 5,
});

function statefulSet(scope: Construct, identity: AppIdentity, v: ElasticsearchValues, configChecksum: string): k8s.KubeStatefulSet {
  const secure = v.security.enabled;
  const env: k8s.EnvVar[] = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'ES_TMPDIR', value: ELASTICSEARCH.tmpDir },
    ...(v.heap ? [{ name: 'ES_JAVA_OPTS', value: `-Xms${v.heap} -Xmx${v.heap}` }] : []),
    // The image's entrypoint reads the file into the keystore's bootstrap.password (the elastic user's password).
    ...(secure ? [{ name: 'ELASTIC_PASSWORD_FILE', value: ELASTIC_PASSWORD_FILE }] : []),
  ];
  const es: k8s.Container = {
    ...container({
      name: ELASTICSEARCH.name,
      image: v.image,
      command: ['/bin/bash', `${ELASTICSEARCH.staticConfigDir}/start.sh`],
      env,
      ports: [ELASTICSEARCH.port, ELASTICSEARCH.transportPort, ELASTICSEARCH.readinessPort],
      resources: v.resources,
      readinessProbe: tcp(ELASTICSEARCH.readinessPort.name, 5, 3),
      livenessProbe: tcp(ELASTICSEARCH.transportPort.name, 20, 6),
      // Recovering large indices after a restart takes minutes before transport opens.
      startupProbe: tcp(ELASTICSEARCH.transportPort.name, 10, 60),
      volumeMounts: [
        { name: 'data', mountPath: ELASTICSEARCH.dataDir },
        { name: 'config-local', mountPath: ELASTICSEARCH.configDir },
        { name: 'config', mountPath: ELASTICSEARCH.staticConfigDir, readOnly: true },
        { name: 'logs', mountPath: ELASTICSEARCH.logsDir },
        { name: 'tmp', mountPath: ELASTICSEARCH.tmpDir },
        ...(secure
          ? [
              { name: 'certs', mountPath: ELASTICSEARCH.certsDir, readOnly: true },
              { name: 'credentials', mountPath: ELASTICSEARCH.credentialsDir, readOnly: true },
            ]
          : []),
      ],
    }),
    // Out of the client Service's endpoints before SIGTERM; Elasticsearch then closes its shards and leaves the cluster.
    lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
  };
  const initContainers: k8s.Container[] = [];
  if (v.maxMapCount === 'sysctlInitContainer') {
    initContainers.push({
      name: 'sysctl',
      image: imageRef(v.image),
      imagePullPolicy: 'IfNotPresent',
      command: ['sysctl', '-w', `vm.max_map_count=${MAX_MAP_COUNT}`],
      resources: resourceRequirements({ requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } }),
      securityContext: { privileged: true, runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } },
    });
  }
  initContainers.push(prepareConfigContainer(v.image, ELASTICSEARCH.staticConfigDir));
  const s3 = v.snapshots.enabled ? s3Keystore(v) : undefined;
  if (s3) initContainers.push(s3.container);
  const volumes: k8s.Volume[] = [
    { name: 'config', configMap: { name: ELASTICSEARCH.configMap, defaultMode: 0o555 } },
    { name: 'config-local', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
    { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
    ...(s3 ? [s3.volume] : []),
    ...(secure
      ? [
          { name: 'certs', secret: { secretName: v.security.tls.secretName, defaultMode: 0o440 } },
          secretFilesVolume('credentials', [{ ref: v.security.elasticPassword, path: 'elastic-password' }]),
        ]
      : []),
  ];
  const sts = persistentStatefulSet(scope, 'statefulset', {
    name: ELASTICSEARCH.name,
    serviceName: ELASTICSEARCH.headlessService,
    replicas: v.replicas,
    storage: v.storage,
    pod: {
      identity,
      containers: [es],
      initContainers,
      runAsUser: ELASTICSEARCH.uid,
      annotations: { 'checksum/config': configChecksum },
      terminationGracePeriodSeconds: 120,
      ...(v.maxMapCount === 'sysctlInitContainer'
        ? { securityException: `init container sysctl runs privileged as root to set vm.max_map_count=${MAX_MAP_COUNT} on the node (elasticsearch.maxMapCount=sysctlInitContainer)` }
        : {}),
      volumes,
    },
  });
  if (v.replicas > 1) {
    // At most one node more on any host than on another (never refuses a single-host cluster), and spread over zones where there are any.
    const selector = { matchLabels: selectorLabels(identity) };
    sts.addJsonPatch(
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      ]),
    );
  }
  return sts;
}
