/**
 * The production policy, as counts over every pod of an environment: what a
 * platform team's admission policies and review would flag. Shared by the
 * policy test (a table per environment, zero allowed) and the conventions.
 */
import { Manifest } from '../../lib/synth/render';
import { PodSpecJson, podTemplateOf, WORKLOAD_KINDS } from './k8s';

const POD_SECURITY_LABEL = 'pod-security.kubernetes.io/enforce';

/** Volume types the restricted Pod Security Standard admits. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/**
 * Why the restricted Pod Security Standard would refuse a pod: volume types,
 * host namespaces and ports, UID 0, added capabilities, escalation, seccomp.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (restricted)
 */
export function restrictedProblems(spec: PodSpecJson): string[] {
  const problems: string[] = [];
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name')!;
    if (!RESTRICTED_VOLUMES.has(type)) problems.push(`volume ${String(v.name)} is ${type}`);
  }
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('shares a host namespace');
  if (spec.securityContext?.runAsUser === 0) problems.push('pod runs as UID 0');
  const podSeccomp = spec.securityContext?.seccompProfile?.type;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if ((c.ports ?? []).some((p) => p.hostPort)) problems.push(`${c.name} uses a hostPort`);
    if (c.securityContext?.runAsUser === 0) problems.push(`${c.name} runs as UID 0`);
    const added = c.securityContext?.capabilities?.add ?? [];
    if (added.some((cap) => cap !== 'NET_BIND_SERVICE')) problems.push(`${c.name} adds ${added.join(',')}`);
    if (!(c.securityContext?.capabilities?.drop ?? []).includes('ALL')) problems.push(`${c.name} does not drop ALL capabilities`);
    if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${c.name} may escalate privileges`);
    if (c.securityContext?.runAsNonRoot !== true && spec.securityContext?.runAsNonRoot !== true) problems.push(`${c.name} may run as root`);
    const seccomp = c.securityContext?.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${c.name} has no RuntimeDefault seccomp profile`);
  }
  return problems;
}

/** What a credential looks like in YAML or in a string. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /hooks\.slack\.com\/services\//,
  /\bxox[abprs]-/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  // A credential field with a literal value; references ($__file{...}, $__env{...}, ${VAR}, /path) are fine.
  /\b(routing_key|service_key|api_url|api_key|auth_password|auth_secret|password|credentials|bearer_token|token|webhook_url)\s*:\s*(?!["']?(\$__(file|env)\{|\$\{|\/))\S/i,
  /\/\/[^/\s:@]+:[^/\s@]+@/, // user:password@ in a URL
];

/** Every string (keys and values) of a parsed object. */
export function stringsOf(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => stringsOf(n, out));
  else if (node && typeof node === 'object') Object.entries(node).forEach(([k, v]) => (out.push(k), stringsOf(v, out)));
  return out;
}

export const POLICY_CHECKS = [
  'restricted Pod Security violations',
  'containers without requests and a memory limit',
  'unpinned images',
  'containers without readiness and liveness probes',
  'pods without an ingress NetworkPolicy',
  'pods without an egress NetworkPolicy',
  'multi-replica workloads without a PodDisruptionBudget',
  'literal credentials',
  'credentials in the environment',
  'UIs reachable through an ingress without authentication',
  'ingress hosts without TLS',
] as const;
/**
 * Containers whose program takes a credential only from its environment (no
 * file option, no keystore): `<container>/<variable>`, with why. Anything else
 * set from a Secret by secretKeyRef, other than a user name, is a finding: the
 * value would be in /proc/<pid>/environ and every child process. A credential
 * is a mounted file (or, for the Elastic images, a keystore entry built from one).
 */
export const ENVIRONMENT_CREDENTIAL_EXCEPTIONS: Readonly<Record<string, string>> = {
  'elasticsearch-exporter/ES_PASSWORD': 'elasticsearch_exporter reads the password from ES_PASSWORD or the URL only',
  'jaeger-es-index-cleaner/ES_PASSWORD': 'the index cleaner reads the password from ES_PASSWORD only',
};

/** A user name is no credential: an environment variable named *USER/*USERNAME, or set from a Secret's `username` key. */
const isUserName = (name: string, key: string): boolean => /USER(NAME)?$/.test(name) || key === 'username';

export type PolicyCheck = (typeof POLICY_CHECKS)[number];

export type Findings = Record<PolicyCheck, string[]>;

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}

const selects = (selector: Selector | undefined, labels: Record<string, string>): boolean =>
  !!selector && !selector.matchExpressions?.length && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Every finding of the policy over one environment's objects (plain YAML and operator folder). */
