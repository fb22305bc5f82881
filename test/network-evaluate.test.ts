/**
 * The building blocks of the network policies, on their own: the evaluator's
 * NetworkPolicy semantics (network.test.ts relies on it to judge the rendered
 * policies, so it must itself deny and allow exactly as the API defines), the
 * resolution of URLs to peers, and the CIDR check of the values.
 */
import { allows, cidrContains, NetEndpoint, PodEndpoint, verdict } from '../lib/network/evaluate';
import { clusterService, ComponentPeer, resolveAddress, Resolver, serviceKey } from '../lib/network/graph';
import { NetworkPolicy, NetworkPolicySpec } from '../lib/network/policies';
import { isCidr } from '../lib/network/values';

const NS = 'mon';
const pod = (labels: Record<string, string>, namespace = NS, extra: Partial<PodEndpoint> = {}): PodEndpoint => ({ kind: 'pod', namespace, labels, ...extra });
const address = (ip: string): NetEndpoint => ({ kind: 'address', ip });
const policy = (name: string, spec: NetworkPolicySpec, namespace = NS): NetworkPolicy => ({ metadata: { name, namespace }, spec });

const web = pod({ app: 'web' });
const db = pod({ app: 'db' }, NS, { ports: [{ name: 'sql', containerPort: 5432 }] });
const other = pod({ app: 'web' }, 'elsewhere');

describe('isolation', () => {
  test('a pod no policy selects allows everything, both ways', () => {
    expect(verdict([], web, db, 5432)).toEqual({ egress: 'not-isolated', ingress: 'not-isolated', allowed: true });
    const unrelated = policy('x', { podSelector: { matchLabels: { app: 'other' } }, policyTypes: ['Ingress', 'Egress'] });
    expect(allows([unrelated], web, db, 5432)).toBe(true);
  });
  test('a policy isolates only for its policyTypes', () => {
    const ingressOnly = policy('deny-in', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(verdict([ingressOnly], web, db, 5432)).toEqual({ egress: 'not-isolated', ingress: 'denied', allowed: false });
    expect(verdict([ingressOnly], web, address('203.0.113.1'), 443)).toEqual({ egress: 'not-isolated', ingress: 'not-isolated', allowed: true });
  });
  test('without policyTypes: Ingress, plus Egress when there are egress rules', () => {
    const noTypes = policy('x', { podSelector: {} });
    expect(verdict([noTypes], web, address('203.0.113.1'), 443).egress).toBe('not-isolated');
    const withEgress = policy('x', { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(verdict([withEgress], web, address('203.0.113.1'), 443).egress).toBe('denied');
    expect(verdict([withEgress], web, address('203.0.113.1'), 53, 'UDP').egress).toBe('allowed');
  });
  test('policies only select pods of their own namespace', () => {
    const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(allows([deny], other, address('203.0.113.1'), 443)).toBe(true);
    expect(allows([deny], web, address('203.0.113.1'), 443)).toBe(false);
  });
  test('a connection needs the egress of the source and the ingress of the destination', () => {
    const deny = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const webOut = policy('web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }] });
    const dbIn = policy('db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(verdict([deny, webOut], web, db, 5432)).toEqual({ egress: 'allowed', ingress: 'denied', allowed: false });
    expect(verdict([deny, dbIn], web, db, 5432)).toEqual({ egress: 'denied', ingress: 'allowed', allowed: false });
    expect(verdict([deny, webOut, dbIn], web, db, 5432)).toEqual({ egress: 'allowed', ingress: 'allowed', allowed: true });
  });
  test('any rule of any selecting policy allows (policies are additive)', () => {
    const a = policy('a', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] });
    const b = policy('b', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] });
    expect(allows([a], web, db, 5432)).toBe(false);
    expect(allows([a, b], web, db, 5432)).toBe(true);
  });
});

describe('peers', () => {
  const ingressFrom = (...from: NonNullable<NetworkPolicySpec['ingress']>[number]['from'][]) =>
    policy('db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: from.map((f) => ({ from: f })) });

  test('a rule without peers matches anyone, a podSelector alone only pods of the policy namespace', () => {
    expect(allows([ingressFrom(undefined)], other, db, 5432)).toBe(true);
    const samePods = ingressFrom([{ podSelector: { matchLabels: { app: 'web' } } }]);
    expect(allows([samePods], web, db, 5432)).toBe(true);
    expect(allows([samePods], other, db, 5432)).toBe(false);
  });
  test('namespaceSelector and podSelector in one peer are ANDed, in two peers ORed', () => {
    const and = ingressFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'elsewhere' } }, podSelector: { matchLabels: { app: 'web' } } }]);
    expect(allows([and], other, db, 5432)).toBe(true);
    expect(allows([and], pod({ app: 'api' }, 'elsewhere'), db, 5432)).toBe(false);
    expect(allows([and], web, db, 5432)).toBe(false);
    const or = ingressFrom([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'elsewhere' } } }, { podSelector: { matchLabels: { app: 'web' } } }]);
    expect(allows([or], pod({ app: 'api' }, 'elsewhere'), db, 5432)).toBe(true);
    expect(allows([or], web, db, 5432)).toBe(true);
  });
  test('namespace labels besides the name are matched too', () => {
    const team = ingressFrom([{ namespaceSelector: { matchLabels: { team: 'a' } } }]);
    expect(allows([team], pod({}, 'x', { namespaceLabels: { team: 'a' } }), db, 5432)).toBe(true);
    expect(allows([team], pod({}, 'x'), db, 5432)).toBe(false);
  });
  test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const expr = ingressFrom([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }, { key: 'debug', operator: 'DoesNotExist' }] } }]);
    expect(allows([expr], web, db, 5432)).toBe(true);
    expect(allows([expr], pod({ app: 'api' }), db, 5432)).toBe(true);
    expect(allows([expr], pod({ app: 'web', debug: 'x' }), db, 5432)).toBe(false);
    const notIn = ingressFrom([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }, { key: 'tier', operator: 'Exists' }] } }]);
    expect(allows([notIn], pod({ app: 'api', tier: 'x' }), db, 5432)).toBe(true);
    expect(allows([notIn], pod({ app: 'web', tier: 'x' }), db, 5432)).toBe(false);
    expect(allows([notIn], pod({ app: 'api' }), db, 5432)).toBe(false);
  });
  test('an ipBlock matches addresses in its range, minus except, and never a pod', () => {
    const egress = policy('web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    });
    expect(allows([egress], web, address('10.2.3.4'), 443)).toBe(true);
    expect(allows([egress], web, address('10.1.3.4'), 443)).toBe(false);
    expect(allows([egress], web, address('11.0.0.1'), 443)).toBe(false);
    expect(allows([egress], web, db, 5432)).toBe(false);
  });
});

