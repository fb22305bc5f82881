/**
 * Relabelling, typed once and written in both spellings: Prometheus' native
 * `relabel_configs` (snake_case) and the ServiceMonitor's `relabelings`
 * (camelCase).
 */

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

export interface Relabel {
  readonly sourceLabels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly targetLabel?: string;
  readonly replacement?: string;
  readonly modulus?: number;
  readonly action: RelabelAction;
}

/** A relabel config as prometheus.yml spells it. */
export interface NativeRelabel {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly modulus?: number;
  readonly action: RelabelAction;
}

export function toNative(r: Relabel): NativeRelabel {
  return {
    ...(r.sourceLabels ? { source_labels: [...r.sourceLabels] } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel ? { target_label: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.modulus !== undefined ? { modulus: r.modulus } : {}),
    action: r.action,
  };
}

/** Keeps targets whose `source` equals `value` exactly (relabel regexes are fully anchored). */
export function keepEqual(source: string, value: string): Relabel {
  return { sourceLabels: [source], regex: escapeRegex(value), action: 'keep' };
}

/** Copies a label: `target` = value of `source`. */
export function copyLabel(source: string, target: string): Relabel {
  return { sourceLabels: [source], targetLabel: target, action: 'replace' };
}

/** Sets `target` to a fixed value. */
export function setLabel(target: string, value: string): Relabel {
  return { targetLabel: target, replacement: value, action: 'replace' };
}

/** A literal as an RE2 regular expression. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * The name Kubernetes service discovery gives a Kubernetes label
 * (`app.kubernetes.io/name` becomes `app_kubernetes_io_name`).
 */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}
