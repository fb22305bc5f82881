/**
 * Our own check of `kubernetes_sd_configs` and the relabelling that depends on
 * them. promtool (as packaged by Debian) is built without Kubernetes service
 * discovery and refuses these blocks, so the tests run promtool on a copy with
 * static targets instead; this module checks what that copy leaves out:
 * the role, the namespaces (never cluster-wide: our RBAC is namespaced), and
 * that every `__meta_kubernetes_*` label a relabel rule reads exists for the
 * role (a typo such as `__meta_kubernetes_endpoint_port_name` under role
 * endpointslice silently drops every target).
 */
import { RELABEL_ACTIONS, NativeRelabel } from './relabel';

export const SD_ROLES = ['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress'] as const;
export type SdRole = (typeof SD_ROLES)[number];

export interface KubernetesSdConfig {
  readonly role: SdRole;
  /** Required for every role but node: discovery is never cluster-wide. */
  readonly namespaces?: { readonly names: readonly string[] };
}

/** Roles whose objects live in namespaces (all but node). */
export function isNamespacedRole(role: SdRole): boolean {
  return role !== 'node';
}

/** Meta labels per role (Prometheus documentation, kubernetes_sd_config), exact names and `<prefix><name>` families. */
interface MetaLabels {
  readonly exact: readonly string[];
  readonly prefixes: readonly string[];
}

const K = '__meta_kubernetes_';

function objectLabels(kind: string): string[] {
  return [`${K}${kind}_label_`, `${K}${kind}_labelpresent_`, `${K}${kind}_annotation_`, `${K}${kind}_annotationpresent_`];
}

const NODE: MetaLabels = {
  exact: [`${K}node_name`, `${K}node_provider_id`],
  prefixes: [...objectLabels('node'), `${K}node_address_`],
};

const SERVICE: MetaLabels = {
  exact: [
    `${K}namespace`,
    `${K}service_name`,
    `${K}service_cluster_ip`,
    `${K}service_loadbalancer_ip`,
    `${K}service_external_name`,
    `${K}service_port_name`,
    `${K}service_port_number`,
    `${K}service_port_protocol`,
    `${K}service_type`,
  ],
  prefixes: objectLabels('service'),
};

const POD: MetaLabels = {
  exact: [
    `${K}namespace`,
    `${K}pod_name`,
    `${K}pod_ip`,
    `${K}pod_container_init`,
    `${K}pod_container_name`,
    `${K}pod_container_id`,
    `${K}pod_container_image`,
    `${K}pod_container_port_name`,
    `${K}pod_container_port_number`,
    `${K}pod_container_port_protocol`,
    `${K}pod_ready`,
    `${K}pod_phase`,
    `${K}pod_node_name`,
    `${K}pod_host_ip`,
    `${K}pod_uid`,
    `${K}pod_controller_kind`,
    `${K}pod_controller_name`,
  ],
  prefixes: objectLabels('pod'),
};

/** Endpoint roles also carry the labels of the Service and, for pod-backed endpoints, of the pod. */
function withServiceAndPod(own: MetaLabels): MetaLabels {
  return {
    exact: [...own.exact, ...SERVICE.exact.filter((l) => !l.startsWith(`${K}service_port_`)), ...POD.exact],
    prefixes: [...own.prefixes, ...SERVICE.prefixes, ...POD.prefixes],
  };
}

const ENDPOINTS = withServiceAndPod({
  exact: [
    `${K}namespace`,
    `${K}endpoints_name`,
    `${K}endpoint_hostname`,
    `${K}endpoint_node_name`,
    `${K}endpoint_ready`,
    `${K}endpoint_port_name`,
    `${K}endpoint_port_protocol`,
    `${K}endpoint_address_target_kind`,
    `${K}endpoint_address_target_name`,
  ],
  prefixes: objectLabels('endpoints'),
});

const ENDPOINTSLICE = withServiceAndPod({
  exact: [
    `${K}namespace`,
    `${K}endpointslice_name`,
    `${K}endpointslice_address_target_kind`,
    `${K}endpointslice_address_target_name`,
    `${K}endpointslice_address_type`,
    `${K}endpointslice_endpoint_conditions_ready`,
    `${K}endpointslice_endpoint_conditions_serving`,
    `${K}endpointslice_endpoint_conditions_terminating`,
    `${K}endpointslice_endpoint_hostname`,
    `${K}endpointslice_endpoint_node_name`,
    `${K}endpointslice_endpoint_zone`,
    `${K}endpointslice_port`,
    `${K}endpointslice_port_name`,
    `${K}endpointslice_port_protocol`,
    `${K}endpointslice_port_app_protocol`,
  ],
  prefixes: [...objectLabels('endpointslice'), `${K}endpointslice_endpoint_topology_`],
});

const INGRESS: MetaLabels = {
  exact: [`${K}namespace`, `${K}ingress_name`, `${K}ingress_class_name`, `${K}ingress_scheme`, `${K}ingress_path`, `${K}ingress_host`],
  prefixes: objectLabels('ingress'),
};

