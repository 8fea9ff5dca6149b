/**
 * What a site sends (its invite, updates, scores; an operator's token) is readable on the
 * way over plain http. A browser refuses to run the site's cryptography on such a page
 * (WebCrypto needs a secure context), but a command-line site would send it all. So a
 * coordinator URL must be https, or http to this machine (loopback, where nothing is on
 * the wire); anything else is refused unless the caller says plainly that it accepts it
 * (`--insecure`, for a network it trusts), naming the fix: a TLS proxy in front.
 */
import { ProtocolError } from './protocolError.ts';

/** Whether `hostname` (a name, an IPv4 address or a bracketed IPv6 one) is this machine: loopback, or the unspecified address a server listens on. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h === '::' || h === '0.0.0.0' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Refuses (INSECURE_URL) an http URL to another machine unless `allowInsecure`; BAD_URL for one that is not http(s). */
export function checkTransport(url: string, allowInsecure: boolean, what: string, exposed = 'the invite, the updates and the scores'): void {
  // scheme and host by RFC 3986's syntax (core has no URL class): scheme "://" [userinfo "@"] host.
  // fetch reads a URL by WHATWG's rules, where "\" is "/" and spaces and controls are dropped:
  // a URL holding any of them could reach another host than the one read here, and is refused
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)/i.exec(url);
  if (!m || !m[2] || /[\\\s\x00-\x1f\x7f]/.test(url)) throw new ProtocolError(0, 'BAD_URL', `${what}: expected an http(s) URL of the coordinator, found "${url}"`);
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'https') return;
  if (scheme !== 'http') throw new ProtocolError(0, 'BAD_URL', `${what}: expected an http(s) URL of the coordinator, found the scheme "${scheme}:"`);
  if (isLoopback(m[2]) || allowInsecure) return;
  throw new ProtocolError(0, 'INSECURE_URL', `${what}: ${url} is plain http to another machine, where ${exposed} could be read on the way; use https (put a TLS proxy such as nginx or Caddy in front of the coordinator), or pass --insecure on a network you trust`);
}
