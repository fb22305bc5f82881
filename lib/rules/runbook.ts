/**
 * The runbook page every `runbook_url` points into (`<base>#<alertname in
 * lower case>`): one section per alert, whose heading GitHub turns into that
 * anchor. Generated from the same definitions as the rules, so it never lists
 * an alert that does not exist or misses one that does.
 */
import type { Values } from '../values/schema';
import { ruleGroups } from '.';
import type { AlertRule } from './model';

export function runbookMarkdown(values: Values): string {
  const byName = new Map<string, AlertRule[]>();
  for (const r of ruleGroups(values).flatMap((g) => g.rules)) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const lines = ['# Pynomaly alert runbooks', '', 'Generated from lib/rules: one section per alert; `runbook_url` links here.', ''];
  for (const [name, rules] of byName) {
    lines.push(`## ${name}`, '', rules[0].summary.replace(/\{\{[^}]*\}\}/g, '…'), '');
    lines.push('| severity | category | for | threshold |', '|---|---|---|---|');
    for (const r of rules) lines.push(`| ${r.severity} | ${r.category} | ${r.for ?? '-'} | ${r.threshold} |`);
    lines.push('', rules[0].description.replace(/\{\{[^}]*\}\}/g, '…'), '', '```promql', rules[rules.length - 1].expr, '```', '');
  }
  return lines.join('\n');
}

/** GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped. */
export function githubAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}
