import { describe, expect, it } from 'vitest';
import { CriticalError, TransientError } from '../../lib/core/errors.js';
import { readCursorPages, readOffsetPages, totpCode, type JsonGetter } from '../../lib/profiles/hooks/index.js';

/** A feed of `n` items, `size` a page, by cursor or offset; records the paths asked. */
function feed(n: number, size: number): { get: JsonGetter; asked: string[] } {
  const asked: string[] = [];
  const get: JsonGetter = async (path) => {
    asked.push(path);
    const url = new URL(path, 'http://x');
    const from = Number(url.searchParams.get('cursor') ?? url.searchParams.get('offset') ?? 0);
    const items = Array.from({ length: Math.max(0, Math.min(size, n - from)) }, (_, i) => ({ id: from + i }));
    return { items, next: from + size < n ? String(from + size) : null, total: n };
  };
  return { get, asked };
}
const items = (p: unknown) => (p as { items: Array<{ id: number }> }).items;

describe('readCursorPages', () => {
  it('follows the cursor to the last page and checks the total', async () => {
    const { get, asked } = feed(7, 3);
    const all = await readCursorPages(get, { path: '/api/v?limit=3', items, nextCursor: (p) => (p as { next: string | null }).next, total: (p) => (p as { total: number }).total });
    expect(all.map((i) => i.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(asked).toEqual(['/api/v?limit=3', '/api/v?limit=3&cursor=3', '/api/v?limit=3&cursor=6']);
  });

  it('a cursor seen twice (a feed that starts over) fails the attempt instead of looping', async () => {
    const get: JsonGetter = async () => ({ items: [{ id: 1 }], next: 'same' });
    await expect(readCursorPages(get, { path: '/f', items, nextCursor: (p) => (p as { next: string }).next })).rejects.toBeInstanceOf(TransientError);
  });

  it('a total that does not add up fails the attempt; a page of the wrong shape too', async () => {
    const { get } = feed(5, 2);
    await expect(readCursorPages(get, { path: '/f', items, nextCursor: (p) => (p as { next: string | null }).next, total: () => 6 })).rejects.toThrow(
      'the inventory feed says 6 vehicles but gave 5',
    );
    await expect(readCursorPages(async () => ({}), { path: '/f', items: () => undefined, nextCursor: () => null })).rejects.toThrow(/not in the expected shape/);
  });
});

describe('readOffsetPages', () => {
  it('reads pages until a short one', async () => {
    const { get, asked } = feed(5, 2);
    const all = await readOffsetPages(get, { path: '/f', limit: 2, items, total: (p) => (p as { total: number }).total });
    expect(all.map((i) => i.id)).toEqual([0, 1, 2, 3, 4]);
    expect(asked).toEqual(['/f?offset=0&limit=2', '/f?offset=2&limit=2', '/f?offset=4&limit=2']);
  });
});

describe('totpCode', () => {
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits), so 287082 with 6.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

  it('makes the RFC 6238 code for the credentials\' secret', async () => {
    expect(await totpCode({ username: 'u', password: 'p', totpSecret: rfcSecret }, 59_000)).toBe('287082');
    // Authenticator apps show secrets in groups and lowercase: both are accepted.
    expect(await totpCode({ username: 'u', password: 'p', totpSecret: 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq' }, 59_000)).toBe('287082');
  });

  it('no secret: one line that says what to set; a bad secret: one line that does not quote it', async () => {
    const missing = await totpCode({ username: 'u', password: 'p' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CriticalError);
    expect((missing as Error).message).toContain('set PORTAL_TOTP_SECRET');
    const bad = await totpCode({ username: 'u', password: 'p', totpSecret: 'SHORT-SECRET-1' }).catch((e: unknown) => e);
    expect((bad as CriticalError).reason).toBe('totp_invalid');
    expect((bad as Error).message).not.toContain('SHORT-SECRET-1');
  });
});
