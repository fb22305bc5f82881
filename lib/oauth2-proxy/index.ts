/**
 * oauth2-proxy in front of the web UIs that have no login of their own: one
 * Deployment whose pod runs one oauth2-proxy process (container) per proxied
 * UI, each on its own port (oauth2-proxy routes upstreams by path, not by
 * host), behind one Service that the Ingress objects route those hosts to.
 * OpenID Connect login at the provider of the values; the client secret and
 * the cookie secret are files of a Secret (--client-secret-file,
 * --cookie-secret-file), never in the YAML. Sessions live in the encrypted
 * cookie, so replicas share nothing but the Secret.
 *
 * Built after every other component (its upstreams include Prometheus, which
 * is built after them), so Prometheus does not scrape it.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ExposedScrapeTarget, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { container, deployment, httpProbe, secretFilesVolume, service } from '../core/workload';
import type { AuthProxy, UiIngresses, UiRoute } from '../ingress';
import type { WebUi } from '../ingress/values';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { ValuesError } from '../values/errors';
import { OAUTH2_PROXY } from './constants';
import { OAuth2ProxyValues, oauth2ProxyValues } from './values';
import { parseSettings } from '../values/parsed';

export { OAUTH2_PROXY } from './constants';

/** A UI it stands in front of. */
export type ProxiedUi = Pick<UiRoute, 'ui' | 'host' | 'upstream'>;

export interface OAuth2ProxyProps extends ComponentProps {
  /** Its values (`oauth2Proxy.*`). @default {} */
  readonly values?: NonNullable<z.input<typeof oauth2ProxyValues>>;
  /** The UIs it stands in front of (at least one): each gets its own process and port. */
  readonly uis: readonly ProxiedUi[];
}

export class OAuth2Proxy extends ComponentConstruct<OAuth2ProxyValues> implements AuthProxy {
  public readonly services: readonly ServiceEndpoint[];
  public override readonly scrapeTargets: readonly ExposedScrapeTarget[] = [];
  public readonly deployment: k8s.KubeDeployment;
  public readonly uis: readonly ProxiedUi[];

  public constructor(scope: Construct, id: string, props: OAuth2ProxyProps) {
    if (!props.uis.length) throw new Error('oauth2-proxy needs at least one UI to stand in front of');
    const values = parseSettings(oauth2ProxyValues, props.values);
    const facts = { name: OAUTH2_PROXY.name, component: OAUTH2_PROXY.component, port: OAUTH2_PROXY.ports[props.uis[0].ui], job: OAUTH2_PROXY.name, targetKey: 'oauth2Proxy' };
    super(scope, id, props, facts, values);
    checkLogin(values, props.uis);
    this.uis = props.uis;
    this.services = [this.endpoint];
    const ports = props.uis.map((u) => OAUTH2_PROXY.ports[u.ui]);
    service(this, 'service', { name: OAUTH2_PROXY.name, identity: this.identity, ports });

    const v = this.values;
    const secrets = secretFilesVolume('secrets', [
      { ref: v.clientSecret, path: OAUTH2_PROXY.clientSecretFile },
      { ref: v.cookieSecret, path: OAUTH2_PROXY.cookieSecretFile },
    ]);
    const containers = props.uis.map((u) => {
      const port = OAUTH2_PROXY.ports[u.ui];
      return container({
        name: `proxy-${u.ui}`,
        image: v.image,
        args: proxyArgs(v, u),
        ports: [port],
        resources: v.resources,
        readinessProbe: httpProbe(OAUTH2_PROXY.readyPath, port.name, { periodSeconds: 10 }),
        livenessProbe: httpProbe(OAUTH2_PROXY.pingPath, port.name, { periodSeconds: 20, failureThreshold: 3 }),
        volumeMounts: [{ name: secrets.name, mountPath: OAUTH2_PROXY.secretDir, readOnly: true }],
      });
    });
    this.deployment = deployment(this, 'deployment', {
      name: OAUTH2_PROXY.name,
      replicas: v.replicas,
      pod: { identity: this.identity, containers, runAsUser: OAUTH2_PROXY.uid, volumes: [secrets] },
    });
  }

