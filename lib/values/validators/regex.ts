/**
 * Regexes as Prometheus compiles them: Go's RE2 syntax (no lookaround, no
 * backreferences), fully anchored (`^(?s:<re>)$`). Checked with re2js, a
 * port of RE2, so what passes here compiles in Prometheus.
 */
import { RE2JS } from 're2js';
import { remembered } from './remembered';

export const re2Problem = remembered(function re2Problem(pattern: string): string | undefined {
  try {
    compile(pattern);
    compile(`^(?s:${pattern})$`);
    return undefined;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    return `expected a Go (RE2) regular expression as Prometheus compiles it: ${reason.slice(0, 120)}`;
  }
});

function compile(pattern: string): void {
  try {
    RE2JS.compile(pattern);
  } catch (e) {
    // Go, unlike RE2, allows two groups of one name, as in (?P<n>a)(?P<n>b).
    if (!/duplicate capture group name/.test((e as Error).message)) throw e;
    RE2JS.compile(pattern.replace(/\(\?P?<[A-Za-z0-9_]+>/g, '('));
  }
}
