/**
 * Access from outside the namespace (issue 12): each published UI's host
 * leads to the right Service and port; the UIs without a login of their own
 * are reached only through oauth2-proxy, whose process for that host forwards
 * to the UI; TLS on every host from the values; the public URLs follow the
 * hosts; the proxy's secrets are files; bad values are refused naming the key.
 */
import { OAUTH2_PROXY } from '../lib/oauth2-proxy';
import { CERT_MANAGER_ANNOTATIONS } from '../lib/ingress';
import { WEB_UIS } from '../lib/ingress/values';
import { Manifest } from '../lib/synth/render';
import { containerOf, podOf, serviceSpecOf } from './support/k8s';
import { envObjects, findObject } from './support/stack';
import { errorOf, valuesOf } from './support/values';

interface IngressJson {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    ingressClassName?: string;
    tls: { hosts: string[]; secretName: string }[];
    rules: { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[] } }[];
  };
}

const ingresses = (objects: readonly Manifest[]) => objects.filter((o) => o.kind === 'Ingress') as unknown as IngressJson[];
/** host -> `service:port` of its one path. */
const routing = (objects: readonly Manifest[]) =>
  Object.fromEntries(
    ingresses(objects).map((i) => {
      const [rule] = i.spec.rules;
      const [path] = rule.http.paths;
      expect([i.metadata.name, i.spec.rules.length, rule.http.paths.length, path.path, path.pathType]).toEqual([i.metadata.name, 1, 1, '/', 'Prefix']);
      return [rule.host, `${path.backend.service.name}:${path.backend.service.port.number}`];
    }),
  );
/** The flags of the oauth2-proxy process standing in front of `ui`. */
const proxyArgsOf = (objects: readonly Manifest[], ui: string) => containerOf(podOf(objects, 'Deployment', 'oauth2-proxy'), `proxy-${ui}`).args ?? [];
const flag = (args: readonly string[], name: string) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));

/** dev with the ingress on: Kibana has no login there (Elasticsearch security off). */
const DEV_PUBLISHED = [
  'ingress.enabled=true',
  'ingress.tls.secretName=monitoring-tls',
  ...WEB_UIS.map((ui) => `ingress.hosts.${ui}=${ui}.dev.example.com`),
  'oauth2Proxy.oidcIssuerUrl=https://sso.example.com/realms/dev',
  'oauth2Proxy.clientId=monitoring-dev',
  'oauth2Proxy.emailDomains[0]=example.com',
];

