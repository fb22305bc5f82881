/**
 * A promtool-checkable copy of a synthesized prometheus.yml and its rule files.
 * Debian's promtool is built without Kubernetes service discovery and refuses
 * `kubernetes_sd_configs`, so the copy swaps each such block for a static
 * target (the relabel rules stay and are checked); files named by `*_file`
 * settings (the ServiceAccount token) become dummy files in the temporary folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as yaml from 'js-yaml';
import { PROMETHEUS } from '../../lib/prometheus/constants';
import { tempDir } from './values';

export type Tree = Record<string, unknown>;

export interface Checkable {
  readonly dir: string;
  readonly configPath: string;
  readonly ruleFiles: readonly string[];
  /** How many service-discovery blocks were swapped for static targets. */
  readonly swapped: number;
}

/** Writes a promtool-checkable copy of the config and its rule files into a fresh temporary folder. */
export function checkableCopy(configYaml: string, rules: Record<string, string>, mutate: (config: Tree) => void = () => {}): Checkable {
  const dir = tempDir('prometheus-promtool-');
  const rulesDir = join(dir, 'rules');
  const filesDir = join(dir, 'files');
  mkdirSync(rulesDir);
  mkdirSync(filesDir);
  const config = yaml.load(configYaml) as Tree;
  let swapped = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Tree;
    if ('kubernetes_sd_configs' in obj) {
      delete obj.kubernetes_sd_configs;
      obj.static_configs = [{ targets: ['sd-placeholder.invalid:80'] }];
      swapped++;
    }
    for (const [key, value] of Object.entries(obj)) {
      if (key.endsWith('_file') && typeof value === 'string') {
        const dummy = join(filesDir, basename(value));
        writeFileSync(dummy, 'dummy\n');
        obj[key] = dummy;
      } else {
        walk(value);
      }
    }
  };
  walk(config);
  const patterns = config.rule_files as string[];
  config.rule_files = patterns.map((p) => {
    expect(p.startsWith(`${PROMETHEUS.rulesDir}/`)).toBe(true);
    return join(rulesDir, basename(p));
  });
  mutate(config);
  for (const [name, content] of Object.entries(rules)) writeFileSync(join(rulesDir, name), content);
  const configPath = join(dir, PROMETHEUS.configFile);
  writeFileSync(configPath, yaml.dump(config, { lineWidth: -1, noRefs: true }));
  return { dir, configPath, ruleFiles: Object.keys(rules).map((n) => join(rulesDir, n)), swapped };
}
