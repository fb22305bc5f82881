/** Facts about oauth2-proxy that others reference (the Ingress backends, the NetworkPolicies), declared once. */
import type { ContainerPort } from '../core/workload';
import type { WebUi } from '../ingress/values';

export const OAUTH2_PROXY = {
  name: 'oauth2-proxy',
  component: 'auth-proxy',
  /** The `nonroot` user of the image (distroless). */
  uid: 65532,
  pingPath: '/ping',
  readyPath: '/ready',
  callbackPath: '/oauth2/callback',
  secretDir: '/etc/oauth2-proxy/secrets',
  clientSecretFile: 'client-secret',
  cookieSecretFile: 'cookie-secret',
  /**
   * oauth2-proxy routes its upstreams by path, not by host: one process (a
   * container of the one pod) per proxied UI, each on its own port, which is
   * the port of the Service and of the Ingress backend.
   */
  ports: {
    grafana: { name: 'http-grafana', port: 4180 },
    prometheus: { name: 'http-prometheus', port: 4181 },
    alertmanager: { name: 'http-alertmgr', port: 4182 },
    kibana: { name: 'http-kibana', port: 4183 },
    jaeger: { name: 'http-jaeger', port: 4184 },
  } satisfies Record<WebUi, ContainerPort>,
} as const;
