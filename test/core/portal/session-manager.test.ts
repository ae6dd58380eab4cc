import { describe, expect, it } from 'vitest';
import { LoginRejectedError } from '../../../lib/core/errors.js';
import { SessionManager } from '../../../lib/core/portal/session-manager.js';
import { cookie } from '../../helpers/factories.js';
import { MemorySessionStore } from '../../../lib/adapters/memory/index.js';

/** A login that takes a while, so that concurrent callers really overlap. */
function slowLogin(delayMs = 30) {
  let calls = 0;
  const login = async () => {
    calls += 1;
    await new Promise((r) => setTimeout(r, delayMs));
    return [cookie(`token-${calls}`)];
  };
  return { login, calls: () => calls };
}

describe('SessionManager', () => {
  it('logs in once for eight workers that all see the same expired session', async () => {
    const { login, calls } = slowLogin();
    const manager = new SessionManager({ store: new MemorySessionStore(), login });
    const first = await manager.current();
    expect(first.version).toBe(1);
    const refreshed = await Promise.all(Array.from({ length: 8 }, () => manager.refresh(first.version)));
    expect(calls()).toBe(2);
    expect(new Set(refreshed.map((s) => s.version))).toEqual(new Set([2]));
    expect(refreshed[0]!.cookies[0]!.value).toBe('token-2');
  });

  it('does not log in again for a caller whose stale version was already replaced', async () => {
    const { login, calls } = slowLogin(5);
    const manager = new SessionManager({ store: new MemorySessionStore(), login });
    await manager.current();
    await manager.refresh(1);
    const late = await manager.refresh(1);
    expect(late.version).toBe(2);
    expect(calls()).toBe(2);
  });

  it('is single-flight across managers sharing one store (two processes, one lock)', async () => {
    const store = new MemorySessionStore();
    const a = slowLogin(50);
    const b = slowLogin(50);
    const one = new SessionManager({ store, login: a.login, pollMs: 5 });
    const two = new SessionManager({ store, login: b.login, pollMs: 5 });
    const sessions = await Promise.all([one.refresh(0), two.refresh(0), one.refresh(0), two.refresh(0)]);
    expect(a.calls() + b.calls()).toBe(1);
    expect(new Set(sessions.map((s) => s.version))).toEqual(new Set([1]));
  });

  it('gives every waiter the login rejection and releases the lock', async () => {
    let calls = 0;
    const store = new MemorySessionStore();
    const manager = new SessionManager({
      store,
      login: async () => {
        calls += 1;
        throw new LoginRejectedError();
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => manager.refresh(0)));
    expect(calls).toBe(1);
    for (const r of results) expect(r.status === 'rejected' && r.reason).toBeInstanceOf(LoginRejectedError);
    expect(await store.tryLock('someone-else', 1000)).toBe(true);
  });
});
