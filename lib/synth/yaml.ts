import * as yaml from 'js-yaml';

/** YAML as we write it: block style, no anchors, no line folding (stable diffs). */
export function toYaml(doc: unknown): string {
  return yaml.dump(doc, { noRefs: true, lineWidth: -1, quoteStyle: 'double' });
}

export function toYamlStream(docs: readonly unknown[]): string {
  return docs.map((d) => `---\n${toYaml(d)}`).join('');
}
