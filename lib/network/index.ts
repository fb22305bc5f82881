/**
 * NetworkPolicies of the stack (`dist/<env>/network-policies.yaml`), derived
 * from the component graph (components.ts): a default deny for each namespace
 * our components live in (the main one, the host agents' when one lives there)
 * and one policy per enabled component allowing exactly its edges. Only our
 * namespaces are written: a peer in another namespace that isolates its pods
 * (e.g. the Pynomaly API's) must allow our side itself (see README, "Network
 * policies").
 */
import { Construct } from 'constructs';
import { ComponentDefinition } from '../core/component';
import { k8s } from '../core/k8s';
import { PART_OF } from '../core/labels';
import { componentGraph, isTrafficRouter } from './components';
import { NetworkPolicy, networkPolicies, PolicyPeer, PolicyPort } from './policies';
import { networkPolicyValues } from './values';

export const NETWORK_POLICIES_PATH = 'network-policies';

/**
 * The registry entry: the policies are rendered from every built component,
 * once they are all connected (Grafana's datasources are set in its connect).
 */
export const networkPoliciesComponent: ComponentDefinition<typeof networkPolicyValues, 'networkPolicies'> = {
  key: 'networkPolicies',
  values: networkPolicyValues,
  uses: ['*', 'prometheus'],
  build(ctx) {
    return ctx.chart(NETWORK_POLICIES_PATH, ctx.identity(PART_OF, 'network-policy', ctx.projectVersion));
  },
  connect(chart, ctx) {
    const graph = componentGraph(ctx.stack, ctx.components(), ctx.constructs().filter(isTrafficRouter));
    for (const policy of networkPolicies(graph, { defaultDeny: ctx.values.defaultDeny })) {
      const id = policy.metadata.namespace ? `${policy.metadata.name}-${policy.metadata.namespace}` : policy.metadata.name;
      new k8s.KubeNetworkPolicy(chart as Construct, id, toKube(policy));
    }
  },
};

function toKube(p: NetworkPolicy): k8s.KubeNetworkPolicyProps {
  const s = p.spec;
  return {
    metadata: { name: p.metadata.name, ...(p.metadata.namespace ? { namespace: p.metadata.namespace } : {}), ...(p.metadata.annotations ? { annotations: { ...p.metadata.annotations } } : {}) },
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
