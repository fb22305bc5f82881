/**
 * NetworkPolicies of the stack (`dist/<env>/network-policies.yaml`), derived
 * from the component graph (components.ts): a default deny for the namespace
 * and one policy per enabled component allowing exactly its edges. Only our
 * namespace is written: a peer in another namespace that isolates its pods
 * (e.g. the Pynomaly API's) must allow our side itself (see README, "Network
 * policies").
 */
import { k8s } from '../core/k8s';
import { PART_OF } from '../core/labels';
import { StackContext } from '../core/context';
import { componentGraph } from './components';
import { NetworkPolicy, networkPolicies, PolicyPeer, PolicyPort } from './policies';

export const NETWORK_POLICIES_PATH = 'network-policies';

export function renderNetworkPolicies(ctx: StackContext, projectVersion: string): void {
  const nv = ctx.values.networkPolicies;
  if (!nv.enabled) return;
  const chart = ctx.chart(NETWORK_POLICIES_PATH, ctx.identity(PART_OF, 'network-policy', projectVersion));
  for (const policy of networkPolicies(componentGraph(ctx.values), { defaultDeny: nv.defaultDeny })) {
    new k8s.KubeNetworkPolicy(chart, policy.metadata.name, toKube(policy));
  }
}

function toKube(p: NetworkPolicy): k8s.KubeNetworkPolicyProps {
  const s = p.spec;
  return {
    metadata: { name: p.metadata.name, ...(p.metadata.annotations ? { annotations: { ...p.metadata.annotations } } : {}) },
    spec: {
      podSelector: s.podSelector as k8s.LabelSelector,
      policyTypes: [...(s.policyTypes ?? [])],
      ...(s.ingress?.length ? { ingress: s.ingress.map((r) => ({ from: peers(r.from), ports: ports(r.ports) })) } : {}),
      ...(s.egress?.length ? { egress: s.egress.map((r) => ({ to: peers(r.to), ports: ports(r.ports) })) } : {}),
    },
  };
}

function peers(list: readonly PolicyPeer[] | undefined): k8s.NetworkPolicyPeer[] | undefined {
  return list?.map((p) => p as k8s.NetworkPolicyPeer);
}

function ports(list: readonly PolicyPort[] | undefined): k8s.NetworkPolicyPort[] | undefined {
  return list?.map((p) => ({
    ...(p.port === undefined ? {} : { port: typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port) }),
    ...(p.protocol ? { protocol: p.protocol } : {}),
  }));
}
