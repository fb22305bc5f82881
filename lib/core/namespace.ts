import { k8s } from './k8s';
import { StackContext } from './context';

/** The stack's Namespace, labelled for Pod Security admission. */
export function renderNamespace(ctx: StackContext, version: string): void {
  const { values } = ctx;
  if (!values.createNamespace) return;
  // The Helm chart leaves it out: Helm keeps its release record in the release namespace, which must exist first.
  const chart = ctx.chart('00-namespace', ctx.identity('pynomaly-monitoring', 'namespace', version));
  const level = values.podSecurity.enforce;
  new k8s.KubeNamespace(chart, 'namespace', {
    metadata: {
      name: values.namespace,
      labels: {
        'kubernetes.io/metadata.name': values.namespace,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        // Warn and audit against restricted even where a lower level is enforced.
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  });
}
