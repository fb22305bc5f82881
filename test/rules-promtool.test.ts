/**
 * The real promtool (2.42, Debian) on every rule file we emit, for every
 * environment: `promtool check rules`, and `promtool test rules` with the
 * cases of lib/rules/cases.ts (each alert fires just above its threshold after
 * its `for` and stays silent just below it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { alertCases } from '../lib/rules/cases';
import { EXAMPLE_USER_GROUP } from '../lib/rules/examples';
import { ADDITIONAL_RULES_FILE, ALERTS, nativeGroups, PROMETHEUS_RULE, ruleFiles, ruleGroups } from '../lib/rules';
import { applicableCases, promtoolTestFile } from '../lib/rules/testing';
import { expandTemplate } from '../lib/rules/template';
import { Values } from '../lib/values/schema';
import { ENVIRONMENTS, envObjects } from './support/stack';
import { describeWithTool, run, RunResult } from './support/tools';
import { errorOf, tempDir, valuesOf } from './support/values';

const TEAM_RULES = EXAMPLE_USER_GROUP;

/** Writes the rule files (and optionally a promtool test file) into a fresh temp dir. */
function writeRules(values: Values, testFile?: string): { dir: string; files: string[] } {
  const dir = tempDir('pynomaly-rules-');
  const files = ruleFiles(values);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  if (testFile !== undefined) writeFileSync(join(dir, 'tests.yaml'), testFile);
  return { dir, files: Object.keys(files) };
}

/**
 * Runs the cases of `caseValues` against the rules of `ruleValues` (the same,
 * unless a test wants a mismatch), optionally only those of some alerts.
 * promtool costs ~75 ms per case, so identical runs (environments whose rules
 * and cases do not differ) are run once.
 */
const runs = new Map<string, { result: RunResult; cases: number }>();
function promtoolTest(bin: string, ruleValues: Values, caseValues: Values = ruleValues, only?: readonly string[]) {
  const rules = ruleGroups(ruleValues).flatMap((g) => g.rules);
  const cases = applicableCases(alertCases(caseValues), rules).filter((c) => !only || only.includes(c.alert));
  const files = ruleFiles(ruleValues);
  const names = Object.keys(files).filter((f) => f !== ADDITIONAL_RULES_FILE);
  const testFile = promtoolTestFile(cases, rules, caseValues.rules, names);
  const key = JSON.stringify([files, testFile]);
  let done = runs.get(key);
  if (!done) {
    const { dir } = writeRules(ruleValues, testFile);
    done = { result: run(bin, ['test', 'rules', 'tests.yaml'], { cwd: dir }), cases: cases.length };
    runs.set(key, done);
  }
  return done;
}

const CUSTOM_THRESHOLDS = [
  'rules.thresholds.errorRate.warningPercent=5',
  'rules.thresholds.errorRate.criticalPercent=7',
  'rules.thresholds.latencyP95Seconds=1',
  'rules.thresholds.memory.warningPercent=60',
  'rules.thresholds.memory.criticalPercent=95',
  'rules.thresholds.trainingFailuresPerHour=0',
  'rules.thresholds.cacheHitRatePercent=75',
  'rules.thresholds.disk.warningPercent=70',
  'rules.thresholds.elasticsearchPendingTasks=3',
  'rules.thresholds.notificationFailurePercent=5',
];

