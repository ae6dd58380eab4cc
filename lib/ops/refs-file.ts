import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { validateRef } from '../core/portal/inventory-csv.js';

/**
 * The refs of `fleetpdf cloud start --refs FILE`: one reference number per line; blank lines
 * and lines starting with `#` are ignored, and surrounding whitespace is not part of a ref;
 * a ref with its own surrounding spaces (or a leading `#`) is written as a JSON string,
 * `" STK 0099 "`. An unsafe or repeated ref is refused with its line number here, before
 * anything is started (the inventory would only skip it).
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
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const line = i + 1;
    const ref = trimmed.startsWith('"') ? jsonString(trimmed, path, line) : trimmed;
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

/** A line written as a JSON string: the exact ref, spaces and all. */
function jsonString(text: string, path: string, line: number): string {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'string') return value;
  } catch {
    // reported below
  }
  throw new InputError(`--refs ${path} line ${line}: ${text.slice(0, 40)} is not a JSON string (a quoted ref is written "like this")`);
}
