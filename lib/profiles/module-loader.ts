import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { KIT_ENTRY } from './kit-path.js';


const projectRequire = createRequire(import.meta.url);

/**
 * Bare imports of a user's file: `fleetpdf` is the kit, and a package the project has
 * (playwright-core, zod, ...) is the project's own copy, left out of the bundle and imported
 * by absolute path: one instance of every class, and playwright-core is never bundled (it
 * breaks when bundled). Anything else is bundled from beside the user's file.
 */
function sharedModules(): Plugin {
  return {
    name: 'fleetpdf-shared-modules',
    setup(build) {
      build.onResolve({ filter: /^fleetpdf$/ }, () => ({ path: KIT_ENTRY, external: true }));
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const path = projectModule(args.path);
        return path ? { path, external: true } : undefined;
      });
    },
  };
}

/** Where the project's own copy of a package is, if it has one. */
function projectModule(specifier: string): string | undefined {
  try {
    return fileURLToPath(import.meta.resolve(specifier));
  } catch {
    try {
      return projectRequire.resolve(specifier);
    } catch {
      return undefined;
    }
  }
}

/**
 * Loads a user's TypeScript or JavaScript profile module, wherever it lives, without a build
 * step: esbuild bundles the file and its relative imports into one ES module in the temp
 * folder (TypeScript stripped, CommonJS or ESM alike), which is then imported. A folder
 * without a package.json would otherwise make Node (and tsx) load the file as CommonJS,
 * where `import ... from 'fleetpdf'` cannot be resolved.
 */
export async function importProfileModule(file: string): Promise<Record<string, unknown>> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [sharedModules()],
  });
  const code = result.outputFiles[0]!.text;
  const out = join(tmpdir(), 'fleetpdf-profiles', `${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  return (await import(/* @vite-ignore */ pathToFileURL(out).href)) as Record<string, unknown>;
}
