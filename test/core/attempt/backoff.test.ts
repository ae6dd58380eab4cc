import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../../lib/core/attempt/index.js';

describe('backoffMs: exponential with full jitter', () => {
  it('spans 0 to the doubling ceiling, capped', () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const ceiling = Math.min(8000, 1000 * 2 ** attempt);
      expect(backoffMs(attempt, 1000, 8000, () => 0)).toBe(0);
      expect(backoffMs(attempt, 1000, 8000, () => 0.5)).toBe(ceiling / 2);
      expect(backoffMs(attempt, 1000, 8000, () => 0.999999)).toBe(Math.round(ceiling * 0.999999));
    }
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffMs(-1, 1000, 8000, () => 0.5)).toBe(500);
  });
});
