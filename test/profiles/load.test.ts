import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, LoginRejectedError } from '../../lib/core/errors.js';
import { dealerValues } from '../../lib/profiles/index.js';
import { isProfileFile, loadProfile, resolveProfile } from '../../lib/profiles/load.js';
import { tempDir } from '../helpers/fixtures.js';
import { writeProfileFiles } from '../helpers/profile-files.js';

// Files in the temp folder: outside the project, as a user's profile is.
let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('fleetpdf-profiles-');
  writeProfileFiles(dir.path);
});
afterAll(() => dir.cleanup());

const write = (name: string, text: string): string => {
  writeFileSync(join(dir.path, name), text);
  return `./${name}`;
};

describe('loadProfile', () => {
  it('returns shipped profiles by name, without a source', async () => {
    await expect(loadProfile('dealer-values')).resolves.toEqual({ profile: dealerValues });
    expect(isProfileFile('dealer-values')).toBe(false);
    expect(isProfileFile('./acme.ts')).toBe(true);
    expect(isProfileFile('acme.json')).toBe(true);
  });

  it('loads a TypeScript file outside the project that imports the kit as fleetpdf, with its hooks and relative imports', async () => {
    const { profile, source } = await loadProfile('./acme.ts', dir.path);
    expect(profile.name).toBe('acme-ts');
    expect(profile.login.usernameSelector).toBe('#username');
    expect(profile.session.loginUrlPattern).toBeInstanceOf(RegExp);
    expect(profile.inventory.validate?.({ ref: 'NOPE-1' })).toBe('not for this test');
    expect(source).toEqual({ file: join(dir.path, 'acme.ts'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // Loaded once per process, by absolute path: the sync lookup the cloud runtime uses finds it.
    expect(resolveProfile('./acme.ts', dir.path).profile).toBe(profile);
    expect(resolveProfile(join(dir.path, 'acme.ts')).profile).toBe(profile);
    expect(() => resolveProfile('./acme.ts')).toThrow(/profile file \.\/acme\.ts was not loaded here/);
  });

  it('loads a declarative JSON profile, compiling its regex strings', async () => {
    const { profile, source } = await loadProfile('./acme.json', dir.path);
    expect(profile.name).toBe('acme-json');
    expect(profile.session.loginUrlPattern.test('/login?next=1')).toBe(true);
    expect(profile.license?.urlPattern).toBeInstanceOf(RegExp);
    expect(profile.blockResources).toEqual([]);
    expect(source?.file).toBe(join(dir.path, 'acme.json'));
  });

  it('shares the project classes with the user file (a hook can throw LoginRejectedError)', async () => {
    const spec = write(
      'throws.ts',
      `import { defineProfile, LoginRejectedError } from 'fleetpdf';
export const Rejected = LoginRejectedError;
export default defineProfile({ name: 'throws', login: { path: '/', run: async () => { throw new LoginRejectedError(); } },
  session: { loginUrlPattern: /^\\/$/ }, inventory: { path: '/', columns: { ref: 'Ref' } }, document: { pagePath: '/{ref}', downloadSelector: 'a' } });
`,
    );
    const { profile } = await loadProfile(spec, dir.path);
    await expect(profile.login.run?.(undefined as never, { username: 'u', password: 'p' }, { baseUrl: '', stepTimeoutMs: 1 })).rejects.toBeInstanceOf(
      LoginRejectedError,
    );
  });

  it('keeps fields and hooks it does not know (profiles grow hooks)', async () => {
    const spec = write(
      'extra.ts',
      `export default { name: 'extra', login: { path: '/', run: async () => {} }, license: { urlPattern: /x/, run: async () => 'accepted' },
  session: { loginUrlPattern: /^\\/$/ }, inventory: { path: '/', columns: { ref: 'Ref' } },
  document: { pagePath: '/{ref}', needsPage: false, direct: async () => Buffer.from('') } };
`,
    );
    const { profile } = await loadProfile(spec, dir.path);
    const loose = profile as unknown as { document: { needsPage: boolean; direct: unknown }; license: { run: unknown } };
    expect(loose.document.needsPage).toBe(false);
    expect(typeof loose.document.direct).toBe('function');
    expect(typeof loose.license.run).toBe('function');
    expect(profile.description).toBe('');
  });

  it.each([
    ['bad-type.json', '{"name":"x","login":{"path":"/login","usernameSelector":3}}', 'profile ./bad-type.json: login.usernameSelector: expected a string'],
    ['no-session.json', JSON.stringify({ login: { path: '/l', run: 1 } }), 'profile ./no-session.json: login.run: expected a function'],
    ['bad-regex.json', JSON.stringify({ ...minimal(), session: { loginUrlPattern: '(' } }), 'profile ./bad-regex.json: session.loginUrlPattern: expected a regular expression'],
    ['bad-fetch.json', JSON.stringify({ ...minimal(), document: { pagePath: '/v/{ref}', fetch: 'fast' } }), 'document.fetch: expected one of "auto", "browser", "direct"'],
    ['no-selectors.json', JSON.stringify({ ...minimal(), login: { path: '/l' } }), 'login.usernameSelector: missing: expected a CSS selector (or a login.run hook)'],
    ['broken.json', '{ "name": ', 'profile ./broken.json: not valid JSON'],
    ['no-default.ts', 'export const profile2 = 1;\n', 'profile ./no-default.ts: no default export'],
    ['syntax.ts', 'export default {{;\n', 'profile ./syntax.ts: '],
    ['throws-on-load.ts', "throw new Error('boom');\nexport default {};\n", 'profile ./throws-on-load.ts: the module failed to load: boom'],
  ])('%s: one InputError line naming the file and the field', async (name, text, message) => {
    const spec = write(name, text);
    const error = await loadProfile(spec, dir.path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('says how to add a profile when the name is unknown or the file missing', async () => {
    await expect(loadProfile('my-portal')).rejects.toThrow(/unknown profile "my-portal".*--profile \.\/my-portal\.ts.*fleetpdf profile init my-portal/);
    await expect(loadProfile('./missing.ts', dir.path)).rejects.toThrow(/profile \.\/missing\.ts: cannot read .*ENOENT/);
  });
});

function minimal(): Record<string, unknown> {
  return {
    name: 'm',
    login: { path: '/l', usernameSelector: '#u', passwordSelector: '#p', submitSelector: '#s', errorSelector: '#e' },
    session: { loginUrlPattern: '^/l' },
    inventory: { path: '/i', exportSelector: '#x', columns: { ref: 'Ref' } },
    document: { pagePath: '/v/{ref}', downloadSelector: '#d' },
  };
}
