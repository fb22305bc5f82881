/**
 * Secure-by-default pod and container settings, in one place. A component that
 * must relax one of them says which and why (`relax`), and the reason ends up
 * in an annotation on the pod so reviewers see it in the YAML diff.
 */
import { k8s } from './k8s';

/** Settings a container may relax; each needs a stated reason. */
export interface SecurityRelaxation {
  /** The container writes to its root filesystem (e.g. an image that unpacks plugins at start). */
  readonly writableRootFilesystem?: boolean;
  /** The container must run as root (e.g. it binds a privileged port or owns host files). */
  readonly runAsRoot?: boolean;
  /** Capabilities the container keeps beyond none (e.g. `SYS_TIME`). */
  readonly addCapabilities?: readonly string[];
  /** Why: required whenever anything above is set. */
  readonly reason: string;
}

/** The annotation that records why a pod's containers relax the defaults. */
export const SECURITY_EXCEPTION_ANNOTATION = 'security.pynomaly.io/exception';

/** Container securityContext: non-root, no escalation, no capabilities, seccomp, read-only root. */
export function containerSecurityContext(relax?: SecurityRelaxation): k8s.SecurityContext {
  if (relax && !relax.reason.trim()) {
    throw new Error('a security relaxation needs a reason');
  }
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: !relax?.writableRootFilesystem,
    runAsNonRoot: !relax?.runAsRoot,
    capabilities: {
      drop: ['ALL'],
      ...(relax?.addCapabilities?.length ? { add: [...relax.addCapabilities] } : {}),
    },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface PodSecurityOptions {
  /** UID the containers run as. The images we deploy each have their own non-root user. */
  readonly runAsUser: number;
  /** GID; also the group that owns mounted volumes (fsGroup). @default runAsUser */
  readonly runAsGroup?: number;
}

/** Pod securityContext matching the restricted Pod Security Standard. */
export function podSecurityContext(opts: PodSecurityOptions): k8s.PodSecurityContext {
  const gid = opts.runAsGroup ?? opts.runAsUser;
  return {
    runAsNonRoot: true,
    runAsUser: opts.runAsUser,
    runAsGroup: gid,
    fsGroup: gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