export function policyFindings(objects: readonly Manifest[]): Findings {
  const findings = Object.fromEntries(POLICY_CHECKS.map((c) => [c, [] as string[]])) as Findings;
  const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels?.[POD_SECURITY_LABEL]]));
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as (Manifest & { spec: { podSelector: Selector; policyTypes?: string[] } })[];
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget') as (Manifest & { spec: { selector: Selector } })[];
  for (const o of objects.filter((x) => WORKLOAD_KINDS.has(x.kind))) {
    const id = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
    const template = podTemplateOf(o);
    const spec = template.spec;
    const labels = template.metadata.labels ?? {};
    if (levels.get(o.metadata.namespace ?? '') === 'restricted') {
      for (const p of restrictedProblems(spec)) findings['restricted Pod Security violations'].push(`${id}: ${p}`);
    }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const r = c.resources ?? {};
      if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.memory) findings['containers without requests and a memory limit'].push(`${id} ${c.name}`);
      for (const e of c.env ?? []) {
        const ref = (e.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)?.secretKeyRef;
        if (ref && !isUserName(e.name, ref.key) && !ENVIRONMENT_CREDENTIAL_EXCEPTIONS[`${c.name}/${e.name}`]) {
          findings['credentials in the environment'].push(`${id} ${c.name}: ${e.name} from Secret ${ref.name} key ${ref.key}`);
        }
      }
      if (!/^[^:@\s]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(c.image) || (!c.image.includes('@') && (!/:[^/]+$/.test(c.image) || c.image.endsWith(':latest')))) {
        findings['unpinned images'].push(`${id} ${c.name}: ${c.image}`);
      }
    }
    if (o.kind !== 'Job' && o.kind !== 'CronJob') {
      for (const c of spec.containers) if (!c.readinessProbe || !c.livenessProbe) findings['containers without readiness and liveness probes'].push(`${id} ${c.name}`);
    }
    const inNamespace = policies.filter((p) => p.metadata.namespace === o.metadata.namespace && selects(p.spec.podSelector, labels));
    const types = (p: (typeof policies)[number]): string[] => p.spec.policyTypes ?? ['Ingress'];
    if (!inNamespace.some((p) => types(p).includes('Ingress'))) findings['pods without an ingress NetworkPolicy'].push(id);
    if (!inNamespace.some((p) => types(p).includes('Egress'))) findings['pods without an egress NetworkPolicy'].push(id);
    const replicas = (o.spec as { replicas?: number }).replicas ?? 1;
    if ((o.kind === 'Deployment' || o.kind === 'StatefulSet') && replicas > 1) {
      if (!budgets.some((b) => b.metadata.namespace === o.metadata.namespace && selects(b.spec.selector, labels))) findings['multi-replica workloads without a PodDisruptionBudget'].push(`${id} (${replicas} replicas)`);
    }
  }
  for (const o of objects.filter((x) => x.kind === 'Ingress')) {
    const id = `Ingress ${o.metadata.namespace}/${o.metadata.name}`;
    const spec = o.spec as IngressSpecJson;
    const tlsHosts = new Set((spec.tls ?? []).filter((t) => t.secretName).flatMap((t) => t.hosts ?? []));
    const rules = spec.rules ?? [];
    for (const r of rules) if (!r.host || !tlsHosts.has(r.host)) findings['ingress hosts without TLS'].push(`${id}: ${r.host ?? '(any host)'}`);
    const backends = [spec.defaultBackend, ...rules.flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))].filter((b): b is IngressBackendJson => b !== undefined);
    for (const b of backends) {
      const problem = unauthenticatedBackend(objects, o.metadata.namespace, b);
      if (problem) findings['UIs reachable through an ingress without authentication'].push(`${id}: ${problem}`);
    }
  }
  for (const o of objects) {
    for (const text of stringsOf(o)) {
      if (SECRET_PATTERNS.some((p) => p.test(text))) findings['literal credentials'].push(`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${text.slice(0, 80)}`);
    }
  }
  return findings;
}

interface IngressBackendJson {
  service?: { name: string; port: { number?: number; name?: string } };
  resource?: unknown;
}

interface IngressSpecJson {
  defaultBackend?: IngressBackendJson;
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string; http?: { paths: { backend: IngressBackendJson }[] } }[];
}

/**
 * Why an Ingress backend would serve a UI to people who have not logged in,
 * or undefined: the backend must be a Service whose pods authenticate every
 * request. Authenticating pods are oauth2-proxy's and the UIs with a login of
 * their own as configured: Grafana without anonymous access, Kibana with
 * Elasticsearch credentials (its login is Elasticsearch security). Anything
 * else (Prometheus, Alertmanager, Jaeger, an unknown Service) is a finding.
 */
function unauthenticatedBackend(objects: readonly Manifest[], namespace: string | undefined, b: IngressBackendJson): string | undefined {
  if (!b.service) return 'a backend that is not a Service';
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === b.service!.name && o.metadata.namespace === namespace);
  const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector) return `Service ${b.service.name} is not one of the stack's`;
  const workload = objects.find((o) => WORKLOAD_KINDS.has(o.kind) && o.metadata.namespace === namespace && selects({ matchLabels: selector }, podTemplateOf(o).metadata.labels ?? {}));
  if (!workload) return `Service ${b.service.name} selects no pods`;
  const app = podTemplateOf(workload).metadata.labels?.['app.kubernetes.io/name'];
  const env = (name: string): string | undefined =>
    podTemplateOf(workload)
      .spec.containers.flatMap((c) => (c as { env?: { name: string; value?: string }[] }).env ?? [])
      .find((e) => e.name === name)?.value;
  const authenticates: Record<string, () => boolean> = {
    'oauth2-proxy': () => true,
    grafana: () => env('GF_AUTH_ANONYMOUS_ENABLED') === 'false',
    kibana: () => /elasticsearch\.username/.test(JSON.stringify(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kibana-config' && o.metadata.namespace === namespace) ?? {})),
  };
  return app && authenticates[app]?.() ? undefined : `${app ?? b.service.name} (Service ${b.service.name}) has no login of its own`;
}