describe('ports', () => {
  const dbPorts = (ports: NonNullable<NetworkPolicySpec['ingress']>[number]['ports']) =>
    policy('db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ ports }] });

  test('no ports: every port; a number: that port and protocol (TCP by default)', () => {
    expect(allows([dbPorts(undefined)], web, db, 1)).toBe(true);
    const p = dbPorts([{ port: 5432 }]);
    expect(allows([p], web, db, 5432)).toBe(true);
    expect(allows([p], web, db, 5432, 'UDP')).toBe(false);
    expect(allows([p], web, db, 5433)).toBe(false);
  });
  test('a range with endPort', () => {
    const p = dbPorts([{ port: 5000, endPort: 5999, protocol: 'TCP' }]);
    expect(allows([p], web, db, 5432)).toBe(true);
    expect(allows([p], web, db, 6000)).toBe(false);
  });
  test("a named port is the destination pod's container port of that name", () => {
    const p = dbPorts([{ port: 'sql' }]);
    expect(allows([p], web, db, 5432)).toBe(true);
    expect(allows([p], web, db, 5433)).toBe(false);
    expect(allows([p], web, pod({ app: 'db' }, NS, { ports: [{ name: 'other', containerPort: 5432 }] }), 5432)).toBe(false);
  });
  test('a port without number matches every port of its protocol', () => {
    const p = dbPorts([{ protocol: 'UDP' }]);
    expect(allows([p], web, db, 53, 'UDP')).toBe(true);
    expect(allows([p], web, db, 53, 'TCP')).toBe(false);
  });
});

test('cidrContains: IPv4 and IPv6 prefixes, never across families', () => {
  expect(cidrContains('0.0.0.0/0', '203.0.113.7')).toBe(true);
  expect(cidrContains('10.0.0.0/8', '10.255.0.1')).toBe(true);
  expect(cidrContains('10.0.0.0/8', '11.0.0.1')).toBe(false);
  expect(cidrContains('198.51.100.7/32', '198.51.100.7')).toBe(true);
  expect(cidrContains('198.51.100.7/32', '198.51.100.8')).toBe(false);
  expect(cidrContains('::/0', '2001:db8::1')).toBe(true);
  expect(cidrContains('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
  expect(cidrContains('2001:db8::/32', '2001:db9::1')).toBe(false);
  expect(cidrContains('::/0', '10.0.0.1')).toBe(false);
  expect(cidrContains('0.0.0.0/0', '::1')).toBe(false);
});

test('isCidr accepts IPv4 and IPv6 prefixes only', () => {
  for (const ok of ['0.0.0.0/0', '10.0.0.0/8', '::/0', '2001:db8::/32', '192.0.2.1/32', '::ffff:192.0.2.1/128', 'FE80::1/64']) expect([ok, isCidr(ok)]).toEqual([ok, true]);
  // As Go's net.ParseCIDR (the API server's): no zone, no leading zeros, no brackets.
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '::/129', 'banana/8', '10.0.0.0/8/1', '10.0.0.256/8', '', '010.0.0.0/8', 'fe80::1%eth0/64', '[::1]/128', '1:2:3:4:5:6:7:8:9/64', ':::/0'])
    expect([bad, isCidr(bad)]).toEqual([bad, false]);
});

describe('resolveAddress', () => {
  const prometheus: ComponentPeer = { kind: 'component', name: 'prometheus', namespace: NS, selector: { 'app.kubernetes.io/name': 'prometheus' } };
  const alertmanager: ComponentPeer = { kind: 'component', name: 'alertmanager', namespace: NS, selector: { 'app.kubernetes.io/name': 'alertmanager' } };
  const r: Resolver = {
    namespace: NS,
    services: new Map([
      [serviceKey('prometheus', NS), prometheus],
      [serviceKey('alertmanager-cluster', NS), alertmanager],
    ]),
    externalCidrs: ['0.0.0.0/0'],
  };

  test("a Service of ours, by any in-cluster name, is that component", () => {
    expect(resolveAddress(`http://prometheus.${NS}.svc:9090`, r)).toMatchObject({ peer: prometheus, port: 9090 });
    expect(resolveAddress(`http://prometheus.${NS}.svc.cluster.local:9090/`, r)).toMatchObject({ peer: prometheus, port: 9090 });
    expect(resolveAddress('prometheus:9090', r)).toMatchObject({ peer: prometheus, port: 9090 });
    expect(resolveAddress(`alertmanager-2.alertmanager-cluster.${NS}.svc:9094`, r)).toMatchObject({ peer: alertmanager, port: 9094 });
  });
  test('a Service that is not ours: the pods of its namespace on its port', () => {
    expect(resolveAddress('http://jaeger-query.tracing.svc.cluster.local:16686', r).peer).toMatchObject({ kind: 'pods', namespaces: ['tracing'], selector: {} });
    expect(resolveAddress(`http://prometheus.other.svc:9090`, r).peer).toMatchObject({ kind: 'pods', namespaces: ['other'] });
    expect(resolveAddress(`http://elasticsearch.${NS}.svc:9200`, r).peer).toMatchObject({ kind: 'pods', namespaces: [NS] });
  });
  test('external hosts and addresses, with the port of the scheme when none is given', () => {
    expect(resolveAddress('https://hooks.slack.com', r)).toEqual({ peer: { kind: 'addresses', cidrs: ['0.0.0.0/0'], what: 'outside the cluster' }, port: 443, host: 'hooks.slack.com' });
    expect(resolveAddress('http://example.com/x', r).port).toBe(80);
    expect(resolveAddress('smtp.example.com:587', r)).toMatchObject({ peer: { kind: 'addresses' }, port: 587 });
    expect(resolveAddress('http://10.1.2.3:8080', r)).toMatchObject({ peer: { kind: 'addresses', cidrs: ['10.1.2.3/32'] }, port: 8080 });
    expect(resolveAddress('http://[2001:db8::5]:8080', r)).toMatchObject({ peer: { kind: 'addresses', cidrs: ['2001:db8::5/128'] }, port: 8080 });
    expect(() => resolveAddress('smtp.example.com', r)).toThrow('no port');
  });
  test('<service>.<namespace> without .svc cannot be told from a domain: external', () => {
    expect(clusterService('prometheus.mon', NS)).toBeUndefined();
    expect(clusterService('grafana', NS)).toEqual({ name: 'grafana', namespace: NS });
  });
});
