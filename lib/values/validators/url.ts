/**
 * URLs and host:port addresses that land in ConfigMaps and command lines:
 * http(s) only, a host, a port in 1-65535, nothing a consumer would misread
 * (spaces, quotes, template braces), and no credential: no user:password@, no
 * secret-looking query or fragment parameter, and not one of the URL shapes
 * that are themselves secrets (Slack, Microsoft Teams and Discord webhooks).
 */
import { isIPv4, isIPv6 } from '../../network/ip';
import { quote } from './input';

/** Characters no URL of ours contains: a consumer would split, quote or template on them. */
const UNSAFE = /[\s"'<>\\^`{|}\u0000-\u001f\u007f]/;

/** Parameter names that hold a credential (`?token=`, `#access_token=`, `?code=`, ...). */
const SECRET_PARAMETER = /(token|key|secret|passw(or)?d|pwd|signature|^sig$|auth|^code$|credential|session)/i;

/** URL shapes whose path is the credential. */
const SECRET_URLS: readonly { readonly what: string; readonly test: (u: URL) => boolean }[] = [
  { what: 'a Slack webhook URL', test: (u) => u.hostname === 'hooks.slack.com' || (u.hostname.endsWith('slack.com') && /^\/(services|workflows|triggers)\//.test(u.pathname)) },
  {
    what: 'a Microsoft Teams webhook URL',
    test: (u) => /(^|\.)webhook\.office\.com$/.test(u.hostname) || (/(^|\.)office(365)?\.com$/.test(u.hostname) && /^\/webhook(b2)?\//.test(u.pathname)) || /logic\.azure\.com$/.test(u.hostname),
  },
  { what: 'a Discord webhook URL', test: (u) => /(^|\.)discord(app)?\.com$/.test(u.hostname) && /^\/api\/(v\d+\/)?webhooks\//.test(u.pathname) },
  { what: 'a Telegram bot URL', test: (u) => u.hostname === 'api.telegram.org' && /^\/bot/.test(u.pathname) },
];

export interface UrlOptions {
  /** Where a credential goes instead, for the message (e.g. "alertmanager.receivers.webhook.secret"). */
  readonly secretOption?: string;
}

/** What is wrong with an http(s) URL, or undefined. */
export function urlProblem(text: string, opts: UrlOptions = {}): string | undefined {
  const unsafe = UNSAFE.exec(text);
  if (unsafe) return `expected a URL without spaces, quotes, braces or control characters (${JSON.stringify(unsafe[0])} at ${unsafe.index})`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an http(s) URL such as https://host:8080/path`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http or https URL, got ${quote(url.protocol)}`;
  if (!url.hostname) return `expected a URL with a host`;
  if (url.port === '0') return `expected a port in 1-65535, got 0`;
  const instead = `store it in a Secret instead${opts.secretOption ? ` (${opts.secretOption})` : ''}: the URL is written in plain text into a ConfigMap`;
  if (url.username || url.password) return `must not contain user:password@; ${instead}`;
  for (const [where, params] of [
    ['query', url.searchParams],
    ['fragment', new URLSearchParams(url.hash.slice(1))],
  ] as const) {
    for (const name of params.keys()) {
      if (SECRET_PARAMETER.test(name)) return `must not carry a credential in its ${where} (${quote(name, 40)}); ${instead}`;
    }
  }
  const shape = SECRET_URLS.find((s) => s.test(url));
  if (shape) return `this is ${shape.what}, which is itself a credential; ${instead}`;
  return undefined;
}

/** `host:port` (an SMTP smarthost): a DNS name or IP address and a port in 1-65535. */
export function hostPortProblem(text: string): string | undefined {
  const m = /^(\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[4]) : 0;
  const host = m ? (m[2] ?? m[3]) : '';
  const hostOk = m !== null && (m[2] !== undefined ? isIPv6(host) : isIPv4(host) || isDnsName(host));
  if (!hostOk || port < 1 || port > 65535) return `expected host:port with a port in 1-65535, such as smtp.example.com:587`;
  return undefined;
}

/** A DNS name (letters, digits, - and ., labels of at most 63 characters). */
export function isDnsName(host: string): boolean {
  return host.length <= 253 && /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(host);
}
