import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { validateRef } from '../core/portal/inventory-csv.js';

/**
 * The refs of `fleetpdf cloud start --refs FILE`: one reference number per line; blank lines
 * and lines starting with `#` are ignored. An unsafe or repeated ref is refused with its line
 * number here, before anything is started (the inventory would only skip it).
 */
export async function readRefsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`--refs ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : `cannot read it (${code ?? 'error'})`}`);
  }
  const refs: string[] = [];
  const firstLine = new Map<string, number>();
  for (const [i, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const ref = raw.trim();
    if (ref === '' || ref.startsWith('#')) continue;
    const line = i + 1;
    const problem = validateRef(ref);
    if (problem) throw new InputError(`--refs ${path} line ${line}: ${problem}`);
    const seen = firstLine.get(ref);
    if (seen !== undefined) throw new InputError(`--refs ${path} line ${line}: ref ${ref} repeats line ${seen}`);
    firstLine.set(ref, line);
    refs.push(ref);
  }
  if (refs.length === 0) throw new InputError(`--refs ${path}: no refs in it (one reference number per line)`);
  return refs;
}