const META_LABELS: Record<SdRole, MetaLabels> = {
  node: NODE,
  service: SERVICE,
  pod: POD,
  endpoints: ENDPOINTS,
  endpointslice: ENDPOINTSLICE,
  ingress: INGRESS,
};

/** Whether role `role` gives targets the meta label `name`. */
export function hasMetaLabel(role: SdRole, name: string): boolean {
  const m = META_LABELS[role];
  return m.exact.includes(name) || m.prefixes.some((p) => name.startsWith(p) && name.length > p.length);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What a scrape config or alertmanager config with Kubernetes service discovery holds, for the check. */
export interface SdBlockOwner {
  readonly job_name?: string;
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly relabel_configs?: readonly NativeRelabel[];
}

/**
 * Problems of one config that uses Kubernetes service discovery (empty when
 * valid). `where` names it in messages.
 */
export function checkKubernetesSd(owner: SdBlockOwner, where: string): string[] {
  const errors: string[] = [];
  const sds = owner.kubernetes_sd_configs ?? [];
  if (sds.length === 0) return [`${where}: no kubernetes_sd_configs`];
  for (const [i, sd] of sds.entries()) {
    const at = `${where}: kubernetes_sd_configs[${i}]`;
    const unknownKeys = Object.keys(sd).filter((k) => k !== 'role' && k !== 'namespaces');
    if (unknownKeys.length) errors.push(`${at}: unexpected keys ${unknownKeys.join(', ')}`);
    if (!(SD_ROLES as readonly string[]).includes(sd.role)) {
      errors.push(`${at}: unknown role ${JSON.stringify(sd.role)} (expected one of ${SD_ROLES.join(', ')})`);
      continue;
    }
    if (isNamespacedRole(sd.role)) {
      const names = sd.namespaces?.names ?? [];
      if (names.length === 0) errors.push(`${at}: role ${sd.role} without namespaces would discover cluster-wide`);
      for (const n of names) if (!DNS_LABEL.test(n)) errors.push(`${at}: namespace ${JSON.stringify(n)} is not a DNS label`);
      if (new Set(names).size !== names.length) errors.push(`${at}: duplicate namespaces`);
    } else if (sd.namespaces) {
      errors.push(`${at}: role ${sd.role} is cluster-scoped and takes no namespaces`);
    }
  }
  const roles = sds.map((sd) => sd.role).filter((r) => (SD_ROLES as readonly string[]).includes(r));
  for (const [i, r] of (owner.relabel_configs ?? []).entries()) {
    errors.push(...checkRelabel(r, roles, `${where}: relabel_configs[${i}]`));
  }
  return errors;
}

/** One relabel rule: action, regex, label names, and meta labels that exist for the roles. */
export function checkRelabel(r: NativeRelabel, roles: readonly SdRole[], at: string): string[] {
  const errors: string[] = [];
  if (!(RELABEL_ACTIONS as readonly string[]).includes(r.action)) errors.push(`${at}: unknown action ${JSON.stringify(r.action)}`);
  if (r.regex !== undefined) {
    const problem = regexProblem(r.regex);
    if (problem) errors.push(`${at}: regex ${JSON.stringify(r.regex)}: ${problem}`);
  }
  for (const l of r.source_labels ?? []) {
    if (!LABEL_NAME.test(l)) errors.push(`${at}: invalid source label ${JSON.stringify(l)}`);
    if (l.startsWith('__meta_') && !roles.some((role) => hasMetaLabel(role, l))) {
      errors.push(`${at}: ${l} does not exist for role ${roles.join('/')}`);
    }
  }
  const needsSource = ['keep', 'drop', 'hashmod', 'keepequal', 'dropequal', 'lowercase', 'uppercase'].includes(r.action);
  if (needsSource && !(r.source_labels ?? []).length) errors.push(`${at}: action ${r.action} needs source_labels`);
  const needsTarget = ['replace', 'hashmod', 'keepequal', 'dropequal', 'lowercase', 'uppercase'].includes(r.action);
  if (needsTarget && !r.target_label) errors.push(`${at}: action ${r.action} needs target_label`);
  if (r.target_label !== undefined && r.action !== 'replace' && !LABEL_NAME.test(r.target_label)) {
    errors.push(`${at}: invalid target label ${JSON.stringify(r.target_label)}`);
  }
  if (r.action === 'replace' && r.target_label !== undefined && !/^[a-zA-Z_$][a-zA-Z0-9_${}]*$/.test(r.target_label)) {
    errors.push(`${at}: invalid target label ${JSON.stringify(r.target_label)}`);
  }
  return errors;
}

/**
 * Why a relabel regex would not load in Prometheus (RE2, fully anchored), or
 * undefined. JavaScript's engine accepts more than RE2: lookaround and
 * backreferences are refused explicitly.
 */
export function regexProblem(re: string): string | undefined {
  if (/\(\?[=!]|\(\?<[=!]/.test(re)) return 'lookaround is not supported by RE2';
  if (/\\[1-9]/.test(re)) return 'backreferences are not supported by RE2';
  try {
    new RegExp(`^(?:${re})$`, 'u');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
