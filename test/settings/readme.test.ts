import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextTable, runOptionsTable, withSettingsTables } from '../../lib/settings/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('the README option tables are the settings schema', () => {
  it('has the fleetpdf run table and the CDK context table as lib/settings generates them (npm run docs:settings)', () => {
    expect(readme).toContain(`<!-- settings:run -->\n${runOptionsTable()}\n<!-- /settings:run -->`);
    expect(readme).toContain(`<!-- settings:context -->\n${contextTable()}\n<!-- /settings:context -->`);
    expect(withSettingsTables(readme)).toBe(readme);
  });
});
