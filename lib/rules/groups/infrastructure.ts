/** Hosts, from node-exporter; and ServiceDown of the infrastructure jobs. */
import { M } from '../../catalog';
import { SERVICES } from '../jobs';
import type { AlertRule } from '../model';
import { ALERTS } from '../names';
import { by, notRe, rate, ratio, sel } from '../../catalog/promql';
import type { RulesValues } from '../values';
import { serviceDown } from './common';

/** Pseudo and read-only image filesystems, which are always "full". */
const IGNORED_FSTYPES = 'tmpfs|ramfs|devtmpfs|overlay|squashfs|nsfs|fuse.lxcfs|autofs';

export function infrastructureRules(v: RulesValues): AlertRule[] {
  return [hostCpu(v), ...hostDisk(v), serviceDown('infrastructure')];
}

function hostCpu(v: RulesValues): AlertRule {
  const idle = by('avg', ['namespace', 'job', 'instance'], rate(sel(M.node_cpu_seconds_total, { mode: 'idle' }), '5m'));
  const percent = v.thresholds.hostCpuPercent;
  return {
    name: ALERTS.HostHighCpuUsage,
    expr: `1 - ${idle}\n> ${ratio(percent)}`,
    for: '5m',
    severity: 'warning',
    category: 'infrastructure',
    service: SERVICES.node,
    threshold: `> ${percent} %`,
    summary: 'Node {{ $labels.instance }} CPU use is {{ $value | humanizePercentage }}',
    description: `The CPUs of node {{ $labels.instance }} were busy {{ $value | humanizePercentage }} of the time over 5 minutes (above ${percent} %) for 5 minutes.`,
  };
}

function hostDisk(v: RulesValues): AlertRule[] {
  const fs = { fstype: notRe(IGNORED_FSTYPES) };
  const used = `1 - ${sel(M.node_filesystem_avail_bytes, fs)} / ${sel(M.node_filesystem_size_bytes, fs)}`;
  const t = v.thresholds.disk;
  const rule = (severity: 'warning' | 'critical', percent: number): AlertRule => ({
    name: ALERTS.HostHighDiskUsage,
    expr: `${used}\n> ${ratio(percent)}`,
    for: '5m',
    severity,
    category: 'infrastructure',
    service: SERVICES.node,
    threshold: `> ${percent} % used`,
    summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full',
    description: `Filesystem {{ $labels.device }} mounted at {{ $labels.mountpoint }} on node {{ $labels.instance }} is {{ $value | humanizePercentage }} full (${severity} above ${percent} %).`,
  });
  return [rule('warning', t.warningPercent), rule('critical', t.criticalPercent)];
}
