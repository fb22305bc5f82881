/**
 * The logs bootstrap: a Job that installs the ILM policy and the index
 * templates in Elasticsearch and the data views in Kibana
 * (lib/logs/bootstrap-requests.ts, typed bodies rendered to JSON files of a
 * ConfigMap). Idempotent (PUT of the policy and templates, data views with
 * `override: true`); it retries until Elasticsearch is yellow and Kibana's
 * /api/status answers, up to ten minutes each, then the Job retries the pod.
 *
 * Ordering without Helm hooks: a plain Job in the last sync wave (Jobs are
 * wave 3, lib/gitops/waves.ts). Its name carries a digest of what it installs
 * (`logs-bootstrap-v<digest>`), so a change of the requests is a new Job that
 * runs after the install, upgrade or sync that brought it (a Job's pod template
 * cannot be changed in place); an unchanged one is left alone. Finished Jobs
 * are kept a day (ttlSecondsAfterFinished 86400, never 0).
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import type { BuildContext, ComponentDefinition, ExposedScrapeTarget, MonitoringComponent, ServiceEndpoint } from '../core/component';
import type { Jaeger } from '../jaeger';
import { k8s } from '../core/k8s';
import { AppIdentity, Labels, selectorLabels } from '../core/labels';
import { checksum, container, job, secretFilesVolume } from '../core/workload';
import type { ElasticsearchClientAccess } from '../grafana';
import { BootstrapRequest, bootstrapRequests } from '../logs/bootstrap-requests';
import { CLIENT_SECRET_KEYS, clientRoles, ELASTICSEARCH_CLIENTS, ElasticsearchClient, KIBANA_SYSTEM_USER, roleName, userBody } from '../elasticsearch/users';
import { repositoryBody, slmPolicyBody, SNAPSHOTS, SnapshotValues } from '../elasticsearch/snapshots';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { ValuesError } from '../values/errors';
import { ELASTIC_STACK_VERSION } from '../elasticsearch/values';
import { enabled, image, resources } from '../values/types';
import type { SecretRef } from '../values/types';

export const LOGS_BOOTSTRAP = {
  name: 'logs-bootstrap',
  component: 'log-bootstrap',
  configMap: 'logs-bootstrap',
  requestsDir: '/mnt/logs-bootstrap',
  credentialsDir: '/mnt/logs-bootstrap-credentials',
  uid: 1000,
} as const;

export const logsBootstrapValues = z
  .strictObject({
    enabled: enabled(true, 'the Job that installs the ILM policy, index templates and Kibana data views'),
    image: image({ repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: ELASTIC_STACK_VERSION }),
    resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }),
  })
  .prefault({})
  .describe('The logs bootstrap Job (its image only needs bash and curl)');

export type LogsBootstrapValues = z.output<typeof logsBootstrapValues>;

export interface LogsBootstrapProps {
  readonly namespace: string;
  readonly identity: AppIdentity;
  readonly values: LogsBootstrapValues;
  readonly elasticsearch: {
    readonly url: string;
    readonly access?: ElasticsearchClientAccess;
    readonly elasticPassword?: SecretRef;
    readonly retention: string;
    readonly replicas: number;
    /** Snapshots (repository and SLM policy), when on. @default off */
    readonly snapshots?: SnapshotValues;
  };
  /** The clients that connect (their users and roles are created where security is on). @default none */
  readonly clients?: readonly ElasticsearchClient[];
  /** Jaeger's index prefix (its role's indices). @default jaeger */
  readonly jaegerIndexPrefix?: string;
  /** Kibana's URL, when it is deployed (data views are skipped without it). */
  readonly kibanaUrl?: string;
}

/** Placeholder of a user's name in a request path (the Job reads it from the Secret file). */
export const USERNAME_PLACEHOLDER = '{username}';

/** Where a client's Secret files are mounted in the Job. */
export function clientFiles(client: ElasticsearchClient): { username: string; password: string } {
  return { username: `${LOGS_BOOTSTRAP.credentialsDir}/${client}-username`, password: `${LOGS_BOOTSTRAP.credentialsDir}/${client}-password` };
}

