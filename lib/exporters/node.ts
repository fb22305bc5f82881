/**
 * node-exporter: a DaemonSet on every node (it tolerates every taint), in the
 * host agents' namespace, on the host network and PID namespace, reading the
 * host's /proc, /sys and / read-only through the matching `--path.*` flags.
 * Non-root, read-only root filesystem, no capabilities, no ServiceAccount token.
 */
import { Construct } from 'constructs';
import * as z from 'zod';
import { JOBS } from '../catalog/jobs';
import { ComponentConstruct, ComponentDefinition, ComponentProps, ServiceEndpoint } from '../core/component';
import { k8s } from '../core/k8s';
import { selectorLabels } from '../core/labels';
import { container, httpProbe, podTemplate, service } from '../core/workload';
import type { GraphContext } from '../network/components';
import type { ComponentPeer, Edge } from '../network/graph';
import { enabled, image, resources } from '../values/types';
import { listenAddress } from './common';
import { parseSettings } from '../values/parsed';

export const NODE_EXPORTER = {
  name: 'node-exporter',
  component: 'host-metrics',
  port: { name: 'http-metrics', port: 9100 },
  /** nobody: the image's own user. */
  uid: 65534,
  /** Where the host's filesystems are mounted in the pod, and the flag that points the exporter there. */
  hostPaths: [
    { volume: 'proc', hostPath: '/proc', mountPath: '/host/proc', flag: '--path.procfs' },
    { volume: 'sys', hostPath: '/sys', mountPath: '/host/sys', flag: '--path.sysfs' },
    { volume: 'root', hostPath: '/', mountPath: '/host/root', flag: '--path.rootfs' },
  ],
  /** The original's exclusions: pseudo and container filesystems, and the host mounts themselves. */
  mountPointsExclude: '^/(sys|proc|dev|host|etc|run|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/.+)($|/)',
  fsTypesExclude: '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs|tmpfs)$',
} as const;

export const nodeExporterValues = z
  .strictObject({
    enabled: enabled(true, 'node-exporter on every node (a DaemonSet in the host agents namespace)'),
    image: image({ repository: 'quay.io/prometheus/node-exporter', tag: 'v1.12.1' }),
    resources: resources({ requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } }),
  })
  .prefault({})
  .describe('node-exporter: host metrics (CPU, memory, filesystems, network) of every node');

export type NodeExporterValues = z.output<typeof nodeExporterValues>;

export interface NodeExporterProps extends ComponentProps {
  readonly values?: NonNullable<z.input<typeof nodeExporterValues>>;
}

/** The exporter's command line: every path flag where its host filesystem is mounted. */
export function nodeExporterArgs(): string[] {
  return [
    `--web.listen-address=${listenAddress(NODE_EXPORTER.port)}`,
    ...NODE_EXPORTER.hostPaths.map((p) => `${p.flag}=${p.mountPath}`),
    `--collector.filesystem.mount-points-exclude=${NODE_EXPORTER.mountPointsExclude}`,
    `--collector.filesystem.fs-types-exclude=${NODE_EXPORTER.fsTypesExclude}`,
  ];
}

export class NodeExporter extends ComponentConstruct<NodeExporterValues> {
  public readonly services: readonly ServiceEndpoint[];
  public readonly daemonSet: k8s.KubeDaemonSet;

  public constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id, props, { ...NODE_EXPORTER, job: JOBS.nodeExporter, targetKey: 'nodeExporter', hostNetwork: true }, parseSettings(nodeExporterValues, props.values));
    this.services = [this.endpoint];
    service(this, 'service', { name: NODE_EXPORTER.name, identity: this.identity, ports: [NODE_EXPORTER.port] });
    const exporter = container({
      name: NODE_EXPORTER.name,
      image: this.values.image,
      args: nodeExporterArgs(),
      ports: [NODE_EXPORTER.port],
      resources: this.values.resources,
      readinessProbe: httpProbe('/', NODE_EXPORTER.port.name),
      livenessProbe: httpProbe('/', NODE_EXPORTER.port.name, { periodSeconds: 20 }),
      volumeMounts: NODE_EXPORTER.hostPaths.map((p) => ({
        name: p.volume,
        mountPath: p.mountPath,
        readOnly: true,
        // Filesystems mounted on the host later (volumes of new pods) show up below /host/root.
        ...(p.volume === 'root' ? { mountPropagation: 'HostToContainer' } : {}),
      })),
    });
    const template = podTemplate({
      identity: this.identity,
      containers: [exporter],
      volumes: NODE_EXPORTER.hostPaths.map((p) => ({ name: p.volume, hostPath: { path: p.hostPath, type: 'Directory' } })),
      runAsUser: NODE_EXPORTER.uid,
      securityException:
        'node-exporter reports the node itself: host network (node network interfaces and addresses), host PID (host processes) and the host /proc, /sys and / mounted read-only',
    });
    this.daemonSet = new k8s.KubeDaemonSet(this, 'daemonset', {
      metadata: { name: NODE_EXPORTER.name },
      spec: {
        revisionHistoryLimit: 5,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        selector: { matchLabels: selectorLabels(this.identity) },
        template: {
          ...template,
          spec: {
            ...template.spec!,
            hostNetwork: true,
            hostPid: true,
            // On the host network the pod resolves through the cluster DNS all the same.
            dnsPolicy: 'ClusterFirstWithHostNet',
            // Every node, including tainted ones (control plane, dedicated pools).
            tolerations: [{ operator: 'Exists' }],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            priorityClassName: 'system-node-critical',
          },
        },
      },
    });
  }

  public override networkEdges(_g: GraphContext, _self: ComponentPeer): Edge[] {
    return [];
  }
}

export const nodeExporterComponent: ComponentDefinition<typeof nodeExporterValues, 'nodeExporter'> = {
  key: 'nodeExporter',
  values: nodeExporterValues,
  namespace: 'hostAgents',
  build(ctx) {
    const chart = ctx.chart(NODE_EXPORTER.name, ctx.identity(NODE_EXPORTER.name, NODE_EXPORTER.component, ctx.values.image.tag));
    return new NodeExporter(chart, 'node-exporter', { values: ctx.values, namespace: ctx.namespace, instance: ctx.stack.instance });
  },
};