describeWithTool('promtool', 'alert rules', (bin) => {
  describe.each(ENVIRONMENTS)('%s', (env) => {
    const values = valuesOf(env);

    test('promtool check rules accepts every rule file', () => {
      const { dir, files } = writeRules(values);
      expect(files.length).toBeGreaterThanOrEqual(5);
      const r = run(bin, ['check', 'rules', ...files], { cwd: dir });
      expect(r.stderr + r.stdout).not.toMatch(/FAILED/);
      expect(r.status).toBe(0);
      for (const f of files) expect(r.stdout).toContain(`Checking ${f}`);
    });

    test('promtool test rules: every alert fires just above its threshold and stays silent below it', () => {
      const { result, cases } = promtoolTest(bin, values);
      expect(cases).toBeGreaterThan(50);
      if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.stdout}\n${result.stderr}`);
      expect(result.stdout).toMatch(/SUCCESS/);
    });
  });

  test('cases follow configured thresholds (custom thresholds, still passing)', () => {
    const values = valuesOf('prod', [CUSTOM_THRESHOLDS.join(',')]);
    expect(ruleFiles(values)['pynomaly-application.yaml']).toContain('> 0.07');
    const { result } = promtoolTest(bin, values);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.stdout}\n${result.stderr}`);
  });

  test('the cases can fail: default cases against rules with other thresholds are refused', () => {
    const { result } = promtoolTest(bin, valuesOf('dev', [CUSTOM_THRESHOLDS.join(',')]), valuesOf('dev'), [ALERTS.PynomalyHighErrorRate]);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/PynomalyHighErrorRate/);
  });

  test('user rule groups (rules.additionalGroups) pass promtool check rules', () => {
    const values = valuesOf('dev', [], { rules: { additionalGroups: [TEAM_RULES] } });
    const { dir, files } = writeRules(values);
    expect(files).toContain(ADDITIONAL_RULES_FILE);
    const r = run(bin, ['check', 'rules', ADDITIONAL_RULES_FILE], { cwd: dir });
    expect(r.stdout).toContain('SUCCESS: 2 rules found');
    expect(r.status).toBe(0);
  });

  test('a broken user expression is refused at synth time, as promtool refuses it (the check is real)', () => {
    const broken = { name: 'broken', rules: [{ record: 'job:x:rate5m', expr: 'sum by (job (rate(x[5m]))' }] };
    expect(errorOf(() => valuesOf('dev', [], { rules: { additionalGroups: [broken] } }))).toMatch(/rules\.additionalGroups\.0\.rules\.0\.expr: not valid PromQL: syntax error/);
    const dir = tempDir('pynomaly-broken-');
    writeFileSync(join(dir, ADDITIONAL_RULES_FILE), yaml.dump({ groups: [broken] }));
    const r = run(bin, ['check', 'rules', ADDITIONAL_RULES_FILE], { cwd: dir });
    expect(r.stdout + r.stderr).toMatch(/parse error|unexpected/);
    expect(r.status).not.toBe(0);
  });

  test('our template renderer prints $value and $labels exactly as promtool does', () => {
    const template = 'p={{ $value | humanizePercentage }} h={{ $value | humanize }} d={{ $value | humanizeDuration }} b={{ $value | humanize1024 }} v={{ $value }} j={{ $labels.job }}';
    const values = [12345, 0.00012345, 2.5, 1000, 0.26, 1e-7, 123456789, 86400.5, 3725, 99999, 1.00005, 7 / 3, 0.1 + 0.2];
    const dir = tempDir('pynomaly-templates-');
    writeFileSync(join(dir, 'r.yaml'), yaml.dump({ groups: [{ name: 't', rules: [{ alert: 'T', expr: 'm', annotations: { d: template } }] }] }));
    const tests = values.map((v, i) => ({
      interval: '1m',
      input_series: [{ series: `m{job="j${i}"}`, values: String(v) }],
      alert_rule_test: [{ eval_time: '0m', alertname: 'T', exp_alerts: [{ exp_labels: { job: `j${i}` }, exp_annotations: { d: expandTemplate(template, { job: `j${i}` }, v) } }] }],
    }));
    writeFileSync(join(dir, 't.yaml'), yaml.dump({ rule_files: ['r.yaml'], tests }));
    const r = run(bin, ['test', 'rules', 't.yaml'], { cwd: dir });
    if (r.status !== 0) throw new Error(r.stdout + r.stderr);
  });

  test('the PrometheusRule carries the same groups, which promtool accepts', () => {
    const sets = ['rules.prometheusRule.enabled=true'];
    const objects = envObjects('prod', { sets, includeSubfolders: true });
    const rule = objects.find((o) => o.kind === 'PrometheusRule' && o.metadata.name === PROMETHEUS_RULE.name);
    expect(rule).toBeDefined();
    const groups = (rule as unknown as { spec: { groups: unknown[] } }).spec.groups;
    expect(groups).toEqual(JSON.parse(JSON.stringify(nativeGroups(valuesOf('prod', sets)))));
    const dir = tempDir('pynomaly-prometheusrule-');
    writeFileSync(join(dir, 'cr.yaml'), yaml.dump({ groups }));
    const r = run(bin, ['check', 'rules', 'cr.yaml'], { cwd: dir });
    expect(r.status).toBe(0);
  });
});
