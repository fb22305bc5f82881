/**
 * `promtool check config` on the prometheus.yml of every environment, with the
 * real rule files of the prometheus-rules ConfigMap.
 *
 * Debian's promtool is built without Kubernetes service discovery and refuses
 * `kubernetes_sd_configs`, so the checked copy swaps each such block for a
 * static target (the relabel rules stay and are checked); the blocks
 * themselves are checked by our own typed check (prometheus-targets.test.ts).
 * promtool also requires files named by `*_file` settings (the ServiceAccount
 * token) to exist: they are replaced by empty files in the temporary folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as yaml from 'js-yaml';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { ENVIRONMENTS, envObjects, findObject } from './support/stack';
import { describeWithTool, run } from './support/tools';
import { tempDir } from './support/values';

type Tree = Record<string, unknown>;

interface Checkable {
  readonly dir: string;
  readonly configPath: string;
  readonly ruleFiles: readonly string[];
  /** How many service-discovery blocks were swapped for static targets. */
  readonly swapped: number;
}

/** Writes a promtool-checkable copy of the config and its rule files into a fresh temporary folder. */
function checkableCopy(configYaml: string, rules: Record<string, string>, mutate: (config: Tree) => void = () => {}): Checkable {
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

function renderedConfig(env: string): { configYaml: string; rules: Record<string, string> } {
  const objects = envObjects(env);
  const config = findObject(objects, 'ConfigMap', PROMETHEUS.configMap) as unknown as { data: Record<string, string> };
  const rules = findObject(objects, 'ConfigMap', PROMETHEUS.rulesConfigMap) as unknown as { data?: Record<string, string> };
  return { configYaml: config.data[PROMETHEUS.configFile], rules: rules.data ?? {} };
}

describeWithTool('promtool', 'promtool check config', (promtool) => {
  test.each([...ENVIRONMENTS])('%s: prometheus.yml and every rule file it loads are valid', (env) => {
    const { configYaml, rules } = renderedConfig(env);
    const copy = checkableCopy(configYaml, rules);
    expect(copy.swapped).toBeGreaterThan(0);
    const r = run(promtool, ['check', 'config', copy.configPath]);
    const output = r.stdout + r.stderr;
    expect([r.status, output]).toEqual([0, expect.stringContaining(`SUCCESS: ${copy.configPath} is valid prometheus config file syntax`)]);
    // promtool really read each rule file of the ConfigMap (and found rules in it).
    expect(copy.ruleFiles.length).toBeGreaterThan(0);
    for (const f of copy.ruleFiles) expect(output).toMatch(new RegExp(`Checking ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+SUCCESS: [1-9]\\d* rules found`));
  });

  // Controls: the same pipeline fails on a broken relabel rule or rule file, so the check above can fail.
  test('a broken relabel regex fails the check', () => {
    const { configYaml, rules } = renderedConfig('dev');
    const copy = checkableCopy(configYaml, rules, (config) => {
      const first = (config.scrape_configs as { relabel_configs: Tree[] }[])[0];
      first.relabel_configs.push({ source_labels: ['__address__'], regex: '(unclosed', action: 'keep' });
    });
    const r = run(promtool, ['check', 'config', copy.configPath]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('(unclosed');
  });

  test('a broken rule file fails the check', () => {
    const { configYaml, rules } = renderedConfig('dev');
    const copy = checkableCopy(configYaml, { ...rules, 'zz-broken.yaml': 'groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: rate(up[5m]\n' });
    const r = run(promtool, ['check', 'config', copy.configPath]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('zz-broken.yaml');
  });

  test('promtool checks that credential files exist (hence the dummy files)', () => {
    const { configYaml, rules } = renderedConfig('dev');
    const copy = checkableCopy(configYaml, rules, (config) => {
      const kubelet = (config.scrape_configs as Tree[]).find((s) => s.scheme === 'https') as { authorization: { credentials_file: string } };
      kubelet.authorization.credentials_file = join(tmpdir(), 'prometheus-promtool-nonexistent', 'missing-token');
    });
    const r = run(promtool, ['check', 'config', copy.configPath]);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('missing-token');
  });
});
