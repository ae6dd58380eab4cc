import { describe, expect, it } from 'vitest';
import { mergeFeatureSwitches } from '../../lib/browser/launch.js';

describe('mergeFeatureSwitches', () => {
  it('folds every --disable-features and --enable-features into one of each, where the first stood', () => {
    expect(
      mergeFeatureSwitches([
        '--no-sandbox',
        '--disable-features=Translate,MediaRouter',
        '--enable-features=A',
        '--process-per-site',
        '--disable-features=MediaRouter,PaintHolding',
        '--enable-features=B',
      ]),
    ).toEqual(['--no-sandbox', '--disable-features=Translate,MediaRouter,PaintHolding', '--enable-features=A,B', '--process-per-site']);
  });

  it('leaves other switches alone, duplicates included', () => {
    expect(mergeFeatureSwitches(['--a', '--a', '--js-flags=--x'])).toEqual(['--a', '--a', '--js-flags=--x']);
  });
});
