import { describe, expect, it } from 'vitest';
import { CriticalError, LoginRejectedError } from '../../../lib/core/errors.js';
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

describe('SessionManager: the login storm guard', () => {
  it('refuses the login after maxFruitlessLogins sessions in a row served no document', async () => {
    const { login, calls } = slowLogin(1);
    const manager = new SessionManager({ store: new MemorySessionStore(), login, maxFruitlessLogins: 3 });
    let session = await manager.current();
    // Every new session is answered with the sign-in page before it serves a document.
    session = await manager.refresh(session.version);
    expect(session.fruitlessLogins).toBe(1);
    session = await manager.refresh(session.version);
    expect(session.fruitlessLogins).toBe(2);
    const storm = await manager.refresh(session.version).catch((error: unknown) => error);
    expect(storm).toBeInstanceOf(CriticalError);
    expect(storm).toMatchObject({ reason: 'session_storm', message: expect.stringMatching(/^the portal ends every new session at once: the last 3 logins served no document/) });
    expect(calls()).toBe(3);
  });

  it('counts again from zero after a session that served a document', async () => {
    const { login } = slowLogin(1);
    const store = new MemorySessionStore();
    const manager = new SessionManager({ store, login, maxFruitlessLogins: 2 });
    let session = await manager.current();
    session = await manager.refresh(session.version);
    expect(session.fruitlessLogins).toBe(1);
    await manager.markServed(session.version);
    expect((await store.get())?.served).toBe(true);
    session = await manager.refresh(session.version);
    expect(session.fruitlessLogins).toBe(0);
    session = await manager.refresh(session.version);
    expect(session.fruitlessLogins).toBe(1);
  });

  it('shares the count through the store (another container marked the session served)', async () => {
    const store = new MemorySessionStore();
    const a = new SessionManager({ store, login: slowLogin(1).login, maxFruitlessLogins: 2 });
    const b = new SessionManager({ store, login: slowLogin(1).login, maxFruitlessLogins: 2 });
    let session = await a.current();
    session = await a.refresh(session.version);
    await b.markServed(session.version);
    expect((await b.refresh(session.version)).fruitlessLogins).toBe(0);
  });

  it('does not hold the sessions of an earlier run against a new one', async () => {
    const store = new MemorySessionStore();
    const manager = new SessionManager({ store, login: slowLogin(1).login, maxFruitlessLogins: 2 });
    let session = await manager.current();
    session = await manager.refresh(session.version);
    await expect(manager.refresh(session.version)).rejects.toThrow(/ends every new session/);
    expect((await manager.refresh(session.version, { newRun: true })).fruitlessLogins).toBe(0);
  });
});
