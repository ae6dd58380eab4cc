import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { KIT_ENTRY } from '../../profiles/kit-path.js';
import { starterProfileJson, starterProfileTs } from '../../profiles/starter.js';
import { ExitCode } from '../exit-codes.js';

/** `fleetpdf profile init NAME`: a commented starter profile in the working folder. */
export function profileInitCommand(name: string, options: { json?: boolean; force?: boolean }, cwd = process.cwd()): number {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.endsWith('.ts') || name.endsWith('.json')) {
    throw new InputError(`profile init: "${name}" is not a profile name (letters, digits, - _ . ; no extension: fleetpdf profile init my-portal)`);
  }
  const file = resolve(cwd, `${name}.${options.json ? 'json' : 'ts'}`);
  if (existsSync(file) && !options.force) throw new InputError(`profile init: ${file} exists already (--force overwrites it)`);
  writeFileSync(file, options.json ? starterProfileJson(name) : starterProfileTs(name, KIT_ENTRY));
  const spec = `./${name}.${options.json ? 'json' : 'ts'}`;
  process.stdout.write(
    `wrote ${file}\n` +
      'it runs as-is against the bundled demo portal:\n' +
      '  fleetpdf portal --port 4010\n' +
      `  PORTAL_USER=demo PORTAL_PASS=demo-pass fleetpdf check --portal http://127.0.0.1:4010 --profile ${spec}\n` +
      `then edit it for your portal and run fleetpdf check --portal <your portal> --profile ${spec} after each change\n`,
  );
  return ExitCode.OK;
}
