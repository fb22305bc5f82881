/**
 * Values of the NetworkPolicies (`networkPolicies.*`). The policies themselves
 * are derived from the component graph (graph.ts); these values only say what
 * the graph cannot know: who outside the stack may reach it, and where the
 * cluster's DNS, API server, nodes and the internet are.
 */
import * as z from 'zod';
import { isIPv4, isIPv6 } from './ip';
import { dnsLabel, labelKey, labelValue } from '../values/types';

/** Every address of both families: what "anywhere" means in an ipBlock. */
export const ALL_ADDRESSES = ['0.0.0.0/0', '::/0'] as const;

/** Components whose web port users may be let in to (`networkPolicies.ingressFrom.<key>`). */
export const INGRESS_COMPONENTS = ['prometheus', 'alertmanager', 'grafana', 'kibana'] as const;
export type IngressComponent = (typeof INGRESS_COMPONENTS)[number];

/** `a.b.c.d/n` or an IPv6 prefix, as an ipBlock takes it (Go's net.ParseCIDR: no zone, no leading zeros in IPv4). */
export function isCidr(s: string): boolean {
  const [address, prefix, ...rest] = s.split('/');
  if (rest.length || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (isIPv4(address)) return bits <= 32;
  return isIPv6(address) && bits <= 128;
}

const cidr = z.string().refine(isCidr, { message: 'expected a CIDR such as 10.0.0.0/8 or 2001:db8::/32' });

function cidrs(description: string) {
  return z.array(cidr).min(1).default([...ALL_ADDRESSES]).describe(description);
}

const labels = z.record(labelKey, labelValue);

const port = z.int().min(1).max(65535, { message: 'expected a port number (1-65535)' });

/** A client outside the stack: pods of a namespace (optionally only some of them), or an address range. */
export const clientPeer = z
  .strictObject({
    namespace: dnsLabel.optional().describe('Namespace the clients run in (matched by its kubernetes.io/metadata.name label)'),
    podSelector: labels.optional().describe('Only the pods of that namespace carrying all these labels; unset: every pod of the namespace'),
    cidr: cidr.optional().describe('Instead of a namespace: clients by source address range (e.g. a load balancer that preserves client addresses)'),
  })
  .refine((p) => (p.namespace === undefined) !== (p.cidr === undefined), { message: 'set exactly one of namespace and cidr' })
  .refine((p) => p.podSelector === undefined || p.namespace !== undefined, { message: 'podSelector needs a namespace', path: ['podSelector'] })
  .describe('A client: {namespace, podSelector?} or {cidr}');

export type ClientPeer = z.output<typeof clientPeer>;

function clients(description: string) {
  return z.array(clientPeer).default([]).describe(description);
}

export const networkPolicyValues = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Render NetworkPolicies (dist/<env>/network-policies.yaml): a default deny for the namespace and one policy per component allowing exactly its edges. ' +
          'They take effect only where the cluster network enforces NetworkPolicies (Calico, Cilium, ...)',
      ),
    defaultDeny: z
      .boolean()
      .default(true)
      .describe(
        'Deny all traffic to and from every pod of the namespace that no policy of ours allows: also pods this stack does not deploy (e.g. an exporter you install here needs its own policy). ' +
          "false: only the stack's own pods are isolated, by their component policies",
      ),
    ingressFrom: z
      .strictObject(
        Object.fromEntries(
          INGRESS_COMPONENTS.map((c) => [
            c,
            clients(
              `Clients from outside the namespace allowed to the web port of ${c} (users, an ingress controller); empty: none (kubectl port-forward still works)`,
            ),
          ]),
        ) as Record<IngressComponent, ReturnType<typeof clients>>,
      )
      .prefault({})
      .describe(
        'Who outside the stack may reach each web UI, e.g. grafana: [{namespace: ingress-nginx, podSelector: {app.kubernetes.io/name: ingress-nginx}}]. ' +
          'Traffic from the node a pod runs on (kubelet probes) is always allowed',
      ),
    metricsScrapers: clients(
      "Other Prometheus servers allowed to scrape the metrics port of every component (e.g. a Prometheus Operator's, which uses the ServiceMonitors)",
    ),
    dns: z
      .strictObject({
        namespace: dnsLabel.default('kube-system').describe('Namespace of the cluster DNS pods'),
        selector: labels
          .refine((s) => Object.keys(s).length > 0, { message: 'a selector needs at least one label' })
          .default({ 'k8s-app': 'kube-dns' })
          .describe('Labels of the cluster DNS pods (CoreDNS keeps the k8s-app=kube-dns label); merged with the default like any map'),
        port: port.default(53).describe('Port the DNS pods listen on (53; 5353 on OpenShift), UDP and TCP'),
      })
      .prefault({})
      .describe('Cluster DNS, which every component may query'),
    apiServer: z
      .strictObject({
        cidrs: cidrs('Addresses of the Kubernetes API server (endpoints of the kubernetes Service); narrow to them where known'),
        ports: z
          .array(port)
          .min(1)
          .default([443, 6443])
          .describe('Ports of the API server: policies see the endpoint port behind the kubernetes Service (6443 on most clusters, 443 on some managed ones)'),
      })
      .prefault({})
      .describe('The Kubernetes API server (Prometheus service discovery): not selectable by labels, so by address'),
    nodeCidrs: cidrs('Addresses of the nodes (kubelets on 10250, exporters on the host network); narrow to the node subnet where known'),
    externalCidrs: cidrs(
      'Addresses of endpoints outside the cluster (notification services, external datasources); narrow where known, e.g. to your egress proxy',
    ),
  })
  .prefault({})
  .describe('NetworkPolicies derived from the component graph (lib/network)');

export type NetworkPolicyValues = z.output<typeof networkPolicyValues>;