/** Roles and users of the clients (PUT: idempotent, a rotated password is set again); Kibana's built-in user only gets its password. */
export function securityRequests(clients: readonly ElasticsearchClient[], jaegerIndexPrefix: string): BootstrapRequest[] {
  const roles = clientRoles({ jaegerIndexPrefix });
  return clients.flatMap((c): BootstrapRequest[] => {
    const files = clientFiles(c);
    if (c === 'kibana') {
      return [{ target: 'elasticsearch', method: 'POST', path: `/_security/user/${KIBANA_SYSTEM_USER}/_password`, file: 'password-kibana.json', body: {}, secret: { passwordFile: files.password } }];
    }
    return [
      { target: 'elasticsearch', method: 'PUT', path: `/_security/role/${roleName(c)}`, file: `role-${c}.json`, body: roles[c] },
      { target: 'elasticsearch', method: 'PUT', path: `/_security/user/${USERNAME_PLACEHOLDER}`, file: `user-${c}.json`, body: userBody(c), secret: { passwordFile: files.password, usernameFile: files.username } },
    ];
  });
}

/** The S3 repository, then the SLM policy that snapshots into it. */
export function snapshotRequests(v: SnapshotValues): BootstrapRequest[] {
  return [
    { target: 'elasticsearch', method: 'PUT', path: `/_snapshot/${SNAPSHOTS.repository}`, file: 'snapshot-repository.json', body: repositoryBody(v) },
    { target: 'elasticsearch', method: 'PUT', path: `/_slm/policy/${SNAPSHOTS.policy}`, file: 'slm-policy.json', body: slmPolicyBody(v) },
  ];
}

/** The script: wait for each target, then send each request; any answer but 2xx fails the pod. */
export function bootstrapScript(requests: readonly BootstrapRequest[], opts: { secure: boolean; kibana: boolean }): string {
  const auth = opts.secure
    ? `  printf 'user = "elastic:%s"\\n' "$(cat ${LOGS_BOOTSTRAP.credentialsDir}/elastic-password)" | curl -sS --max-time 30 --cacert ${LOGS_BOOTSTRAP.credentialsDir}/ca.crt -K - "$@"`
    : '  curl -sS --max-time 30 "$@"';
  const lines = [
    '#!/bin/bash',
    'set -uo pipefail',
    'call() {',
    auth,
    '}',
    'wait_for() {',
    '  for attempt in $(seq 1 120); do',
    '    code=$(call -o /dev/null -w "%{http_code}" "$2")',
    '    [ "$code" = 200 ] && return 0',
    '    echo "waiting for $1 (attempt $attempt, HTTP $code)"',
    '    sleep 5',
    '  done',
    '  echo "$1 did not answer in 10 minutes"; exit 1',
    '}',
    'send() {',
    `  code=$(call -X "$2" -H 'Content-Type: application/json' -H 'kbn-xsrf: pynomaly-monitoring' --data-binary "@${LOGS_BOOTSTRAP.requestsDir}/$4" -o /tmp/answer -w "%{http_code}" "$1$3")`,
    '  case "$code" in 2??) echo "$2 $3: HTTP $code" ;; *) echo "$2 $3: HTTP $code"; cat /tmp/answer; echo; exit 1 ;; esac',
    '}',
    // A request whose body gets a password from a Secret file, spliced in as the first field (JSON-escaped), sent from a pipe.
    'send_secret() {',
    '  pw=$(cat "$5")',
    '  case "$pw" in *[[:cntrl:]]*) echo "$5: a password with control characters cannot be sent"; exit 1 ;; esac',
    `  esc=$(printf '%s' "$pw" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g')`,
    `  rest=$(tr -d '\\n' < "${LOGS_BOOTSTRAP.requestsDir}/$4"); rest="\${rest#\\{}"; sep=,; [ "\${rest// /}" = "}" ] && sep=`,
    `  code=$(call -X "$2" -H 'Content-Type: application/json' --data-binary @<(printf '{"password":"%s"%s%s' "$esc" "$sep" "$rest") -o /tmp/answer -w "%{http_code}" "$1$3")`,
    '  case "$code" in 2??) echo "$2 $3: HTTP $code" ;; *) echo "$2 $3: HTTP $code"; cat /tmp/answer; echo; exit 1 ;; esac',
    '}',
    'wait_for elasticsearch "$ELASTICSEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=5s"',
    ...requests
      .filter((r) => r.target === 'elasticsearch')
      .map((r) =>
        r.secret
          ? `send_secret "$ELASTICSEARCH_URL" ${r.method} ${r.secret.usernameFile ? r.path.replace(USERNAME_PLACEHOLDER, `"$(cat ${r.secret.usernameFile})"`) : r.path} ${r.file} ${r.secret.passwordFile}`
          : `send "$ELASTICSEARCH_URL" ${r.method} ${r.path} ${r.file}`,
      ),
  ];
  if (opts.kibana) {
    lines.push('wait_for kibana "$KIBANA_URL/api/status"', ...requests.filter((r) => r.target === 'kibana').map((r) => `send "$KIBANA_URL" ${r.method} ${r.path} ${r.file}`));
  }
  lines.push('echo "logs bootstrap done"', '');
  return lines.join('\n');
}

