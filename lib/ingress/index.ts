/**
 * The Ingress objects publishing the web UIs (`dist/<env>/ingress.yaml`): one
 * per UI with a host in `ingress.hosts`, every host over TLS (a Secret you
 * provide, or cert-manager). A UI with a login of its own (Grafana; Kibana
 * while Elasticsearch security is on) is routed to directly; any other only to
 * the authenticating proxy in front of it (lib/oauth2-proxy). The Ingress
 * objects are also the one place the ingress controller's traffic comes from:
 * their routes become the controller's edges in the network graph, so the
 * NetworkPolicies let it in to exactly their backends.
 *
 * Built before the UIs (they take their public URL from it: Grafana's
 * root_url, Kibana's publicBaseUrl, the external URLs of Prometheus and
 * Alertmanager); the objects are rendered once everything is built (connect).
 */
import { Construct, IConstruct } from 'constructs';
import * as z from 'zod';
import { ComponentDefinition, isMonitoringComponent, MonitoringComponent, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { PART_OF } from '../core/labels';
import { sortRecord } from '../core/workload';
import type { GraphContext, TrafficRouter } from '../network/components';
import { Edge, formatLabels, PodsPeer, tcp } from '../network/graph';
import { ValuesError } from '../values/errors';
import { IngressValues, ingressValues, WEB_UIS, WebUi } from './values';
import { parseSettings } from '../values/parsed';

export { WEB_UIS, type WebUi } from './values';

export const INGRESS_PATH = 'ingress';

/** The annotations by which cert-manager's ingress-shim issues a certificate for an Ingress's TLS hosts. */
export const CERT_MANAGER_ANNOTATIONS = { clusterIssuer: 'cert-manager.io/cluster-issuer', issuer: 'cert-manager.io/issuer' } as const;

/** A UI to publish: its host, its main Service, and whether it needs the proxy's login. */
export interface UiRoute {
  readonly ui: WebUi;
  readonly host: string;
  /** Its main Service (what the proxy forwards to). */
  readonly upstream: ServiceEndpoint;
  /** It has no login of its own: published only behind the authenticating proxy. */
  readonly needsLogin: boolean;
}

/** What a UI without a login is routed to instead (oauth2-proxy). */
export interface AuthProxy extends MonitoringComponent {
  /** Its Service and port in front of `ui`, if it stands in front of it. */
  backendFor(ui: WebUi): { readonly service: string; readonly port: number } | undefined;
}

/** Where an Ingress sends its host: a Service of one of our components. */
interface Backend {
  readonly appName: string;
  readonly service: string;
  readonly port: number;
}

type ComponentLookup = (key: string) => IConstruct | undefined;

export interface UiIngressesProps {
  /** Its values (`ingress.*`). @default {} */
  readonly values?: NonNullable<z.input<typeof ingressValues>>;
}

export class UiIngresses extends Construct implements TrafficRouter {
  public readonly values: IngressValues;
  private readonly published: { route: UiRoute; backend: Backend }[] = [];

  public constructor(scope: Construct, id: string, props: UiIngressesProps = {}) {
    super(scope, id);
    this.values = parseSettings(ingressValues, props.values);
  }

  /** `https://<host>` of a published UI (every host is served over TLS), or undefined. */
  public publicUrl(ui: WebUi): string | undefined {
    const host = this.values.enabled ? this.values.hosts[ui] : undefined;
    return host ? `https://${host}` : undefined;
  }

  /** The UIs with a host whose component is built, in WEB_UIS order. */
  public routes(lookup: ComponentLookup): UiRoute[] {
    if (!this.values.enabled) return [];
    return WEB_UIS.flatMap((ui) => {
      const host = this.values.hosts[ui];
      const c = lookup(ui) as (MonitoringComponent & { endpoint?: ServiceEndpoint }) | undefined;
      if (!host || !isMonitoringComponent(c) || !c.endpoint) return [];
      return [{ ui, host, upstream: c.endpoint, needsLogin: !c.ownLogin }];
    });
  }

  /** Renders one Ingress per route: to the UI when it has its own login, else to the proxy in front of it. */
  public publish(lookup: ComponentLookup, proxy: AuthProxy | undefined): void {
    for (const route of this.routes(lookup)) {
      const backend = route.needsLogin ? proxied(route, proxy) : { appName: route.ui, service: route.upstream.service, port: route.upstream.port.port };
      this.published.push({ route, backend });
      this.ingress(route, backend);
    }
  }

  /** The ingress controller to each Ingress backend, on its port. */
  public routedEdges(g: GraphContext): Edge[] {
    const c = this.values.controller;
    const controller: PodsPeer = { kind: 'pods', namespaces: [c.namespace], selector: c.podSelector, what: `the ingress controller (${formatLabels(c.podSelector)} in ${c.namespace})` };
    return this.published.map(({ route, backend }) => ({
      from: controller,
      to: g.component(backend.appName)!,
      ports: [tcp(backend.port)],
      why: `Ingress ${route.ui}: https://${route.host} (ingress.hosts.${route.ui})`,
    }));
  }

  private ingress(route: UiRoute, backend: Backend): void {
    const v = this.values;
    const annotations: Record<string, string> = { ...v.annotations };
    if (v.tls.clusterIssuer) annotations[CERT_MANAGER_ANNOTATIONS.clusterIssuer] = v.tls.clusterIssuer;
    if (v.tls.issuer) annotations[CERT_MANAGER_ANNOTATIONS.issuer] = v.tls.issuer;
    new k8s.KubeIngress(this, route.ui, {
      metadata: { name: route.ui, ...(Object.keys(annotations).length ? { annotations: sortRecord(annotations) } : {}) },
      spec: {
        ...(v.className ? { ingressClassName: v.className } : {}),
        tls: [{ hosts: [route.host], secretName: v.tls.secretName ?? `${route.ui}-tls` }],
        rules: [
          {
            host: route.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend.service, port: { number: backend.port } } } }] },
          },
        ],
      },
    });
  }
}

function proxied(route: UiRoute, proxy: AuthProxy | undefined): Backend {
  const backend = proxy?.backendFor(route.ui);
  if (!proxy || !backend) {
    throw new ValuesError(
      `ingress.hosts.${route.ui}: ${route.ui} has no login of its own and is published only behind oauth2-proxy, which oauth2Proxy.enabled=false switches off; enable it or unset the host`,
    );
  }
  return { appName: proxy.appName, ...backend };
}

/** The public URL of a UI where the ingress publishes it (its own value, when set, wins in each component). */
export function publicUrlOf(component: <T extends IConstruct>(key: string) => T | undefined, ui: WebUi): string | undefined {
  return component<UiIngresses>('ingress')?.publicUrl(ui);
}

/** The registry entry. */
export const ingressComponent: ComponentDefinition<typeof ingressValues, 'ingress'> = {
  key: 'ingress',
  values: ingressValues,
  build(ctx) {
    const chart = ctx.chart(INGRESS_PATH, ctx.identity(PART_OF, 'ingress', ctx.projectVersion));
    return new UiIngresses(chart, 'ingress', { values: ctx.values });
  },
  // The UIs and the proxy are built after it (they read their public URLs): the objects are rendered once all are.
  connect(self, ctx) {
    (self as UiIngresses).publish((key) => ctx.component(key), ctx.component<AuthProxy>('oauth2Proxy'));
  },
};
