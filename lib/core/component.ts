/**
 * The component model. Every component of the stack is a cdk8s Construct
 * (`lib/<component>/index.ts`) that declares what the others need to know
 * about it: its Services and endpoints, its pod selector, the scrape targets it
 * exposes and the network edges it opens. Each component folder also exports
 * one ComponentDefinition (its values key and schema, its namespace, how it is
 * built); the registry (lib/registry.ts) lists them, and the stack, the values
 * schema, the NetworkPolicies, Prometheus' scrape targets and the tests iterate
 * over it.
 */
import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import type { z } from 'zod';
import type { ComponentPeer, Edge } from '../network/graph';
import type { GraphContext } from '../network/components';
import type { Values } from '../values/schema';
import { AppIdentity, Labels, PART_OF, selectorLabels } from './labels';
import type { ContainerPort } from './workload';

/** The namespaces a component can live in: the main one (restricted) or the one for host agents. */
export type NamespaceRole = 'main' | 'hostAgents';

/** A Service of a component and the URL others reach it at. */
export interface ServiceEndpoint {
  /** Name of the Service. */
  readonly service: string;
  readonly namespace: string;
  readonly port: ContainerPort;
  /** `<service>.<namespace>.svc` */
  readonly host: string;
  /** `http://<service>.<namespace>.svc:<port>` */
  readonly url: string;
}

/** The endpoint of `service` in `namespace` on `port`. */
export function serviceEndpoint(service: string, namespace: string, port: ContainerPort, scheme: 'http' | 'https' = 'http'): ServiceEndpoint {
  const host = `${service}.${namespace}.svc`;
  return { service, namespace, port, host, url: `${scheme}://${host}:${port.port}` };
}

/**
 * A scrape target a component exposes: its metrics, behind one of its Services.
 * Prometheus turns it into a scrape config and a ServiceMonitor; the network
 * graph into an edge from Prometheus.
 */
export interface ExposedScrapeTarget {
  /**
   * Key of its switch and timing under `prometheus.targets` when there is one
   * there; otherwise it is always scraped with the global timing.
   */
  readonly key: string;
  /** The `job` label of its series. */
  readonly job: string;
  readonly path: string;
  readonly namespace: string;
  /** Labels its Service carries (all of them must match). */
  readonly selector: Readonly<Labels>;
  /** Keep only this Service (a second, headless one with the same labels would double the targets). */
  readonly serviceName: string;
  /** The Service port serving the metrics (its name is what discovery keeps). */
  readonly port: ContainerPort;
  /** Its pods run on the host network: their address is the node's, which no pod selector matches. */
  readonly hostNetwork?: boolean;
  /**
   * A prober (the blackbox exporter): Prometheus asks it at `path` (`/probe`)
   * to probe each of `targets` with `module` (the multi-target pattern), so
   * every series carries the probed URL as `instance` and its component as `service`.
   */
  readonly probe?: { readonly module: string; readonly targets: readonly ProbedEndpoint[] };
}

/** An HTTP endpoint of a component without metrics of its own, for the blackbox exporter to probe. */
export interface ProbedEndpoint {
  /** The component (the `service` label of its probe series). */
  readonly service: string;
  /** The URL answering 200 while the component is available. */
  readonly url: string;
}

/**
 * What every built component tells the others. Implemented by each component's
 * Construct; the network graph, Prometheus and Grafana read only this.
 */
export interface MonitoringComponent extends IConstruct {
  /** app.kubernetes.io/name of its pods; also the name of its NetworkPolicy. */
  readonly appName: string;
  /** Namespace its objects live in. */
  readonly namespace: string;
  /** Labels selecting its pods (the stable pair of app.kubernetes.io/name and instance). */
  readonly podSelector: Readonly<Labels>;
  /** Services in front of its pods; each exposes the container ports unchanged. */
  readonly services: readonly ServiceEndpoint[];
  /** The port users reach (networkPolicies.ingressFrom.<name>), if it has a UI or API for people. */
  readonly webPort?: ContainerPort;
  /**
   * Its web UI asks people to log in by itself (Grafana; Kibana while Elasticsearch
   * security is on): an Ingress may route to it directly. Otherwise only behind
   * oauth2-proxy. @default false
   */
  readonly ownLogin?: boolean;
  /** Its metrics, for Prometheus. */
  readonly scrapeTargets: readonly ExposedScrapeTarget[];
  /** The connections it opens (its egress; the ingress of the other end when that is ours). */
  networkEdges(g: GraphContext, self: ComponentPeer): Edge[];
  /** Endpoints to probe from outside (a component that exports no metrics saying it is up). @default none */
  readonly probedEndpoints?: readonly ProbedEndpoint[];
}

/** What every component construct takes besides its values. */
export interface ComponentProps {
  /** Namespace its objects live in. @default the namespace of the enclosing chart, else `default` */
  readonly namespace?: string;
  /** `app.kubernetes.io/instance` of its objects (the release). @default `pynomaly-monitoring` */
  readonly instance?: string;
}

/** The namespace a component's objects land in. */
export function resolveNamespace(scope: IConstruct, namespace?: string): string {
  return namespace ?? Chart.of(scope).namespace ?? 'default';
}

/** Output file options of a chart (see OutputFile). */
export interface ChartOptions {
  readonly requiresApi?: string;
  readonly helmCondition?: string;
  readonly inEnvironment?: boolean;
}

