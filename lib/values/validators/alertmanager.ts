/**
 * Alertmanager's own rules for values we put into its config: receiver fields
 * it expands as Go templates (a literal `{{` there breaks every notification
 * at send time, which amtool does not see), email addresses, and the ranges of
 * time intervals (timeinterval.go: ranges run forwards; a negative start day
 * needs a negative end day).
 */

/** A receiver field Alertmanager expands as a template: plain text only, no template action. */
export function templateTextProblem(text: string): string | undefined {
  if (text.includes('{{')) return `must not contain "{{": Alertmanager expands this field as a Go template and would drop the notification`;
  if (/[\u0000-\u001f\u007f]/.test(text)) return `must not contain control characters (line breaks, tabs)`;
  return undefined;
}

const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
/** `Display Name <user@example.com>`. */
const NAMED_ADDRESS = /^[^<>"@,]*<([^<>]+)>$/;

/** One email address, bare or with a display name, as Go's net/mail parses it (simplified, stricter). */
export function emailAddressProblem(text: string): string | undefined {
  const template = templateTextProblem(text);
  if (template) return template;
  const inner = NAMED_ADDRESS.exec(text.trim())?.[1] ?? text.trim();
  return ADDRESS.test(inner) ? undefined : `expected an email address such as alerts@example.com`;
}

/** Comma-separated email addresses. */
export function emailListProblem(text: string): string | undefined {
  for (const part of text.split(',')) {
    const problem = emailAddressProblem(part);
    if (problem) return problem;
  }
  return undefined;
}

/** A Slack channel (`#alerts`), user (`@someone`) or channel id: no spaces or template braces. */
export function slackChannelProblem(text: string): string | undefined {
  return templateTextProblem(text) ?? (/^[#@]?[^\s#@"\\]{1,80}$/u.test(text) ? undefined : `expected a Slack channel such as #alerts (at most 80 characters, no spaces)`);
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function bounds(range: string, value: (s: string) => number): [number, number] {
  const [begin, end = begin] = range.split(/:(?=[^:]*$)/);
  return [value(begin), value(end)];
}

export function weekdayRangeProblem(range: string): string | undefined {
  const [b, e] = bounds(range, (s) => WEEKDAYS.indexOf(s));
  return b > e ? `the start day must not be after the end day (Alertmanager's weeks run sunday to saturday)` : undefined;
}

export function monthRangeProblem(range: string): string | undefined {
  const [b, e] = bounds(range, (s) => (/^\d+$/.test(s) ? Number(s) : MONTHS.indexOf(s) + 1));
  return b > e ? `the start month must not be after the end month` : undefined;
}

export function yearRangeProblem(range: string): string | undefined {
  const [b, e] = bounds(range, Number);
  return b > e ? `the start year must not be after the end year` : undefined;
}

export function dayOfMonthRangeProblem(range: string): string | undefined {
  const m = /^(-?\d+)(?::(-?\d+))?$/.exec(range);
  if (!m) return undefined;
  const begin = Number(m[1]);
  const end = Number(m[2] ?? m[1]);
  if (begin < 0 && end > 0) return `the end day must be negative when the start day is`;
  // Alertmanager compares negative days as 30 + day.
  if ((begin < 0 ? 30 + begin : begin) > (end < 0 ? 30 + end : end)) return `the start day must not be after the end day`;
  return undefined;
}