  public backendFor(ui: WebUi): { service: string; port: number } | undefined {
    return this.uis.some((u) => u.ui === ui) ? { service: OAUTH2_PROXY.name, port: OAUTH2_PROXY.ports[ui].port } : undefined;
  }

  public override networkEdges(g: GraphContext, self: ComponentPeer): Edge[] {
    return [
      ...this.uis.map((u) => edgeTo(g, self, u.upstream.url, () => `upstream of https://${u.host} (--upstream)`)),
      edgeTo(g, self, this.values.oidcIssuerUrl!, (at) => `OpenID Connect discovery, tokens and keys at the issuer${at} (--oidc-issuer-url)`),
    ];
  }
}

/** The flags of the process in front of one UI. */
export function proxyArgs(v: OAuth2ProxyValues, u: ProxiedUi): string[] {
  const port = OAUTH2_PROXY.ports[u.ui];
  // With groups alone, any e-mail domain: the group decides.
  const domains = v.emailDomains.length ? v.emailDomains : ['*'];
  return [
    `--http-address=0.0.0.0:${port.port}`,
    `--upstream=${u.upstream.url}/`,
    `--redirect-url=https://${u.host}${OAUTH2_PROXY.callbackPath}`,
    `--provider=${v.provider}`,
    `--oidc-issuer-url=${v.oidcIssuerUrl}`,
    `--client-id=${v.clientId}`,
    `--client-secret-file=${OAUTH2_PROXY.secretDir}/${OAUTH2_PROXY.clientSecretFile}`,
    `--cookie-secret-file=${OAUTH2_PROXY.secretDir}/${OAUTH2_PROXY.cookieSecretFile}`,
    // One cookie per UI: each host has its own session.
    `--cookie-name=_oauth2_proxy_${u.ui}`,
    '--cookie-secure=true',
    '--code-challenge-method=S256',
    // Behind the ingress controller: client addresses from X-Forwarded-For (only the controller may connect).
    '--reverse-proxy=true',
    '--skip-provider-button=true',
    '--silence-ping-logging=true',
    ...domains.map((d) => `--email-domain=${d}`),
    ...v.allowedGroups.map((group) => `--allowed-group=${group}`),
  ];
}

/** A proxy that has UIs to protect needs its client and a rule of who may log in. */
function checkLogin(v: OAuth2ProxyValues, uis: readonly ProxiedUi[]): void {
  const why = `oauth2-proxy stands in front of ${uis.map((u) => u.ui).join(', ')} (ingress.hosts)`;
  if (!v.oidcIssuerUrl) throw new ValuesError(`oauth2Proxy.oidcIssuerUrl: ${why} and needs the issuer of your OpenID Connect provider`);
  if (!v.clientId) throw new ValuesError(`oauth2Proxy.clientId: ${why} and needs the client id of its OAuth client at your provider`);
  if (!v.emailDomains.length && !v.allowedGroups.length) {
    throw new ValuesError(`oauth2Proxy.emailDomains: ${why}: say who may log in (oauth2Proxy.emailDomains or oauth2Proxy.allowedGroups)`);
  }
}

/** The registry entry: rendered only where the ingress publishes a UI without a login of its own. */
export const oauth2ProxyComponent: ComponentDefinition<typeof oauth2ProxyValues, 'oauth2Proxy'> = {
  key: 'oauth2Proxy',
  values: oauth2ProxyValues,
  // Its upstreams include Prometheus, which uses every component that does not use '*'.
  uses: ['*', 'prometheus'],
  build(ctx) {
    const uis = (ctx.component<UiIngresses>('ingress')?.routes((key) => ctx.component(key)) ?? []).filter((r) => r.needsLogin);
    if (!uis.length) return undefined;
    const chart = ctx.chart(OAUTH2_PROXY.name, ctx.identity(OAUTH2_PROXY.name, OAUTH2_PROXY.component, ctx.values.image.tag));
    return new OAuth2Proxy(chart, 'oauth2-proxy', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance, uis });
  },
};