describe('prod', () => {
  const objects = envObjects('prod');
  const ns = 'pynomaly-monitoring-prod';

  test('each host leads to its Service and port: Grafana and Kibana (both with a login) directly, the others to their oauth2-proxy port', () => {
    expect(routing(objects)).toEqual({
      'grafana.pynomaly.example.com': 'grafana:3000',
      'prometheus.pynomaly.example.com': `oauth2-proxy:${OAUTH2_PROXY.ports.prometheus.port}`,
      'alertmanager.pynomaly.example.com': `oauth2-proxy:${OAUTH2_PROXY.ports.alertmanager.port}`,
      'kibana.pynomaly.example.com': 'kibana:5601',
      'jaeger.pynomaly.example.com': `oauth2-proxy:${OAUTH2_PROXY.ports.jaeger.port}`,
    });
    // The backend ports are ports of those Services.
    for (const i of ingresses(objects)) {
      const { name, port } = i.spec.rules[0].http.paths[0].backend.service;
      expect([i.metadata.name, serviceSpecOf(objects, name).ports.map((p) => p.port)]).toEqual([i.metadata.name, expect.arrayContaining([port.number])]);
    }
  });

  test("the proxy's process on each port forwards to that UI's Service, and redirects back to its host", () => {
    const expected = { prometheus: 'prometheus:9090', alertmanager: 'alertmanager:9093', jaeger: 'jaeger:16686' };
    for (const [ui, upstream] of Object.entries(expected)) {
      const args = proxyArgsOf(objects, ui);
      const [service, port] = upstream.split(':');
      expect([ui, flag(args, 'upstream'), flag(args, 'redirect-url'), flag(args, 'http-address')]).toEqual([
        ui,
        [`http://${service}.${ns}.svc:${port}/`],
        [`https://${ui}.pynomaly.example.com/oauth2/callback`],
        [`0.0.0.0:${OAUTH2_PROXY.ports[ui as keyof typeof expected].port}`],
      ]);
      expect(containerOf(podOf(objects, 'Deployment', 'oauth2-proxy'), `proxy-${ui}`).ports).toEqual([expect.objectContaining({ containerPort: OAUTH2_PROXY.ports[ui as keyof typeof expected].port })]);
    }
    expect(podOf(objects, 'Deployment', 'oauth2-proxy').spec.containers.map((c) => c.name)).toEqual(['proxy-prometheus', 'proxy-alertmanager', 'proxy-jaeger']);
  });

  test('TLS on every host from the ClusterIssuer of the values, a Secret per host; class from the values', () => {
    for (const i of ingresses(objects)) {
      expect(i.spec.tls).toEqual([{ hosts: [i.spec.rules[0].host], secretName: `${i.metadata.name}-tls` }]);
      expect(i.metadata.annotations?.[CERT_MANAGER_ANNOTATIONS.clusterIssuer]).toBe('letsencrypt-prod');
      expect(i.spec.ingressClassName).toBe('nginx');
    }
  });

  test('the public URLs follow the hosts: Grafana root_url and domain, Kibana publicBaseUrl, external URLs of Prometheus and Alertmanager', () => {
    const grafanaEnv = Object.fromEntries((containerOf(podOf(objects, 'Deployment', 'grafana'), 'grafana').env ?? []).map((e) => [e.name, e.value]));
    expect(grafanaEnv).toMatchObject({ GF_SERVER_ROOT_URL: 'https://grafana.pynomaly.example.com', GF_SERVER_DOMAIN: 'grafana.pynomaly.example.com', GF_SECURITY_COOKIE_SECURE: 'true', GF_AUTH_ANONYMOUS_ENABLED: 'false' });
    expect(JSON.stringify(findObject(objects, 'ConfigMap', 'kibana-config'))).toContain('server.publicBaseUrl: https://kibana.pynomaly.example.com');
    expect(containerOf(podOf(objects, 'StatefulSet', 'prometheus'), 'prometheus').args).toContain('--web.external-url=https://prometheus.pynomaly.example.com');
    expect(containerOf(podOf(objects, 'StatefulSet', 'alertmanager'), 'alertmanager').args).toContain('--web.external-url=https://alertmanager.pynomaly.example.com');
    // A URL of the values wins.
    const own = envObjects('prod', { sets: ['grafana.rootUrl=https://dashboards.example.org'] });
    expect(containerOf(podOf(own, 'Deployment', 'grafana'), 'grafana').env).toContainEqual({ name: 'GF_SERVER_ROOT_URL', value: 'https://dashboards.example.org' });
  });

  test('oauth2-proxy: OpenID Connect from the values, client and cookie secrets as files of a Secret, secure pod, a budget for its two replicas', () => {
    const pod = podOf(objects, 'Deployment', 'oauth2-proxy');
    const args = proxyArgsOf(objects, 'prometheus');
    expect(flag(args, 'provider')).toEqual(['oidc']);
    expect(flag(args, 'oidc-issuer-url')).toEqual(['https://sso.pynomaly.example.com/realms/pynomaly']);
    expect(flag(args, 'client-id')).toEqual(['pynomaly-monitoring']);
    expect(flag(args, 'allowed-group')).toEqual(['pynomaly-operators']);
    expect(flag(args, 'client-secret-file')).toEqual([`${OAUTH2_PROXY.secretDir}/client-secret`]);
    expect(flag(args, 'cookie-secret-file')).toEqual([`${OAUTH2_PROXY.secretDir}/cookie-secret`]);
    expect(args.filter((a) => /^--(client-secret|cookie-secret)=/.test(a))).toEqual([]);
    expect(pod.spec.volumes).toEqual([
      { name: 'secrets', secret: { secretName: 'oauth2-proxy', items: [{ key: 'client-secret', path: 'client-secret' }, { key: 'cookie-secret', path: 'cookie-secret' }], defaultMode: 0o440 } },
    ]);
    for (const c of pod.spec.containers) {
      expect(c.env ?? []).toEqual([]);
      expect(c.image).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.15.3');
      expect([c.readinessProbe?.httpGet?.path, c.livenessProbe?.httpGet?.path]).toEqual(['/ready', '/ping']);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect((findObject(objects, 'Deployment', 'oauth2-proxy').spec as { replicas: number }).replicas).toBe(2);
    expect(findObject(objects, 'PodDisruptionBudget', 'oauth2-proxy')).toBeDefined();
    expect(envObjects('staging').filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'oauth2-proxy')).toEqual([]);
  });
});

