/**
 * Strict validation of synthesized objects against the official Kubernetes
 * 1.36 OpenAPI definitions and the prometheus-operator CRD schemas (copied
 * into schemas/ from ../shared). Strict means an unknown field anywhere is an
 * error, as `kubectl apply --validate=strict` would say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import * as yaml from 'js-yaml';

type Schema = Record<string, unknown>;

const SCHEMAS = join(__dirname, '..', '..', 'schemas');
const K8S_PREFIX = 'k8s#/definitions/';

export class KubernetesValidator {
  private readonly ajv: Ajv;
  private readonly byGvk = new Map<string, ValidateFunction | string>();

  public constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
    const definitions = (JSON.parse(readFileSync(join(SCHEMAS, 'kubernetes-1.36-definitions.json'), 'utf8')) as {
      definitions: Record<string, Schema>;
    }).definitions;
    const strictDefs: Record<string, Schema> = {};
    for (const [name, def] of Object.entries(definitions)) strictDefs[name] = strictify(def, '#/definitions/');
    this.ajv.addSchema({ $id: 'k8s', definitions: strictDefs });
    for (const [name, def] of Object.entries(definitions)) {
      for (const gvk of (def['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
        this.byGvk.set(gvkKey(gvk.group, gvk.version, gvk.kind), `${K8S_PREFIX}${name}`);
      }
    }
    for (const file of ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml']) {
      this.addCrd(yaml.load(readFileSync(join(SCHEMAS, 'crds', file), 'utf8')) as Schema);
    }
  }

  /** Kinds this validator knows, as `group/version/Kind`. */
  public knows(apiVersion: string, kind: string): boolean {
    return this.byGvk.has(gvkOf(apiVersion, kind));
  }

  /** Errors of one object (empty when valid). An unknown kind is an error. */
  public validate(obj: { apiVersion?: unknown; kind?: unknown } & Record<string, unknown>): string[] {
    const key = gvkOf(String(obj.apiVersion), String(obj.kind));
    let validator = this.byGvk.get(key);
    if (validator === undefined) return [`unknown kind ${obj.apiVersion} ${obj.kind}`];
    if (typeof validator === 'string') {
      const compiled = this.ajv.getSchema(validator);
      if (!compiled) return [`schema ${validator} not found`];
      validator = compiled;
      this.byGvk.set(key, compiled);
    }
    if (validator(obj)) return [];
    return (validator.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (unknown field "${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
      return `${e.instancePath || '/'} ${e.message}${extra}`;
    });
  }

  private addCrd(crd: Schema): void {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
    for (const version of spec.versions) {
      const root = strictify(version.schema.openAPIV3Schema, '') as Schema & { properties: Record<string, Schema> };
      // CRD schemas leave metadata open; validate it as the ObjectMeta it is.
      root.properties.metadata = { $ref: `${K8S_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` };
      const id = `crd-${spec.group}-${version.name}-${spec.names.kind}`;
      this.ajv.addSchema({ ...root, $id: id });
      this.byGvk.set(gvkKey(spec.group, version.name, spec.names.kind), id);
    }
  }
}

/**
 * CRD patterns are Go (RE2) regular expressions; the one construct JavaScript
 * lacks in them is the leading case-insensitive flag `(?i)`.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)') ? new RegExp(pattern.replace(/\(\?i\)/g, ''), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function gvkOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? gvkKey('', apiVersion, kind) : gvkKey(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
}

/**
 * Closes every object schema that lists its properties (unknown fields become
 * errors), accepts integers where Kubernetes accepts int-or-string, and
 * rewrites local $refs to the shared definitions document.
 */
function strictify(node: unknown, refBase: string): Schema {
  if (Array.isArray(node)) return node.map((n) => strictify(n, refBase)) as unknown as Schema;
  if (typeof node !== 'object' || node === null) return node as Schema;
  const src = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === '$ref' && typeof v === 'string' && refBase) out[k] = v.replace('#/definitions/', K8S_PREFIX);
    else if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, strictify(pv, refBase)]));
    } else out[k] = typeof v === 'object' ? strictify(v, refBase) : v;
  }
  if (src.format === 'int-or-string' || src['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    delete out.format;
    delete out.anyOf;
    out.anyOf = [{ type: 'string' }, { type: 'integer' }];
  }
  const open = src['x-kubernetes-preserve-unknown-fields'] === true;
  if (src.properties && src.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}
