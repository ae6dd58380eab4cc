import { generateInventory } from '../../inventory.js';
import type { DemoVehicle } from '../../types.js';
import { AWKWARD_EVERY, LOWERCASE_AT, NON_ASCII_AT, SLASH_AT, SPACES_AT } from './constants.js';

/** The ref (stock number) this site uses for the generator's vehicle at `index`. */
export function conditionRef(number: string, index: number): string {
  switch (index % AWKWARD_EVERY) {
    case SLASH_AT:
      return `CR-${number}/B`;
    case SPACES_AT:
      return ` CR ${number} `;
    case LOWERCASE_AT:
      return `cr-${number}`;
    case NON_ASCII_AT:
      return `CR-${number}Ä`;
    default:
      return `CR-${number}`;
  }
}

/** The dealer-values generator's vehicles under stock-number refs, some of them awkward (deterministic). */
export function generateConditionInventory(count: number, seed: number): DemoVehicle[] {
  return generateInventory(count, seed).map((v, i) => ({ ...v, ref: conditionRef(v.ref, i) }));
}
