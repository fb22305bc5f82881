/**
 * Regexes as Prometheus compiles them: Go's RE2 syntax (no lookaround, no
 * backreferences), fully anchored (`^(?s:<re>)$`). Checked with re2js, a
 * port of Go's regexp/syntax, so what passes here compiles in Prometheus.
 */
import { RE2JS } from 're2js';

export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    RE2JS.compile(`^(?s:${pattern})$`);
    return undefined;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    return `expected a Go (RE2) regular expression as Prometheus compiles it: ${reason.slice(0, 120)}`;
  }
}
