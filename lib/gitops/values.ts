import * as z from 'zod';
import { dnsLabel } from '../values/types';

/** Argo CD: one Application per environment, and an app-of-apps over them (dist/argocd/). */
export const argocdValues = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Render Argo CD Applications for this environment (dist/argocd/apps/<env>.yaml) and the app-of-apps (dist/argocd/root.yaml)'),
    repoURL: z
      .url({ protocol: /^(https|ssh|git)$/, message: 'expected the URL of a Git repository (https://, ssh:// or git://)' })
      .default('https://github.com/example/pynomaly-monitoring.git')
      .describe('The Git repository holding this project (and its committed dist/): set it to yours'),
    targetRevision: z.string().min(1).default('main').describe('Branch, tag or commit Argo CD deploys'),
    path: z.string().regex(/^[^/].*[^/]$|^[^/]$/, { message: 'expected a path relative to the repository root' }).default('dist').describe('Folder of the synthesized output in the repository'),
    namespace: dnsLabel.default('argocd').describe('Namespace Argo CD runs in (where Applications live)'),
    project: z.string().min(1).default('default').describe('Argo CD project of the Applications'),
    destinationServer: z.url().default('https://kubernetes.default.svc').describe('Cluster the Applications deploy to (https://kubernetes.default.svc: the cluster Argo CD runs in)'),
    automated: z.boolean().default(true).describe('Sync automatically, pruning what dist/ no longer has and reverting drift (selfHeal)'),
    prometheusOperator: z
      .boolean()
      .default(false)
      .describe('Also an Application for dist/<env>/prometheus-operator/ (ServiceMonitors, PrometheusRule): only where the Prometheus Operator CRDs are installed'),
  })
  .prefault({})
  .describe('Argo CD (GitOps)');

export type ArgocdValues = z.output<typeof argocdValues>;
