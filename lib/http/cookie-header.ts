import type { SessionCookie } from '../core/types.js';

/**
 * The `Cookie` header a browser would send to `url` from a Playwright-shaped cookie jar
 * (RFC 6265 section 5.4): domain match (`.example.com` covers subdomains, a host-only cookie
 * its own host only), path match, `Secure` cookies over https only, expired ones dropped,
 * longer paths first. Undefined when no cookie applies. SameSite is not applied: these requests
 * are the user's own top-level downloads, never cross-site.
 */
export function cookieHeader(url: URL, cookies: readonly SessionCookie[], nowMs = Date.now()): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const path = url.pathname || '/';
  const secure = url.protocol === 'https:';
  const sent = cookies
    .filter(
      (c) =>
        (secure || !c.secure) &&
        !(c.expires > 0 && c.expires * 1000 <= nowMs) &&
        domainMatches(host, c.domain) &&
        pathMatches(path, c.path || '/'),
    )
    // Array.prototype.sort is stable: equal paths keep the jar's order (creation order).
    .sort((a, b) => (b.path || '/').length - (a.path || '/').length);
  return sent.length ? sent.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
}

/** `.example.com` matches example.com and its subdomains; `example.com` (host-only) only itself. */
export function domainMatches(host: string, cookieDomain: string): boolean {
  const domain = cookieDomain.replace(/^\[|\]$/g, '').toLowerCase();
  if (!domain.startsWith('.')) return host === domain;
  const bare = domain.slice(1);
  return host === bare || host.endsWith(domain);
}

/** RFC 6265 5.1.4: the cookie path is the request path or a `/`-bounded prefix of it. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
