/**
 * The order objects are applied in, declared once: Argo CD's sync waves (the
 * `argocd.argoproj.io/sync-wave` annotation) and `npm run deploy` use it alike.
 * Namespaces first; identities, RBAC and configuration before the workloads
 * that mount or use them (a cert-manager Certificate with the Secrets: it
 * writes one); Services before their clients start; the objects of the
 * Prometheus Operator's CRDs after the rest (their API may be missing).
 */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

const WAVE_BY_KIND: Readonly<Record<string, number>> = {
  Namespace: -3,
  CustomResourceDefinition: -3,
  ServiceAccount: -2,
  ClusterRole: -2,
  ClusterRoleBinding: -2,
  Role: -2,
  RoleBinding: -2,
  NetworkPolicy: -2,
  ConfigMap: -1,
  Secret: -1,
  // cert-manager writes the TLS Secret the Elasticsearch pods mount: issued before the StatefulSet starts.
  Certificate: -1,
  PersistentVolumeClaim: -1,
  Service: 0,
  StatefulSet: 1,
  Deployment: 1,
  DaemonSet: 1,
  PodDisruptionBudget: 1,
  CronJob: 1,
  // After the workloads behind them are rolled out: a published host does not answer 502 first.
  Ingress: 2,
  ServiceMonitor: 2,
  PrometheusRule: 2,
  Job: 3,
};

/** The wave of a kind; an unknown kind goes with the workloads. */
export function waveOfKind(kind: string): number {
  return WAVE_BY_KIND[kind] ?? 1;
}

/** The wave of an object: its annotation when it has one, else its kind's. */
export function waveOf(o: { kind: string; metadata?: { annotations?: Record<string, string> } }): number {
  const annotated = o.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];
  return annotated !== undefined && /^-?\d+$/.test(annotated) ? Number(annotated) : waveOfKind(o.kind);
}
