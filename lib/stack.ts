/**
 * Builds one environment from the component registry (lib/registry.ts): the
 * Namespaces, then every enabled component in dependency order (`uses`), each
 * from its own values and the constructs it uses, then each one's `connect`.
 * Output files keep the registry order whatever the build order.
 */
import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { BuildContext, ComponentDefinition, isMonitoringComponent, MonitoringComponent } from './core/component';
import { OutputFile, StackContext } from './core/context';
import { namespaceOf, renderNamespaces } from './core/namespace';
import { COMPONENTS } from './registry';
import { Values } from './values/schema';

/** Builds every enabled component of one environment into a fresh cdk8s App: its output files. */
export function buildStack(values: Values, projectVersion: string): readonly OutputFile[] {
  return buildComponents(values, projectVersion).files;
}

/** A built environment: its output files and the constructs of its components. */
export interface BuiltStack {
  readonly files: readonly OutputFile[];
  /** Construct of each built component, by registry key. */
  readonly constructs: ReadonlyMap<string, IConstruct>;
  /** The components with pods (network presence), in registry order. */
  readonly components: readonly MonitoringComponent[];
}

/** Builds every enabled component of one environment into a fresh cdk8s App. */
export function buildComponents(values: Values, projectVersion = '0.0.0'): BuiltStack {
  const registry: readonly ComponentDefinition[] = COMPONENTS;
  const app = new App({ outdir: '/nonexistent-cdk8s-outdir' });
  const ctx = new StackContext(app, values);
  const enabled = registry.filter((d) => componentValues(values, d).enabled !== false);
  renderNamespaces(ctx, projectVersion, enabled.map((d) => d.namespace ?? 'main'));
  const built = new Map<string, IConstruct>();
  const contexts = new Map<string, BuildContext<unknown>>();
  for (const d of buildOrder(registry)) {
    const own = componentValues(values, d);
    if (own.enabled === false && !d.renderWhenDisabled) continue;
    const order = registry.indexOf(d) + 1;
    const bctx = buildContext(app, ctx, d, own, built, registry, projectVersion, order);
    contexts.set(d.key, bctx);
    ctx.order = order;
    const construct = d.build(bctx);
    if (construct) built.set(d.key, construct);
  }
  for (const d of registry) {
    const construct = built.get(d.key);
    if (construct && d.connect) {
      ctx.order = registry.indexOf(d) + 1;
      d.connect(construct, contexts.get(d.key)!);
    }
  }
  const index = (key: string) => registry.findIndex((r) => r.key === key);
  const components = [...built.entries()].sort(([a], [b]) => index(a) - index(b)).map(([, c]) => c).filter(isMonitoringComponent);
  return { files: ctx.outputs(), constructs: built, components };
}

/** A component's own values (`values[key]`). */
function componentValues(values: Values, d: ComponentDefinition): { enabled?: boolean } & Record<string, unknown> {
  const own = (values as unknown as Record<string, unknown>)[d.key];
  if (typeof own !== 'object' || own === null) throw new Error(`component ${d.key}: no values under ${d.key} (is its schema in the registry?)`);
  return own as { enabled?: boolean };
}

function buildContext(
  app: Construct,
  ctx: StackContext,
  d: ComponentDefinition,
  own: unknown,
  built: ReadonlyMap<string, IConstruct>,
  registry: readonly ComponentDefinition[],
  projectVersion: string,
  order: number,
): BuildContext<unknown> {
  const namespace = namespaceOf(ctx.values, d.namespace ?? 'main');
  const index = (component: string | IConstruct) => {
    const key = typeof component === 'string' ? component : [...built.entries()].find(([, c]) => c === component)?.[0];
    const i = registry.findIndex((r) => r.key === key);
    return i < 0 ? registry.length : i;
  };
  const constructs = (): IConstruct[] =>
    [...built.entries()]
      .sort(([a], [b]) => index(a) - index(b))
      .map(([, c]) => c);
  return {
    values: own,
    stack: ctx.values,
    namespace,
    projectVersion,
    scope: app,
    identity: (name, component, version) => ctx.identity(name, component, version),
    chart: (path, identity, opts = {}) => {
      ctx.order = order;
      return ctx.chart(path, identity, { ...opts, namespace });
    },
    registryOrder: index,
    component: <T extends IConstruct>(key: string) => built.get(key) as T | undefined,
    components: () => constructs().filter(isMonitoringComponent),
    constructs,
  };
}

/**
 * Registry order, except that a component comes after those it uses; `'*'`
 * stands for every component that does not use `'*'` itself.
 */
export function buildOrder(registry: readonly ComponentDefinition[]): ComponentDefinition[] {
  const byKey = new Map(registry.map((d) => [d.key, d]));
  const deps = (d: ComponentDefinition): string[] =>
    (d.uses ?? []).flatMap((k) => (k === '*' ? registry.filter((o) => o !== d && !(o.uses ?? []).includes('*')).map((o) => o.key) : [k]));
  const out: ComponentDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (d: ComponentDefinition, path: readonly string[]) => {
    if (state.get(d.key) === 'done') return;
    if (state.get(d.key) === 'visiting') throw new Error(`components use each other in a cycle: ${[...path, d.key].join(' -> ')}`);
    state.set(d.key, 'visiting');
    for (const k of deps(d)) {
      const dep = byKey.get(k);
      if (dep) visit(dep, [...path, d.key]);
    }
    state.set(d.key, 'done');
    out.push(d);
  };
  for (const d of registry) visit(d, []);
  return out;
}
