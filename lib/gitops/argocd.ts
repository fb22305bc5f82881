/**
 * Argo CD: an Application per environment reading `dist/<env>/` from Git (a
 * kustomize source: Argo CD reads our `Kustomization` file, so it deploys
 * exactly the objects `kubectl apply -k` would), optionally one for the
 * Prometheus Operator folder, and an app-of-apps over `dist/argocd/apps/`.
 *
 * Choices, and the Argo CD pain they avoid:
 * - Tracking by annotation (`argocd.argoproj.io/tracking-id`, the default since
 *   Argo CD 3.0). The older label tracking rewrites `app.kubernetes.io/instance`,
 *   which our Services and workloads select on: keep
 *   `application.resourceTrackingMethod: annotation` in argocd-cm.
 * - ServerSideApply=true: the dashboards' ConfigMaps exceed the 256 KiB
 *   last-applied annotation of client-side apply; ServerSideDiff=true compares
 *   the way the API server merges, so defaulted fields (a StatefulSet's
 *   volumeClaimTemplates status, Service clusterIPs) never leave the app
 *   forever OutOfSync.
 * - CRD-dependent objects carry SkipDryRunOnMissingResource=true and sync last
 *   (wave 2); they live in their own Application, off by default.
 * - No Helm hooks: every object is plain and ordered by sync waves
 *   (lib/gitops/waves.ts), so nothing depends on hooks an ApplicationSet or a
 *   `ttlSecondsAfterFinished: 0` Job would skip or race.
 * - Deleting an Application leaves its objects (no resources finalizer): a
 *   mistaken delete never takes the stack, or its volumes, with it.
 */
import { PART_OF } from '../core/labels';
import type { Manifest } from '../synth/render';
import type { Values } from '../values/schema';
import { ArgocdValues } from './values';

const API_VERSION = 'argoproj.io/v1alpha1';
export const APPLICATIONS_FOLDER = 'argocd/apps';
export const ROOT_APPLICATION_FILE = 'argocd/root.yaml';

export const appName = (values: Pick<Values, 'instance' | 'environment'>): string => `${values.instance}-${values.environment}`;

function application(a: ArgocdValues, name: string, path: string, destinationNamespace: string, syncOptions: readonly string[]): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'Application',
    metadata: {
      name,
      namespace: a.namespace,
      labels: { 'app.kubernetes.io/part-of': PART_OF },
      annotations: { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true' },
    },
    spec: {
      project: a.project,
      source: { repoURL: a.repoURL, targetRevision: a.targetRevision, path },
      destination: { server: a.destinationServer, namespace: destinationNamespace },
      syncPolicy: {
        ...(a.automated ? { automated: { prune: true, selfHeal: true } } : {}),
        syncOptions: [...syncOptions],
      },
    },
  };
}

/** The Applications of one environment. */
export function environmentApplications(values: Values): Manifest[] {
  const a = values.argocd;
  const base = `${a.path}/${values.environment}`;
  const apps = [application(a, appName(values), base, values.namespace, ['ServerSideApply=true', 'PruneLast=true', 'CreateNamespace=false'])];
  if (a.prometheusOperator) {
    apps.push(application(a, `${appName(values)}-prometheus-operator`, `${base}/prometheus-operator`, values.namespace, ['ServerSideApply=true', 'SkipDryRunOnMissingResource=true']));
  }
  return apps;
}

/** The app-of-apps: every Application under dist/argocd/apps/. */
export function rootApplication(values: Values): Manifest {
  const a = values.argocd;
  const root = application(a, values.instance, `${a.path}/${APPLICATIONS_FOLDER}`, a.namespace, ['ServerSideApply=true']);
  (root.spec as { source: Record<string, unknown> }).source.directory = { recurse: false };
  return root;
}
