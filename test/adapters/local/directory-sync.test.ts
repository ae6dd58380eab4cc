import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectorySync } from '../../../lib/adapters/local/directory-sync.js';
import { tempOut } from './helpers.js';

describe('DirectorySync: group-committed folder fsync', () => {
  let out: ReturnType<typeof tempOut>;
  beforeEach(() => {
    out = tempOut();
  });
  afterEach(() => out.cleanup());

  it('one fsync serves every caller that arrived before it started; later callers get the next one', async () => {
    const sync = new DirectorySync(out.dir);
    await Promise.all(Array.from({ length: 20 }, () => sync.sync()));
    // The first caller starts one; the other 19 arrive while it runs and share the next.
    expect(sync.syncs).toBe(2);
    await sync.sync();
    expect(sync.syncs).toBe(3);
  });

  it('a caller never gets an fsync that started before its call', async () => {
    const sync = new DirectorySync(out.dir);
    const first = sync.sync();
    const second = sync.sync();
    expect(second).not.toBe(first);
    await Promise.all([first, second]);
    expect(sync.syncs).toBe(2);
  });

  it('rejects when the folder is gone, and works again once it is back', async () => {
    const folder = join(out.dir, 'run');
    mkdirSync(folder);
    const sync = new DirectorySync(folder);
    rmSync(folder, { recursive: true });
    await expect(sync.sync()).rejects.toThrow(/ENOENT/);
    mkdirSync(folder);
    await expect(sync.sync()).resolves.toBeUndefined();
  });
});
