/**
 * What the Kubernetes API server accepts, beyond the shape its OpenAPI schema
 * describes: quantities (parsed, positive, requests within limits), int32
 * counts, DNS-1123 names, label keys and values, image references.
 */
import { quote } from './input';

/** Largest int32: replicas and other counts. */
export const INT32_MAX = 2147483647;

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
/** Kubernetes keeps quantities as int64 milli-units at most (about 9.2e15 units). */
const MAX_QUANTITY = 9.2e15;

/** The value of a Kubernetes quantity (`500m` = 0.5, `2Gi` = 2147483648), or undefined if it is not one. */
export function quantityValue(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const scale = m[3] ? BINARY[m[3]] : m[4] ? DECIMAL[m[4]] : m[5] !== undefined ? 10 ** Number(m[5]) : 1;
  return sign * Number(m[2]) * scale;
}

/** A positive quantity within what Kubernetes can hold. */
export function positiveQuantityProblem(text: string): string | undefined {
  const v = quantityValue(text);
  if (v === undefined) return undefined; // the pattern says so already
  if (!(v > 0)) return `expected a positive quantity`;
  if (v > MAX_QUANTITY || !Number.isFinite(v)) return 'quantity too large for Kubernetes';
  return undefined;
}

/** Requests within limits, per resource, as the API server demands. */
export function requestsWithinLimits(r: { requests: Record<string, string | undefined>; limits: Record<string, string | undefined> }): { resource: string; message: string }[] {
  const issues: { resource: string; message: string }[] = [];
  for (const [resource, request] of Object.entries(r.requests)) {
    const limit = r.limits[resource];
    if (request === undefined || limit === undefined) continue;
    const req = quantityValue(request);
    const lim = quantityValue(limit);
    if (req !== undefined && lim !== undefined && req > lim) {
      issues.push({ resource, message: `the ${resource} request ${quote(request)} is above the ${resource} limit ${quote(limit)}` });
    }
  }
  return issues;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 subdomain: StorageClass, Secret and most object names. */
export function dnsSubdomainProblem(text: string): string | undefined {
  if (text.length <= 253 && DNS1123_SUBDOMAIN.test(text)) return undefined;
  return `expected a DNS-1123 subdomain (lower case letters, digits, - and ., at most 253 characters)`;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A label (or annotation) key: `[prefix/]name`, the prefix a DNS subdomain of at most 253 characters. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (LABEL_NAME.test(name) && (prefix === undefined || dnsSubdomainProblem(prefix) === undefined)) return undefined;
  return `expected a Kubernetes label key such as app.kubernetes.io/name`;
}

/** A label value: empty, or at most 63 letters, digits, -, _ and . starting and ending alphanumeric. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || LABEL_NAME.test(value)) return undefined;
  return `expected a Kubernetes label value (at most 63 letters, digits, -, _ and .)`;
}

/**
 * An image repository as the container runtime parses it (distribution's
 * reference grammar): `[registry[:port]/]path`, path components in lower case.
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

export function imageRepositoryProblem(text: string): string | undefined {
  if (text.length <= 255 && REPOSITORY.test(text)) return undefined;
  return `expected an image repository such as quay.io/prometheus/prometheus (lower case path, no tag)`;
}

/**
 * An Ingress rule's host, as the API server takes it (a DNS-1123 subdomain, not
 * an IP address) and as a browser reaches it: a fully qualified name of at
 * least two labels, each at most 63 characters. Wildcards are refused: a UI is
 * one host, and the redirect URL of its login names it.
 */
export function ingressHostProblem(host: string): string | undefined {
  const example = 'such as grafana.example.com';
  if (/[:/]/.test(host)) return `expected a host name ${example}, without scheme, port or path`;
  if (host.startsWith('*')) return `expected one host name ${example}: a wildcard cannot be a UI's address`;
  if (/^[0-9.]+$/.test(host)) return `expected a host name ${example}: an Ingress host cannot be an IP address`;
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || labels.some((l) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(l))) {
    return `expected a DNS name ${example} (lower case letters, digits and -, labels of at most 63 characters, at least one dot)`;
  }
  return undefined;
}
