import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSettingsTables } from '../../lib/settings/index.js';

/**
 * `npm run docs:settings`: rewrite the settings tables of README.md from lib/settings (between
 * `<!-- settings:run -->` and `<!-- settings:context -->` markers). test/settings checks
 * that the README matches.
 */
const readme = join(import.meta.dirname, '..', '..', 'README.md');
const before = readFileSync(readme, 'utf8');
const after = withSettingsTables(before);
if (after === before) {
  process.stdout.write('README.md settings tables are up to date\n');
} else {
  writeFileSync(readme, after);
  process.stdout.write('README.md settings tables rewritten from lib/settings\n');
}
