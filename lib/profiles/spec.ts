import { extname } from 'node:path';

const FILE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json']);

/** `--profile` names a file (rather than a shipped profile) when it has a path or a profile file extension. */
export function isProfileFile(spec: string): boolean {
  return /[/\\]/.test(spec) || FILE_EXTENSIONS.has(extname(spec));
}
