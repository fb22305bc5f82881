/** promtool cases of ./infrastructure.ts. */
import { M } from '../../catalog';
import { JOBS } from '../../catalog/jobs';
import { ALERTS } from '../names';
import { AlertCase, around, counter, fires, gauge, nudgeTwin, series } from '../testing';
import type { RulesValues } from '../values';

const NODE = { job: JOBS.nodeExporter, namespace: 'monitoring', instance: '10.0.1.5:9100', pod: 'node-exporter-abcde', node: 'node-a' } as const;
const NODE_AGGREGATED = { job: NODE.job, namespace: NODE.namespace, instance: NODE.instance } as const;

export function infrastructureCases(v: RulesValues): AlertCase[] {
  return [...hostCpu(v), ...hostDisk(v)];
}

/** Two CPUs, busy `percent` of the time (idle the rest); user time must not matter. */
function cpuSeconds(percent: number): AlertCase['input'] {
  const idlePerMinute = 60 * (1 - percent / 100);
  return ['0', '1'].flatMap((cpu) => [
    { series: series(M.node_cpu_seconds_total, { ...NODE, cpu, mode: 'idle' }), values: counter(idlePerMinute, 15) },
    { series: series(M.node_cpu_seconds_total, { ...NODE, cpu, mode: 'user' }), values: counter(60 - idlePerMinute, 15) },
  ]);
}

function hostCpu(v: RulesValues): AlertCase[] {
  const p = around(v.thresholds.hostCpuPercent, 0, 100);
  const alert = ALERTS.HostHighCpuUsage;
  return [
    { alert, title: `${p.above} % busy fires`, input: cpuSeconds(p.above), at: 12, expect: [fires('warning', NODE_AGGREGATED, p.above / 100)] },
    { alert, title: `${p.below} % busy stays silent`, input: cpuSeconds(p.below), at: 12, expect: [] },
  ];
}

const ROOT_FS = { ...NODE, device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/' } as const;

/** The root filesystem `percent` full, plus a full tmpfs that must be ignored. */
function filesystems(percent: number): AlertCase['input'] {
  const size = 100 * 1024 ** 3;
  const tmpfs = { ...NODE, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' };
  return [
    { series: series(M.node_filesystem_size_bytes, ROOT_FS), values: gauge(size, 10) },
    { series: series(M.node_filesystem_avail_bytes, ROOT_FS), values: gauge((size * (100 - percent)) / 100, 10) },
    { series: series(M.node_filesystem_size_bytes, tmpfs), values: gauge(1024, 10) },
    { series: series(M.node_filesystem_avail_bytes, tmpfs), values: gauge(0, 10) },
  ];
}

function hostDisk(v: RulesValues): AlertCase[] {
  const p = nudgeTwin(v.thresholds.disk);
  const alert = ALERTS.HostHighDiskUsage;
  return [
    {
      alert,
      title: `${p.aboveCritical} % used fires the critical and the warning twin`,
      input: filesystems(p.aboveCritical),
      at: 10,
      expect: [fires('warning', ROOT_FS, p.aboveCritical / 100), fires('critical', ROOT_FS, p.aboveCritical / 100)],
    },
    { alert, title: `${p.belowCritical} % used fires only the warning`, input: filesystems(p.belowCritical), at: 10, expect: [fires('warning', ROOT_FS, p.belowCritical / 100)] },
    { alert, title: `${p.belowWarning} % used (and a full tmpfs) stays silent`, input: filesystems(p.belowWarning), at: 10, expect: [] },
  ];
}
