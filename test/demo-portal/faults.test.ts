import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/core/errors.js';
import { formatFaults, parseFaults } from '../../lib/demo-portal/index.js';
import { normalizeFaults } from '../../lib/demo-portal/faults.js';

describe('parseFaults', () => {
  it('reads every fault of a full spec', () => {
    expect(parseFaults('5xx=0.05,hang=0.01,expire=200,kick=500,ratelimit=8,interfere=0.02,down=3')).toEqual({
      '5xx': 0.05,
      hang: 0.01,
      expire: 200,
      kick: 500,
      ratelimit: 8,
      interfere: 0.02,
      down: 3,
    });
  });

  it('treats an empty spec as no faults and tolerates spaces and a trailing comma', () => {
    expect(parseFaults('')).toEqual({});
    expect(parseFaults(' 5xx = 1 , hang=0,')).toEqual({ '5xx': 1, hang: 0 });
    expect(parseFaults('down=0.5,interfere=.5')).toEqual({ down: 0.5, interfere: 0.5 });
  });

  it('round-trips through formatFaults', () => {
    const spec = '5xx=0.05,hang=0.01,expire=200,kick=500,ratelimit=8,interfere=0.02';
    expect(parseFaults(formatFaults(parseFaults(spec)))).toEqual(parseFaults(spec));
  });

  it.each([
    ['5xx=abc', '5xx=abc', '5xx must be a probability between 0 and 1'],
    ['5xx=1.5', '5xx=1.5', 'between 0 and 1'],
    ['hang=-0.1', 'hang=-0.1', 'hang must be a probability'],
    ['interfere=NaN', 'interfere=NaN', 'interfere must be a probability'],
    ['expire=0', 'expire=0', 'expire must be a positive whole number'],
    ['kick=2.5', 'kick=2.5', 'kick must be a positive whole number'],
    ['ratelimit=', 'ratelimit=', 'ratelimit must be a positive whole number'],
    ['expire=1e3', 'expire=1e3', 'expire must be'],
    ['down=0', 'down=0', 'down must be a number of seconds'],
    ['meteor=1', 'meteor=1', 'unknown fault "meteor"'],
    ['5xx=0.1,hang', 'hang', 'expected key=value'],
    ['5xx=0.1,5xx=0.2', '5xx=0.2', 'given twice'],
  ])('rejects %j with one line naming the item', (spec, item, why) => {
    let error: unknown;
    try {
      parseFaults(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(`bad --faults item "${item}"`);
    expect(message).toContain(why);
    expect(message).not.toContain('\n');
  });

  it('validates a FaultSpec object too', () => {
    expect(normalizeFaults({ kick: 3 })).toEqual({ kick: 3 });
    expect(normalizeFaults(undefined)).toEqual({});
    expect(() => normalizeFaults({ '5xx': 2 })).toThrow(InputError);
    expect(() => normalizeFaults({ meteor: 1 } as never)).toThrow(InputError);
  });
});
