/**
 * What the exporters share: one metrics port each, served on every address of
 * the pod (`0.0.0.0`, stated explicitly), a main Service named after the
 * exporter, and a Deployment per monitored instance (Redis, PostgreSQL) that
 * all carry the exporter's labels, so one Service and one scrape target find
 * them all and each series is told apart by its `pod` label.
 */
import { Construct } from 'constructs';
import { k8s } from '../core/k8s';
import { AppIdentity, commonLabels, selectorLabels } from '../core/labels';
import { ContainerPort, podTemplate, PodTemplateOptions, spreadAcrossNodes } from '../core/workload';
import { edgeTo, GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';

/** Label that tells one instance's Deployment (and its pods) from another's. */
export const EXPORTER_TARGET_LABEL = 'monitoring.pynomaly.io/exporter-target';

/** `0.0.0.0:<port>`: the listen address every exporter is given explicitly. */
export function listenAddress(port: ContainerPort): string {
  return `0.0.0.0:${port.port}`;
}

/** A Deployment of one exporter for one monitored instance (its own selector label). */
export function instanceDeployment(scope: Construct, id: string, opts: { name: string; target: string; pod: Omit<PodTemplateOptions, 'affinity'> }): k8s.KubeDeployment {
  const identity: AppIdentity = opts.pod.identity;
  const template = podTemplate({ ...opts.pod, affinity: spreadAcrossNodes(identity, 1) });
  const selector = { ...selectorLabels(identity), [EXPORTER_TARGET_LABEL]: opts.target };
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name: opts.name },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      selector: { matchLabels: selector },
      template: { ...template, metadata: { ...template.metadata, labels: { ...commonLabels(identity), [EXPORTER_TARGET_LABEL]: opts.target } } },
    },
  });
}

/** Edges to the servers an exporter reads, one per address (`redis://host:6379`, `host:5432`). */
export function serverEdges(g: GraphContext, self: ComponentPeer, servers: readonly { address: string; what: string }[]): Edge[] {
  return servers.map((s) => edgeTo(g, self, s.address, (at) => `read metrics from ${s.what}${at}`));
}
