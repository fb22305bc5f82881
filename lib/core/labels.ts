/**
 * The `app.kubernetes.io/*` label set, declared once. Every object carries the
 * full set; selectors use only the two labels that never change over an
 * object's life (name and instance), so a version bump never orphans pods.
 */
export const PART_OF = 'pynomaly-monitoring';
export const MANAGED_BY = 'cdk8s';

export interface AppIdentity {
  /** `app.kubernetes.io/name`: the application, e.g. `prometheus`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: the release, unique per namespace. */
  readonly instance: string;
  /** `app.kubernetes.io/component`: its role in the stack, e.g. `metrics`. */
  readonly component: string;
  /** `app.kubernetes.io/version`: the version of the application (its image tag). */
  readonly version: string;
}

export type Labels = Record<string, string>;

/** Labels a Service or workload selects on: stable for the object's life. */
export function selectorLabels(id: Pick<AppIdentity, 'name' | 'instance'>): Labels {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
  };
}

/** The full label set every object and pod template carries. */
export function commonLabels(id: AppIdentity): Labels {
  return {
    ...selectorLabels(id),
    'app.kubernetes.io/component': id.component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    // A label value allows at most 63 characters of [A-Za-z0-9_.-]; digests do not fit.
    'app.kubernetes.io/version': toLabelValue(id.version),
  };
}

/** Truncates and cleans a string so it is a valid label value. */
export function toLabelValue(raw: string): string {
  const cleaned = raw.replace(/@sha256:.*/, '').replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
