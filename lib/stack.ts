/**
 * The component registry: the order here is the order of files in
 * kustomization and of objects in the Helm chart. A new component adds its
 * folder under lib/ and one line here (and its values in values/schema.ts).
 */
import { App } from 'cdk8s';
import { OutputFile, StackContext } from './core/context';
import { renderNamespace } from './core/namespace';
import { renderAlertmanager } from './alertmanager';
import { renderGrafana } from './grafana';
import { renderNetworkPolicies } from './network';
import { renderPrometheus } from './prometheus';
import { renderPrometheusRule } from './rules';
import { Values } from './values/schema';

type Renderer = (ctx: StackContext, projectVersion: string) => void;

const COMPONENTS: readonly Renderer[] = [renderNamespace, renderPrometheus, renderPrometheusRule, renderAlertmanager, renderGrafana, renderNetworkPolicies];

/** Builds every enabled component of one environment into a fresh cdk8s App. */
export function buildStack(values: Values, projectVersion: string): readonly OutputFile[] {
  const app = new App({ outdir: '/nonexistent-cdk8s-outdir' });
  const ctx = new StackContext(app, values);
  for (const render of COMPONENTS) render(ctx, projectVersion);
  return ctx.outputs();
}
