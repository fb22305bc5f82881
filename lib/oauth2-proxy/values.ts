/** Values of oauth2-proxy (`oauth2Proxy.*`). */
import * as z from 'zod';
import { enabled, image, replicas, resources, secretRef } from '../values/types';
import { isDnsName, urlProblem } from '../values/validators/url';
import { problemOf } from '../values/validators/refine';

/** Providers of the OpenID Connect family: discovery from the issuer, groups from the ID token. */
export const OIDC_PROVIDERS = ['oidc', 'keycloak-oidc', 'entra-id'] as const;

export const oauth2ProxyValues = z
  .strictObject({
    enabled: enabled(
      true,
      'oauth2-proxy in front of the UIs without a login of their own (Prometheus, Alertmanager, Jaeger; Kibana while Elasticsearch security is off) wherever ingress publishes them; rendered only then',
    ),
    image: image({ repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: 'v7.15.3' }),
    replicas: replicas(1, 'Replicas (stateless: sessions are in the encrypted cookie); a PodDisruptionBudget with more than one'),
    resources: resources({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } }),
    provider: z.enum(OIDC_PROVIDERS).default('oidc').describe('Identity provider type (--provider): oidc (Dex, Okta, Google, ...), keycloak-oidc or entra-id'),
    oidcIssuerUrl: z
      .string()
      .superRefine(problemOf((u: string) => urlProblem(u) ?? (u.startsWith('https://') ? undefined : 'expected an https URL')))
      .optional()
      .describe('OpenID Connect issuer (--oidc-issuer-url), e.g. https://sso.example.com/realms/pynomaly; its discovery document names the other endpoints'),
    clientId: z
      .string()
      .regex(/^[\x21-\x7e]{1,255}$/, { message: 'expected a client id (printable characters, no spaces)' })
      .optional()
      .describe('Client id of the OAuth client registered at the provider (not secret); its redirect URIs are https://<host>/oauth2/callback of every proxied host'),
    clientSecret: secretRef('the client secret of the OAuth client (--client-secret-file)', { name: 'oauth2-proxy', key: 'client-secret' }),
    cookieSecret: secretRef(
      'the cookie encryption secret (--cookie-secret-file): 16, 24 or 32 bytes, or their base64, e.g. openssl rand -base64 32 | tr -- \'+/\' \'-_\'',
      { name: 'oauth2-proxy', key: 'cookie-secret' },
    ),
    emailDomains: z
      .array(z.string().refine((d) => d === '*' || isDnsName(d), { message: 'expected a domain such as example.com, or *' }))
      .default([])
      .describe('Who may log in, by e-mail domain (--email-domain); * with allowedGroups: any member of those groups'),
    allowedGroups: z
      .array(z.string().min(1).max(256))
      .default([])
      .describe('Who may log in, by group claim of the ID token (--allowed-group); with it, emailDomains defaults to *'),
  })
  .prefault({})
  .describe('oauth2-proxy: OpenID Connect login in front of the UIs that have none (lib/oauth2-proxy)');

export type OAuth2ProxyValues = z.output<typeof oauth2ProxyValues>;