describe('the UIs without a login are never routed to directly', () => {
  test.each([
    ['prod', []],
    ['staging', []],
    ['dev with the ingress on', DEV_PUBLISHED],
    ['prod without Kibana', ['kibana.enabled=false', 'logsBootstrap.enabled=false']],
  ] as const)('%s', (name, sets) => {
    const objects = envObjects(name.startsWith('dev') ? 'dev' : name.split(' ')[0], { sets: [...sets] });
    const direct = Object.values(routing(objects)).map((b) => b.split(':')[0]);
    expect(direct.filter((s) => ['prometheus', 'alertmanager', 'jaeger'].includes(s))).toEqual([]);
    expect(direct.length).toBeGreaterThan(0);
  });

  test('Kibana without Elasticsearch security (dev) goes behind oauth2-proxy', () => {
    const objects = envObjects('dev', { sets: DEV_PUBLISHED });
    expect(routing(objects)['kibana.dev.example.com']).toBe(`oauth2-proxy:${OAUTH2_PROXY.ports.kibana.port}`);
    expect(flag(proxyArgsOf(objects, 'kibana'), 'upstream')).toEqual(['http://kibana.pynomaly-monitoring-dev.svc:5601/']);
    expect(flag(proxyArgsOf(objects, 'kibana'), 'email-domain')).toEqual(['example.com']);
    expect(routing(objects)['grafana.dev.example.com']).toBe('grafana:3000');
  });

  test('only Grafana published: no oauth2-proxy at all', () => {
    const objects = envObjects('prod', { sets: ['ingress.hosts.prometheus=null', 'ingress.hosts.alertmanager=null', 'ingress.hosts.jaeger=null', 'ingress.hosts.kibana=null'] });
    expect(Object.keys(routing(objects))).toEqual(['grafana.pynomaly.example.com']);
    expect(objects.filter((o) => o.metadata.name === 'oauth2-proxy')).toEqual([]);
  });
});

