import { describe, expect, it } from 'vitest';
import { cookieHeader, domainMatches, pathMatches } from '../../lib/http/cookie-header.js';
import { sessionCookie as cookie } from '../helpers/factories.js';

const NOW = Date.parse('2026-01-05T10:00:00Z');

describe('cookieHeader: the cookies a browser would send to a URL', () => {
  it('sends the session cookies of the portal host as name=value pairs', () => {
    const jar = [cookie('dv_session', 'abc123'), cookie('dv_csrf', 'tok')];
    expect(cookieHeader(new URL('http://127.0.0.1:4010/vehicles/1/report.pdf'), jar, NOW)).toBe('dv_session=abc123; dv_csrf=tok');
  });

  it('is undefined when no cookie applies', () => {
    expect(cookieHeader(new URL('http://127.0.0.1/x'), [], NOW)).toBeUndefined();
    expect(cookieHeader(new URL('http://other.example/x'), [cookie('a', '1')], NOW)).toBeUndefined();
  });

  it('keeps a host-only cookie to its host, a domain cookie to the domain and its subdomains', () => {
    const jar = [cookie('host', '1', { domain: 'portal.example.com' }), cookie('dom', '2', { domain: '.example.com' })];
    expect(cookieHeader(new URL('https://portal.example.com/a'), jar, NOW)).toBe('host=1; dom=2');
    expect(cookieHeader(new URL('https://files.example.com/a'), jar, NOW)).toBe('dom=2');
    expect(cookieHeader(new URL('https://example.com/a'), jar, NOW)).toBe('dom=2');
    expect(cookieHeader(new URL('https://notexample.com/a'), jar, NOW)).toBeUndefined();
    expect(cookieHeader(new URL('https://sub.portal.example.com/a'), jar, NOW)).toBe('dom=2');
  });

  it('matches hosts case-insensitively and IPv6 hosts without brackets', () => {
    expect(cookieHeader(new URL('http://PORTAL.Example.com/'), [cookie('a', '1', { domain: 'portal.example.COM' })], NOW)).toBe('a=1');
    expect(cookieHeader(new URL('http://[::1]:4010/'), [cookie('a', '1', { domain: '::1' })], NOW)).toBe('a=1');
  });

  it('sends a cookie only under its path, longer paths first', () => {
    const jar = [cookie('root', 'r'), cookie('veh', 'v', { path: '/vehicles' }), cookie('inv', 'i', { path: '/inventory/' })];
    expect(cookieHeader(new URL('http://127.0.0.1/vehicles/7/report.pdf'), jar, NOW)).toBe('veh=v; root=r');
    expect(cookieHeader(new URL('http://127.0.0.1/vehicles'), jar, NOW)).toBe('veh=v; root=r');
    expect(cookieHeader(new URL('http://127.0.0.1/vehiclesX/7'), jar, NOW)).toBe('root=r');
    expect(cookieHeader(new URL('http://127.0.0.1/inventory/export.csv'), jar, NOW)).toBe('inv=i; root=r');
  });

  it('never sends a Secure cookie over plain http', () => {
    const jar = [cookie('s', 'secret', { secure: true, domain: 'portal.example.com' }), cookie('p', 'plain', { domain: 'portal.example.com' })];
    expect(cookieHeader(new URL('http://portal.example.com/a'), jar, NOW)).toBe('p=plain');
    expect(cookieHeader(new URL('https://portal.example.com/a'), jar, NOW)).toBe('s=secret; p=plain');
  });

  it('drops expired cookies and keeps session cookies (expires -1)', () => {
    const jar = [
      cookie('old', '1', { expires: NOW / 1000 - 1 }),
      cookie('live', '2', { expires: NOW / 1000 + 3600 }),
      cookie('session', '3', { expires: -1 }),
    ];
    expect(cookieHeader(new URL('http://127.0.0.1/'), jar, NOW)).toBe('live=2; session=3');
  });
});

describe('domainMatches / pathMatches (RFC 6265 5.1.3, 5.1.4)', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['a.example.com', '.example.com', true],
    ['example.com', '.example.com', true],
    ['badexample.com', '.example.com', false],
    ['a.example.com', 'example.com', false],
  ])('host %s, cookie domain %s: %s', (host, domain, expected) => {
    expect(domainMatches(host, domain)).toBe(expected);
  });

  it.each([
    ['/', '/', true],
    ['/a/b', '/', true],
    ['/a/b', '/a', true],
    ['/a/b', '/a/', true],
    ['/ab', '/a', false],
    ['/a', '/a/b', false],
  ])('request path %s, cookie path %s: %s', (requestPath, cookiePath, expected) => {
    expect(pathMatches(requestPath, cookiePath)).toBe(expected);
  });
});
