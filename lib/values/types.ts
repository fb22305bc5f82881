/**
 * Building blocks of the values schema. Every component's `values.ts` composes
 * these so that a duration, an image or a resource block is validated the same
 * way everywhere (one source of truth per kind of value).
 */
import * as z from 'zod';
import { isPrometheusDuration } from '../prometheus/duration';
import { dnsSubdomainProblem, imageRepositoryProblem, INT32_MAX, labelKeyProblem, positiveQuantityProblem, requestsWithinLimits } from './validators/kubernetes';
import { problemOf } from './validators/refine';
import { hostPortProblem } from './validators/url';

/** A Prometheus duration (`30d`, `1h30m`, `15s`), as Prometheus' own parser accepts it (in range, too). */
export function duration(defaultValue: string, description: string) {
  return z
    .string()
    .refine(isPrometheusDuration, {
      message: 'expected a Prometheus duration such as 30d, 12h or 90s',
    })
    .default(defaultValue)
    .describe(description);
}

/** A Kubernetes label key (`app.kubernetes.io/name`) and value. */
const LABEL_NAME = '([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)';
export const labelKey = z
  .string()
  .regex(new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${LABEL_NAME}$`), {
    message: 'expected a Kubernetes label key such as app.kubernetes.io/name',
  })
  .superRefine(problemOf(labelKeyProblem));
export const labelValue = z.string().regex(new RegExp(`^${LABEL_NAME}?$`), { message: 'expected a Kubernetes label value' });

/** A Kubernetes resource quantity (`500m`, `2Gi`, `1.5`). */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/;

export function quantity(description: string) {
  return z.string().regex(QUANTITY, { message: 'expected a Kubernetes quantity such as 500m, 256Mi or 2Gi' }).superRefine(problemOf(positiveQuantityProblem)).describe(description);
}

/** An optional `host:port` (an SMTP smarthost, a database): a DNS name or IP address and a port in 1-65535. */
export function hostPort(description: string) {
  return z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, { message: 'expected host:port' })
    .superRefine(problemOf(hostPortProblem))
    .optional()
    .describe(description);
}

/** A DNS-1123 label: namespaces, object names. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: 'expected a DNS-1123 label (lower case letters, digits and -, at most 63 characters)' });

export interface ResourceDefaults {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** Requests and limits for one container; every container has both (no BestEffort pods). */
export function resources(defaults: ResourceDefaults) {
  return z
    .strictObject({
      requests: z
        .strictObject({
          cpu: quantity('CPU request').default(defaults.requests.cpu),
          memory: quantity('Memory request').default(defaults.requests.memory),
        })
        .prefault({}),
      limits: z
        .strictObject({
          cpu: quantity('CPU limit; leave unset to avoid CFS throttling of latency-sensitive servers').optional(),
          memory: quantity('Memory limit').default(defaults.limits.memory),
        })
        .prefault(defaults.limits.cpu ? { cpu: defaults.limits.cpu } : {}),
    })
    .superRefine((r, ctx) => {
      for (const issue of requestsWithinLimits(r)) ctx.addIssue({ code: 'custom', path: ['requests', issue.resource], message: issue.message });
    })
    .prefault({})
    .describe('Container resources: requests and limits');
}

export interface ImageDefaults {
  readonly repository: string;
  readonly tag: string;
}

/** A container image pinned to a version: `latest` and empty tags are refused. */
export function image(defaults: ImageDefaults) {
  return z
    .strictObject({
      repository: z.string().min(1).superRefine(problemOf(imageRepositoryProblem)).default(defaults.repository).describe('Image repository'),
      tag: z
        .string()
        .regex(/^[\w][\w.-]{0,127}(@sha256:[a-f0-9]{64})?$/, { message: 'expected an image tag' })
        .refine((t) => t !== 'latest', { message: 'pin a version: "latest" is not reproducible' })
        .default(defaults.tag)
        .describe('Image tag, pinned (never latest)'),
    })
    .prefault({})
    .describe('Container image');
}

export function enabled(defaultValue: boolean, what: string) {
  return z.boolean().default(defaultValue).describe(`Deploy ${what}`);
}

function storageFields(size: string) {
  return {
    size: quantity('Size of each PersistentVolumeClaim').default(size),
    storageClassName: z
      .string()
      .superRefine(problemOf(dnsSubdomainProblem))
      .optional()
      .describe('StorageClass of the claims; unset uses the cluster default'),
  };
}

/** Persistent storage: the one type for every component's volumes. */
export function storage(defaults: { size: string }) {
  return z.strictObject(storageFields(defaults.size)).prefault({}).describe('Persistent storage');
}

/** Persistent storage that can be switched off (then an emptyDir), with the same fields. */
export function optionalStorage(defaults: { size: string; enabled: boolean; description: string }) {
  return z
    .strictObject({ enabled: z.boolean().default(defaults.enabled).describe(defaults.description), ...storageFields(defaults.size) })
    .prefault({})
    .describe('Persistent storage');
}

const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** A reference to one key of a user-provided Secret: every credential of every component is one. */
export interface SecretRef {
  /** Name of the Secret; unset where the credential is optional or has a fallback. */
  readonly name?: string;
  readonly key: string;
}

/**
 * A reference to one key of a user-provided Secret (we never create the
 * Secret), mounted as a file: the one type for every credential. The name has
 * a default only where the stack needs the Secret anyway (Grafana's admin).
 */
export function secretRef(what: string, defaults: { key: string; name?: string }) {
  const name = z.string().regex(SECRET_NAME, { message: 'expected the name of a Secret (DNS-1123 subdomain)' });
  return z
    .strictObject({
      name: (defaults.name === undefined ? name.optional() : name.default(defaults.name)).describe(
        `Name of the Secret (created by you, in the release namespace) holding ${what}`,
      ),
      key: z
        .string()
        .regex(SECRET_KEY, { message: 'expected a Secret key ([-._a-zA-Z0-9])' })
        .default(defaults.key)
        .describe('Key of that Secret'),
    })
    .prefault({})
    .describe(`Secret holding ${what}; mounted as a file, never copied into the config`);
}

export function replicas(defaultValue: number, description = 'Number of replicas') {
  return z.int().min(1, { message: 'expected an integer >= 1' }).max(INT32_MAX, { message: `expected an integer <= ${INT32_MAX}` }).default(defaultValue).describe(description);
}
