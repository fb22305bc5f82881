/**
 * IP address literals, as the API server reads them (Go's net.ParseIP): IPv4
 * as four decimal octets without leading zeros, IPv6 without a zone. The one
 * place the project tells an address from a name.
 *
 * Not node:net's isIP*: its IPv6 test accepts zones (`fe80::1%eth0`) that a
 * NetworkPolicy refuses, and its regular expression is so large that building
 * it was a visible part of every synth. IPv6 is checked by the URL parser
 * (WHATWG's IPv6 grammar) instead.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);

export function isIPv4(address: string): boolean {
  return IPV4.test(address);
}

export function isIPv6(address: string): boolean {
  return /^[\dA-Fa-f:.]+$/.test(address) && address.includes(':') && URL.canParse(`http://[${address}]/`);
}