describe('TLS from the values', () => {
  test('one Secret you provide for every host: no cert-manager annotation', () => {
    const objects = envObjects('prod', { sets: ['ingress.tls.clusterIssuer=null', 'ingress.tls.secretName=pynomaly-wildcard'] });
    for (const i of ingresses(objects)) {
      expect(i.spec.tls).toEqual([{ hosts: [i.spec.rules[0].host], secretName: 'pynomaly-wildcard' }]);
      expect(Object.keys(i.metadata.annotations ?? {}).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
    }
  });

  test("an Issuer of the namespace, and the values' annotations on every Ingress", () => {
    const objects = envObjects('prod', { sets: ['ingress.tls.clusterIssuer=null', 'ingress.tls.issuer=internal-ca', 'ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=8m'] });
    for (const i of ingresses(objects)) {
      expect(i.metadata.annotations).toMatchObject({ [CERT_MANAGER_ANNOTATIONS.issuer]: 'internal-ca', 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' });
      expect(i.metadata.annotations?.[CERT_MANAGER_ANNOTATIONS.clusterIssuer]).toBeUndefined();
    }
  });

  test('dev publishes nothing: no Ingress, no oauth2-proxy', () => {
    const objects = envObjects('dev');
    expect(objects.filter((o) => o.kind === 'Ingress' || o.metadata.name === 'oauth2-proxy')).toEqual([]);
  });
});

describe('bad values are refused, naming the source and the key', () => {
  test.each([
    ['https://grafana.example.com', 'without scheme, port or path'],
    ['grafana.example.com:443', 'without scheme, port or path'],
    ['Grafana.Example.com', 'expected a DNS name'],
    ['grafana', 'at least one dot'],
    ['*.example.com', 'a wildcard cannot be'],
    ['10.0.0.1', 'cannot be an IP address'],
    ['-grafana.example.com', 'expected a DNS name'],
    [`${'a'.repeat(64)}.example.com`, 'labels of at most 63 characters'],
  ])('host %s', (host, problem) => {
    expect(errorOf(() => valuesOf('prod', [`ingress.hosts.grafana=${host}`]))).toMatch(new RegExp(`^--set ingress\\.hosts\\.grafana=.*: ingress\\.hosts\\.grafana: .*${problem.replace(/[.*]/g, '\\$&')}`));
  });

  test('a bad host in a values file names the file', () => {
    expect(errorOf(() => valuesOf('prod', [], { ingress: { hosts: { jaeger: 'jaeger..example.com' } } }))).toMatch(/^--values .*extra\.yaml: ingress\.hosts\.jaeger: expected a DNS name/);
  });

  test('the ingress without TLS, with two TLS sources, with one host twice', () => {
    expect(errorOf(() => valuesOf('prod', ['ingress.tls.clusterIssuer=null']))).toContain('ingress.tls: every host is served over TLS');
    expect(errorOf(() => valuesOf('prod', ['ingress.tls.secretName=x']))).toContain('ingress.tls.clusterIssuer: set only one of tls.secretName, tls.clusterIssuer, tls.issuer (tls.secretName is set too)');
    expect(errorOf(() => valuesOf('prod', ['ingress.hosts.jaeger=grafana.pynomaly.example.com']))).toContain('ingress.hosts.jaeger: grafana.pynomaly.example.com is already the host of grafana');
    expect(errorOf(() => valuesOf('dev', ['ingress.enabled=true', 'ingress.tls.secretName=x']))).toContain('ingress.hosts: publishes nothing');
  });

  test('a UI without a login published while oauth2-proxy is off, or without its OpenID Connect settings', () => {
    expect(errorOf(() => envObjects('prod', { sets: ['oauth2Proxy.enabled=false'] }))).toContain('ingress.hosts.prometheus: prometheus has no login of its own and is published only behind oauth2-proxy');
    expect(errorOf(() => envObjects('prod', { sets: ['oauth2Proxy.clientId=null'] }))).toContain('oauth2Proxy.clientId: oauth2-proxy stands in front of prometheus, alertmanager, jaeger');
    expect(errorOf(() => envObjects('prod', { sets: ['oauth2Proxy.oidcIssuerUrl=null'] }))).toContain('oauth2Proxy.oidcIssuerUrl:');
    expect(errorOf(() => envObjects('prod', { sets: ['oauth2Proxy.allowedGroups=null'] }))).toContain('say who may log in');
    expect(errorOf(() => valuesOf('prod', ['oauth2Proxy.oidcIssuerUrl=http://sso.example.com']))).toContain('oauth2Proxy.oidcIssuerUrl: expected an https URL');
  });
});
