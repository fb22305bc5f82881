/**
 * What every component receives: the validated values of one environment and
 * a way to add the charts (output files) it renders into.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Values } from '../values/schema';
import { AppIdentity, commonLabels } from './labels';

/** One output file: a cdk8s Chart rendered to `<path>.yaml`. */
export interface OutputFile {
  /** Path below `dist/<env>/` without `.yaml`, e.g. `prometheus` or `prometheus-operator/servicemonitors`. */
  readonly path: string;
  readonly chart: Chart;
  /**
   * The API group/version the file needs installed first (a CRD). Such files go
   * to their own folder, outside what `kubectl apply -f dist/<env>/` reads, and
   * the Helm chart renders them only where the API exists.
   */
  readonly requiresApi?: string;
  /**
   * A Helm values key (e.g. `createNamespace`) that must be true for the Helm
   * chart to render this file; the plain YAML always holds it.
   */
  readonly helmCondition?: string;
  /**
   * The environment needs this file (its workloads wait for what it creates):
   * its folder is a resource of the environment's Kustomization, so
   * `kubectl apply -k`, Argo CD's Application and `npm run deploy` apply it in
   * its sync wave; `kubectl apply -f dist/<env>/` still reads only the top
   * folder. Only with `requiresApi` (a file of the top folder is always applied). @default false
   */
  readonly inEnvironment?: boolean;
}

export class StackContext {
  private readonly files: (OutputFile & { readonly order: number })[] = [];
  /** Files are listed by this (the registry position of the component rendering them), then in creation order. */
  public order = 0;

  public constructor(
    private readonly scope: Construct,
    public readonly values: Values,
  ) {}

  /** The identity (labels) of an application of this stack. */
  public identity(name: string, component: string, version: string): AppIdentity {
    return { name, instance: this.values.instance, component, version };
  }

  /**
   * A chart rendered to `dist/<env>/<path>.yaml`; every object in it is put in
   * the stack's namespace (or `opts.namespace`; cluster-scoped kinds ignore it) and labelled.
   */
  public chart(path: string, identity: AppIdentity, opts: { requiresApi?: string; helmCondition?: string; inEnvironment?: boolean; namespace?: string } = {}): Chart {
    if (this.files.some((f) => f.path === path)) throw new Error(`two components render to ${path}.yaml`);
    if (opts.inEnvironment && (!opts.requiresApi || !path.includes('/'))) throw new Error(`${path}: inEnvironment is for a file in a folder of its own that needs a CRD (requiresApi)`);
    const chart = new Chart(this.scope, path.replace(/\//g, '--'), {
      namespace: opts.namespace ?? this.values.namespace,
      labels: commonLabels(identity),
      disableResourceNameHashes: true,
    });
    this.files.push({ path, chart, requiresApi: opts.requiresApi, helmCondition: opts.helmCondition, inEnvironment: opts.inEnvironment, order: this.order });
    return chart;
  }

  public outputs(): readonly OutputFile[] {
    // Array.prototype.sort is stable: files of one component keep their creation order.
    return [...this.files].sort((a, b) => a.order - b.order).map(({ order: _order, ...file }) => file);
  }
}
