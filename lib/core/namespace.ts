import type { Values } from '../values/schema';
import type { NamespaceRole } from './component';
import { k8s } from './k8s';
import { StackContext } from './context';

/** The name of the namespace a component of `role` lives in. */
export function namespaceOf(values: Values, role: NamespaceRole): string {
  return role === 'main' ? values.namespace : hostAgentsNamespace(values);
}

/** The host agents' namespace: `hostAgents.namespace`, else `<namespace>-host-agents`. */
export function hostAgentsNamespace(values: Pick<Values, 'namespace' | 'hostAgents'>): string {
  return values.hostAgents.namespace ?? `${values.namespace}-host-agents`;
}

/**
 * The stack's Namespaces, labelled for Pod Security admission: the main one,
 * and the host agents' when an enabled component lives there (node-exporter
 * needs host network, host PID and hostPath, which `restricted` refuses).
 */
export function renderNamespaces(ctx: StackContext, version: string, roles: readonly NamespaceRole[]): void {
  const { values } = ctx;
  if (!values.createNamespace) return;
  // The Helm chart leaves the release namespace out: Helm keeps its release record there, so it must exist first.
  const chart = ctx.chart('00-namespace', ctx.identity('pynomaly-monitoring', 'namespace', version));
  namespace(chart, 'namespace', values.namespace, values.podSecurity.enforce);
  if (roles.includes('hostAgents')) namespace(chart, 'host-agents-namespace', hostAgentsNamespace(values), values.hostAgents.podSecurity.enforce);
}

function namespace(scope: import('constructs').Construct, id: string, name: string, level: string): void {
  new k8s.KubeNamespace(scope, id, {
    metadata: {
      name,
      labels: {
        'kubernetes.io/metadata.name': name,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        // Warn and audit against restricted even where a lower level is enforced.
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  });
}
