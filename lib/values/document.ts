/**
 * A values.yaml documented from the schema: each key is preceded by the
 * description the schema declares for it, so the defaults and their meaning
 * are read in one place, as in a hand-written Helm values.yaml.
 */
import { toYaml } from '../synth/yaml';
import { isTree } from './load';

/** The part of a JSON schema the documentation reads. */
export type JsonSchema = { description?: string; properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[] } & Record<string, unknown>;

export function documentedValuesYaml(values: unknown, schema: JsonSchema, header: string): string {
  const lines = header.split('\n').map((l) => (l ? `# ${l}` : '#'));
  lines.push(...renderMap(values as Record<string, unknown>, schema, 0));
  return lines.join('\n') + '\n';
}

function renderMap(tree: Record<string, unknown>, schema: JsonSchema | undefined, depth: number): string[] {
  const indent = '  '.repeat(depth);
  const lines: string[] = [];
  for (const [key, value] of Object.entries(tree)) {
    const sub = propertySchema(schema, key);
    if (sub?.description) {
      if (depth === 0 && lines.length) lines.push('');
      lines.push(`${indent}# ${sub.description}`);
    }
    if (isTree(value) && Object.keys(value).length > 0) {
      lines.push(`${indent}${toYaml({ [key]: {} }).split(':')[0]}:`);
      lines.push(...renderMap(value, sub, depth + 1));
    } else {
      for (const l of toYaml({ [key]: value }).trimEnd().split('\n')) lines.push(`${indent}${l}`);
    }
  }
  // Optional keys without a default are listed commented out, so every key can be found here.
  for (const [key, sub] of Object.entries(allProperties(schema))) {
    if (key in tree) continue;
    if (sub.description) lines.push(`${indent}# ${sub.description}`);
    lines.push(`${indent}# ${key}: ${placeholder(sub)}`);
  }
  return lines;
}

function allProperties(schema: JsonSchema | undefined): Record<string, JsonSchema> {
  if (!schema) return {};
  return Object.assign({}, ...(schema.anyOf ?? []).map(allProperties), schema.properties ?? {});
}

function placeholder(schema: JsonSchema): string {
  const type = schema.type ?? schema.anyOf?.map((a) => a.type).find(Boolean);
  switch (type) {
    case 'object':
      return '{}';
    case 'array':
      return '[]';
    case 'boolean':
      return 'false';
    case 'integer':
    case 'number':
      return '0';
    default:
      return '""';
  }
}

function propertySchema(schema: JsonSchema | undefined, key: string): JsonSchema | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[key]) return schema.properties[key];
  for (const alt of schema.anyOf ?? []) {
    const found = propertySchema(alt, key);
    if (found) return found;
  }
  return undefined;
}
