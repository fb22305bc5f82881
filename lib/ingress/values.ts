/** Values of the Ingress objects (`ingress.*`): how the web UIs are published. */
import * as z from 'zod';
import { labelKey, labelValue } from '../prometheus/values';
import { dnsLabel } from '../values/types';
import { dnsSubdomainProblem, ingressHostProblem } from '../values/validators/kubernetes';
import { problemOf } from '../values/validators/refine';

/** The components with a web UI for people, by registry key (also their app name): one host each. */
export const WEB_UIS = ['grafana', 'prometheus', 'alertmanager', 'kibana', 'jaeger'] as const;
export type WebUi = (typeof WEB_UIS)[number];

/** The ways a host gets its certificate. */
const TLS_SOURCES = ['secretName', 'clusterIssuer', 'issuer'] as const;

const objectName = (description: string) => z.string().superRefine(problemOf(dnsSubdomainProblem)).optional().describe(description);

const hostValues = z
  .strictObject(
    Object.fromEntries(
      WEB_UIS.map((ui) => [
        ui,
        z
          .string()
          .superRefine(problemOf(ingressHostProblem))
          .optional()
          .describe(`Host name ${ui} is published at, e.g. ${ui}.pynomaly.example.com; unset: not published`),
      ]),
    ) as Record<WebUi, z.ZodOptional<z.ZodString>>,
  )
  .prefault({})
  .describe(
    'One host per UI. Grafana keeps its own login (its root_url follows the host); Prometheus, Alertmanager and Jaeger have none and are published only behind oauth2-proxy, ' +
      'and so is Kibana while Elasticsearch security (its login) is off. A host of a UI that is switched off is not published',
  );

export const ingressValues = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Publish the web UIs through Ingress objects (networking.k8s.io/v1, dist/<env>/ingress.yaml), every host over TLS. ' +
          'Off: nothing is reachable from outside the namespace but by kubectl port-forward',
      ),
    className: objectName('IngressClass of the Ingress objects (spec.ingressClassName), e.g. nginx or traefik; unset: the cluster default class'),
    annotations: z
      .record(labelKey, z.string().max(4096))
      .default({})
      .describe('Annotations of every Ingress object, for your controller (e.g. nginx.ingress.kubernetes.io/proxy-body-size: 8m); never a credential'),
    controller: z
      .strictObject({
        namespace: dnsLabel.default('ingress-nginx').describe('Namespace of the ingress controller pods'),
        podSelector: z
          .record(labelKey, labelValue)
          .default({ 'app.kubernetes.io/name': 'ingress-nginx' })
          .describe('Labels of the ingress controller pods (e.g. app.kubernetes.io/name: traefik); {}: every pod of that namespace'),
      })
      .prefault({})
      .describe('The ingress controller: the NetworkPolicies let its pods in to the Ingress backends (oauth2-proxy, Grafana, Kibana when direct), on their ports only, and nothing else from outside'),
    tls: z
      .strictObject({
        secretName: objectName(
          'A Secret of type kubernetes.io/tls (tls.crt, tls.key) you create in the release namespace, whose certificate names every host (e.g. *.pynomaly.example.com)',
        ),
        clusterIssuer: objectName('cert-manager ClusterIssuer (annotation cert-manager.io/cluster-issuer): cert-manager issues a certificate per host into the Secret <ui>-tls'),
        issuer: objectName('cert-manager Issuer in the release namespace (annotation cert-manager.io/issuer): a certificate per host into the Secret <ui>-tls'),
      })
      .prefault({})
      .describe('TLS of every host, always on: exactly one of secretName, clusterIssuer and issuer'),
    hosts: hostValues,
  })
  .superRefine((v, ctx) => {
    const sources = TLS_SOURCES.filter((k) => v.tls[k] !== undefined);
    if (sources.length > 1) ctx.addIssue({ code: 'custom', path: ['tls', sources[1]], message: `set only one of tls.${TLS_SOURCES.join(', tls.')} (tls.${sources[0]} is set too)` });
    if (!v.enabled) return;
    if (!sources.length) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'every host is served over TLS: set tls.secretName (a certificate you provide) or tls.clusterIssuer / tls.issuer (cert-manager)' });
    }
    const hosts = WEB_UIS.filter((ui) => v.hosts[ui] !== undefined);
    if (!hosts.length) ctx.addIssue({ code: 'custom', path: ['hosts'], message: `publishes nothing: set the host of at least one UI (hosts.${WEB_UIS.join(', hosts.')})` });
    for (const [i, ui] of hosts.entries()) {
      const first = hosts.find((other) => v.hosts[other] === v.hosts[ui]);
      if (first !== ui && hosts.indexOf(first!) < i) ctx.addIssue({ code: 'custom', path: ['hosts', ui], message: `${v.hosts[ui]} is already the host of ${first}: each UI needs its own host` });
    }
  })
  .prefault({})
  .describe('Ingress objects publishing the web UIs over TLS, behind authentication (lib/ingress)');

export type IngressValues = z.output<typeof ingressValues>;