/** What a component's `build` receives. */
export interface BuildContext<V> {
  /** Its own values (`<key>.*`), validated, with defaults. */
  readonly values: V;
  /** Every value of the environment: only for stack-wide settings (namespace, instance, cluster, environment). */
  readonly stack: Values;
  /** The namespace it lives in (from its definition's `namespace`). */
  readonly namespace: string;
  readonly projectVersion: string;
  /** Where constructs that render no file go (e.g. the alert rules, read by Prometheus). */
  readonly scope: Construct;
  /** The identity (labels) of an application of this stack. */
  identity(name: string, component: string, version: string): AppIdentity;
  /** A chart rendered to `dist/<env>/<path>.yaml`, in this component's namespace. */
  chart(path: string, identity: AppIdentity, opts?: ChartOptions): Chart;
  /** Position in the registry of a component, by key or by its built construct; unknown ones sort last. */
  registryOrder(component: string | IConstruct): number;
  /** A component built before this one (see `uses`), or undefined when it is switched off. */
  component<T extends IConstruct = MonitoringComponent>(key: string): T | undefined;
  /** Every component built so far that has network presence, in registry order. */
  components(): readonly MonitoringComponent[];
  /** Every construct built so far, with or without pods, in registry order. */
  constructs(): readonly IConstruct[];
}

/** A component's one entry in the registry. */
export interface ComponentDefinition<S extends z.ZodType = z.ZodType, K extends string = string> {
  /** Its key in the values (`<key>.enabled`, ...). */
  readonly key: K;
  /** Its values: a zod object with an `enabled` switch. */
  readonly values: S;
  /** The namespace it lives in. @default 'main' */
  readonly namespace?: NamespaceRole;
  /**
   * Keys of the components whose constructs it reads (they are built first);
   * `'*'`: every component that does not itself use `'*'`.
   */
  readonly uses?: readonly string[];
  /** Call `build` even when `<key>.enabled` is false (it renders something for others then). @default false */
  readonly renderWhenDisabled?: boolean;
  /**
   * Builds it from its values and the constructs it uses; returns its construct
   * (nothing when it renders no workload, or is switched off).
   */
  build(ctx: BuildContext<z.output<S>>): IConstruct | undefined;
  /**
   * After every component is built: connects it to the ones that were built
   * after it (e.g. Grafana's datasources to Prometheus, which scrapes Grafana).
   */
  connect?(self: IConstruct, ctx: BuildContext<z.output<S>>): void;
}

/** Whether a construct is a MonitoringComponent (has network presence). */
export function isMonitoringComponent(c: unknown): c is MonitoringComponent {
  return typeof c === 'object' && c !== null && typeof (c as MonitoringComponent).networkEdges === 'function' && Array.isArray((c as MonitoringComponent).services);
}

/** Facts about a component that its construct's basics are made of. */
export interface ComponentFacts {
  /** app.kubernetes.io/name, also the name of its main Service. */
  readonly name: string;
  /** app.kubernetes.io/component */
  readonly component: string;
  /** Port of its main Service (its UI or API, and /metrics). */
  readonly port: ContainerPort;
  /** The `job` of its own metrics. */
  readonly job: string;
  /** Key of its scrape target under `prometheus.targets`, when it has one. */
  readonly targetKey: string;
  /** Its pods run on the host network (see ExposedScrapeTarget). @default false */
  readonly hostNetwork?: boolean;
  /** The port of its own /metrics when it is not `port`. @default port */
  readonly metricsPort?: ContainerPort;
}

/**
 * The base of every component construct with pods: its values (validated, with
 * defaults), namespace, identity, pod selector, main Service endpoint and own
 * scrape target, which are what other components use.
 */
export abstract class ComponentConstruct<V extends { readonly image: { readonly tag: string } }> extends Construct implements MonitoringComponent {
  public readonly appName: string;
  public readonly namespace: string;
  /** Its labels (app.kubernetes.io/*). */
  public readonly identity: AppIdentity;
  public readonly podSelector: Labels;
  /** Its main Service, named after it. */
  public readonly endpoint: ServiceEndpoint;
  public readonly webPort: ContainerPort;
  public readonly scrapeTargets: readonly ExposedScrapeTarget[];
  /** Its validated values, with defaults. */
  public readonly values: V;
  public abstract readonly services: readonly ServiceEndpoint[];

  protected constructor(scope: Construct, id: string, props: ComponentProps, facts: ComponentFacts, values: V) {
    super(scope, id);
    this.values = values;
    this.appName = facts.name;
    this.namespace = resolveNamespace(scope, props.namespace);
    this.identity = { name: facts.name, instance: props.instance ?? PART_OF, component: facts.component, version: values.image.tag };
    this.podSelector = selectorLabels(this.identity);
    this.endpoint = serviceEndpoint(facts.name, this.namespace, facts.port);
    this.webPort = facts.port;
    this.scrapeTargets = [{ key: facts.targetKey, job: facts.job, path: '/metrics', namespace: this.namespace, selector: this.podSelector, serviceName: facts.name, port: facts.metricsPort ?? facts.port, ...(facts.hostNetwork ? { hostNetwork: true } : {}) }];
  }

  public abstract networkEdges(g: GraphContext, self: ComponentPeer): Edge[];
}
