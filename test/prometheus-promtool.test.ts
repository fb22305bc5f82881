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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMETHEUS } from '../lib/prometheus/constants';
import { checkableCopy, Tree } from './support/promtool-config';
import { ENVIRONMENTS, envObjects, findObject } from './support/stack';
import { describeWithTool, run } from './support/tools';

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