export class LogsBootstrap extends Construct implements MonitoringComponent {
  public readonly appName = LOGS_BOOTSTRAP.name;
  public readonly namespace: string;
  public readonly podSelector: Labels;
  public readonly services: readonly ServiceEndpoint[] = [];
  public readonly scrapeTargets: readonly ExposedScrapeTarget[] = [];
  public readonly requests: readonly BootstrapRequest[];
  public readonly job: k8s.KubeJob;
  private readonly props: LogsBootstrapProps;

  public constructor(scope: Construct, id: string, props: LogsBootstrapProps) {
    super(scope, id);
    this.props = props;
    this.namespace = props.namespace;
    this.podSelector = selectorLabels(props.identity);
    const es = props.elasticsearch;
    const secure = Boolean(es.access);
    const clients = secure ? (props.clients ?? []) : [];
    this.requests = [
      ...(clients.length ? securityRequests(clients, props.jaegerIndexPrefix ?? 'jaeger') : []),
      ...bootstrapRequests({ retention: es.retention, replicas: es.replicas }),
      ...(es.snapshots?.enabled ? snapshotRequests(es.snapshots) : []),
    ];
    const data: Record<string, string> = Object.fromEntries(this.requests.map((r) => [r.file, JSON.stringify(r.body, null, 2) + '\n']));
    data['bootstrap.sh'] = bootstrapScript(this.requests, { secure, kibana: props.kibanaUrl !== undefined });
    const digest = checksum(data).slice(0, 10);
    new k8s.KubeConfigMap(this, 'requests', { metadata: { name: LOGS_BOOTSTRAP.configMap }, data });
    const env: k8s.EnvVar[] = [
      { name: 'ELASTICSEARCH_URL', value: es.url },
      ...(props.kibanaUrl ? [{ name: 'KIBANA_URL', value: props.kibanaUrl }] : []),
    ];
    // A Job's pod is no Service endpoint; the probes only say the requests are mounted.
    const mounted: k8s.Probe = { exec: { command: ['test', '-f', `${LOGS_BOOTSTRAP.requestsDir}/bootstrap.sh`] }, periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 5 };
    const c = container({
      name: LOGS_BOOTSTRAP.name,
      image: props.values.image,
      command: ['/bin/bash', `${LOGS_BOOTSTRAP.requestsDir}/bootstrap.sh`],
      env,
      resources: props.values.resources,
      readinessProbe: mounted,
      livenessProbe: mounted,
      volumeMounts: [
        { name: 'requests', mountPath: LOGS_BOOTSTRAP.requestsDir, readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
        ...(secure ? [{ name: 'credentials', mountPath: LOGS_BOOTSTRAP.credentialsDir, readOnly: true }] : []),
      ],
    });
    this.job = job(this, 'job', {
      name: `${LOGS_BOOTSTRAP.name}-v${digest}`,
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86400,
      pod: {
        identity: props.identity,
        containers: [c],
        runAsUser: LOGS_BOOTSTRAP.uid,
        volumes: [
          { name: 'requests', configMap: { name: LOGS_BOOTSTRAP.configMap, defaultMode: 0o555 } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
          ...(secure
            ? [
                secretFilesVolume('credentials', [
                  { ref: es.elasticPassword!, path: 'elastic-password' },
                  { ref: es.access!.ca, path: 'ca.crt' },
                  ...clients.flatMap((c) => {
                    const name = es.access!.credentials[c].name;
                    const files = clientFiles(c);
                    return [
                      ...(c === 'kibana' ? [] : [{ ref: { name, key: CLIENT_SECRET_KEYS.username }, path: basename(files.username) }]),
                      { ref: { name, key: CLIENT_SECRET_KEYS.password }, path: basename(files.password) },
                    ];
                  }),
                ]),
              ]
            : []),
        ],
      },
    });
  }

  public networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return [
      edgeTo(g, self, this.props.elasticsearch.url, (at) => `install the ILM policy and index templates${at}`),
      ...(this.props.kibanaUrl ? [edgeTo(g, self, this.props.kibanaUrl, (at) => `install the data views${at}`)] : []),
    ];
  }
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

interface ElasticsearchLike extends MonitoringComponent {
  readonly endpoint: ServiceEndpoint;
  readonly clientAccess?: ElasticsearchClientAccess;
  readonly indexReplicas: number;
  readonly values: { readonly logRetention: string; readonly security: { readonly elasticPassword: SecretRef }; readonly snapshots: SnapshotValues };
}

/** The registry entry. */
export const logsBootstrapComponent: ComponentDefinition<typeof logsBootstrapValues, 'logsBootstrap'> = {
  key: 'logsBootstrap',
  values: logsBootstrapValues,
  // Every client of our Elasticsearch, to create the users of those deployed.
  uses: ['elasticsearch', 'kibana', 'grafana', 'logstash', 'elasticsearchExporter', 'jaeger'],
  build(ctx) {
    const es = ctx.component<ElasticsearchLike>('elasticsearch');
    if (!es) throw new ValuesError('logsBootstrap.enabled: the bootstrap installs into our Elasticsearch, which elasticsearch.enabled=false switches off; set logsBootstrap.enabled=false too');
    const kibana = ctx.component<MonitoringComponent & { endpoint: ServiceEndpoint }>('kibana');
    const identity = ctx.identity(LOGS_BOOTSTRAP.name, LOGS_BOOTSTRAP.component, ctx.values.image.tag);
    const chart = ctx.chart(LOGS_BOOTSTRAP.name, identity);
    return new LogsBootstrap(chart, 'logs-bootstrap', {
      namespace: ctx.namespace,
      identity,
      values: ctx.values,
      elasticsearch: { url: es.endpoint.url, access: es.clientAccess, elasticPassword: es.values.security.elasticPassword, retention: es.values.logRetention, replicas: es.indexReplicas, snapshots: es.values.snapshots },
      kibanaUrl: kibana?.endpoint.url,
      clients: deployedClients(ctx),
      jaegerIndexPrefix: ctx.component<Jaeger>('jaeger')?.values.elasticsearch.indexPrefix,
    });
  },
};

/** The clients of our Elasticsearch that are deployed and use it with credentials. */
function deployedClients(ctx: BuildContext<LogsBootstrapValues>): ElasticsearchClient[] {
  const on = (key: string) => ctx.component(key) !== undefined;
  const grafana = ctx.component<MonitoringComponent & { values: { datasources: { elasticsearch: { enabled: boolean; url?: string } } } }>('grafana');
  const jaeger = ctx.component<Jaeger>('jaeger');
  const exporter = ctx.component<MonitoringComponent & { values: { url?: string } }>('elasticsearchExporter');
  const used: Record<ElasticsearchClient, boolean> = {
    grafana: Boolean(grafana && grafana.values.datasources.elasticsearch.enabled && !grafana.values.datasources.elasticsearch.url),
    logstash: on('logstash'),
    kibana: on('kibana'),
    monitoring: Boolean(exporter && !exporter.values.url),
    jaeger: Boolean(jaeger && jaeger.values.storage === 'elasticsearch' && !jaeger.values.elasticsearch.url),
  };
  return ELASTICSEARCH_CLIENTS.filter((c) => used[c]);
}
