import { CSV_COLUMNS, STATUS_ALL } from './constants.js';
import { toCsv } from '../core/csv.js';
import { createRandom, pick, randomInt } from './prng.js';
import type { DemoVehicle } from './types.js';
import { VIN_ALPHABET, buildVin } from './vin.js';

interface MakeSpec {
  make: string;
  /** World manufacturer identifiers (VIN positions 1-3) this make really uses. */
  wmi: readonly string[];
  models: ReadonlyArray<{ model: string; trims: readonly string[]; base: number }>;
}

const MAKES: readonly MakeSpec[] = [
  { make: 'Toyota', wmi: ['4T1', '5TD', 'JTD'], models: [
    { model: 'Camry', trims: ['LE', 'SE', 'XLE', 'XSE'], base: 27_000 },
    { model: 'RAV4', trims: ['LE', 'XLE', 'Adventure', 'Limited'], base: 30_000 },
    { model: 'Tacoma', trims: ['SR', 'SR5', 'TRD Off-Road'], base: 33_000 },
  ] },
  { make: 'Honda', wmi: ['1HG', '5J6', '2HG'], models: [
    { model: 'Civic', trims: ['LX', 'Sport', 'EX', 'Touring'], base: 24_000 },
    { model: 'Accord', trims: ['LX', 'Sport', 'EX-L'], base: 28_000 },
    { model: 'CR-V', trims: ['LX', 'EX', 'EX-L', 'Touring'], base: 31_000 },
  ] },
  { make: 'Ford', wmi: ['1FA', '1FT', '1FM'], models: [
    { model: 'F-150', trims: ['XL', 'XLT', 'Lariat', 'Platinum'], base: 40_000 },
    { model: 'Escape', trims: ['S', 'SE', 'Titanium'], base: 28_000 },
    { model: 'Mustang', trims: ['EcoBoost', 'GT'], base: 32_000 },
  ] },
  { make: 'Chevrolet', wmi: ['1G1', '1GC', '3GN'], models: [
    { model: 'Silverado 1500', trims: ['WT', 'LT', 'RST', 'High Country'], base: 42_000 },
    { model: 'Equinox', trims: ['LS', 'LT', 'Premier'], base: 27_000 },
    { model: 'Malibu', trims: ['LS', 'RS', 'LT'], base: 24_000 },
  ] },
  { make: 'Nissan', wmi: ['1N4', '5N1', 'JN8'], models: [
    { model: 'Altima', trims: ['S', 'SV', 'SR', 'SL'], base: 25_000 },
    { model: 'Rogue', trims: ['S', 'SV', 'SL', 'Platinum'], base: 29_000 },
  ] },
  { make: 'Hyundai', wmi: ['5NP', 'KM8'], models: [
    { model: 'Elantra', trims: ['SE', 'SEL', 'Limited'], base: 21_000 },
    { model: 'Tucson', trims: ['SE', 'SEL', 'Limited'], base: 28_000 },
  ] },
  { make: 'Subaru', wmi: ['4S4', 'JF2'], models: [
    { model: 'Outback', trims: ['Base', 'Premium', 'Limited', 'Touring'], base: 29_000 },
    { model: 'Forester', trims: ['Base', 'Premium', 'Sport'], base: 27_000 },
  ] },
  { make: 'BMW', wmi: ['WBA', '5UX'], models: [
    { model: '330i', trims: ['Sedan', 'xDrive'], base: 43_000 },
    { model: 'X5', trims: ['sDrive40i', 'xDrive40i'], base: 62_000 },
  ] },
  { make: 'Tesla', wmi: ['5YJ', '7SA'], models: [
    { model: 'Model 3', trims: ['Standard Range', 'Long Range', 'Performance'], base: 40_000 },
    { model: 'Model Y', trims: ['Long Range', 'Performance'], base: 47_000 },
  ] },
];

export const MAKE_NAMES: readonly string[] = MAKES.map((m) => m.make);

const PLANTS = [...'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'];
const VIN_CHARS = [...VIN_ALPHABET];

/**
 * The deterministic inventory: same (count, seed) => same vehicles in the same order.
 * One vehicle in four is not "In Stock" (by position, so small inventories hide some too).
 */
export function generateInventory(count: number, seed: number): DemoVehicle[] {
  const random = createRandom(seed * 7919 + 17);
  const refs = new Set<string>();
  const vins = new Set<string>();
  const vehicles: DemoVehicle[] = [];
  for (let i = 0; i < count; i += 1) {
    let ref: string;
    do ref = String(randomInt(random, 10_000_000, 99_999_999));
    while (refs.has(ref));
    refs.add(ref);

    const spec = pick(random, MAKES);
    const model = pick(random, spec.models);
    const trim = pick(random, model.trims);
    const year = randomInt(random, 2015, 2025);
    let vin: string;
    do {
      let descriptor = '';
      for (let k = 0; k < 5; k += 1) descriptor += pick(random, VIN_CHARS);
      const serial = String(randomInt(random, 0, 999_999)).padStart(6, '0');
      vin = buildVin(pick(random, spec.wmi), descriptor, year, pick(random, PLANTS), serial);
    } while (vins.has(vin));
    vins.add(vin);

    const age = 2025 - year;
    const mileage = age === 0 ? randomInt(random, 5, 1_500) : randomInt(random, 6_000, 15_000) * age;
    const depreciation = Math.max(0.25, 1 - 0.09 * age - mileage / 400_000);
    const price = Math.round((model.base * depreciation) / 50) * 50 + 995;
    const status = i % 4 === 3 ? (i % 8 === 3 ? 'In Transit' : 'Sold Pending') : 'In Stock';
    vehicles.push({
      ref,
      vin,
      year,
      make: spec.make,
      model: model.model,
      trim,
      mileage,
      stockNumber: `S${String(randomInt(random, 0, 99_999)).padStart(5, '0')}${String.fromCharCode(65 + (i % 26))}`,
      status,
      price,
    });
  }
  return vehicles;
}

/**
 * Refs real portals use that a file name cannot hold as they are: what `awkwardRefs: true`
 * gives the first vehicles. Every character is one the PDF's Helvetica (WinAnsi) can draw.
 */
export const AWKWARD_DEMO_REFS: readonly string[] = [
  'STK-0007/B',
  ' STK 0099 ',
  'STK-0150\u00c4',
  'stk-0042',
  'STK-0042',
  '../../etc/passwd',
  'CON',
  '.hidden',
  'back\\slash',
  'STK 50%#?&',
  'Stra\u00dfe-12',
];

/** The inventory with its first vehicles' refs replaced by `refs` (in order; the rest keep theirs). */
export function withRefs(vehicles: DemoVehicle[], refs: readonly string[]): DemoVehicle[] {
  if (new Set(refs).size !== refs.length) throw new Error('awkwardRefs: refs must be distinct');
  const taken = new Set(vehicles.slice(refs.length).map((v) => v.ref));
  const clash = refs.find((r) => taken.has(r));
  if (clash !== undefined) throw new Error(`awkwardRefs: ${JSON.stringify(clash)} is already a ref of the inventory`);
  return vehicles.map((v, i) => (i < refs.length ? { ...v, ref: refs[i]! } : v));
}

export interface InventoryFilter {
  /** 'All' or one of STATUSES. */
  status: string;
  /** '' = every make. */
  make: string;
}

export function applyFilter(vehicles: readonly DemoVehicle[], filter: InventoryFilter): DemoVehicle[] {
  return vehicles.filter(
    (v) => (filter.status === STATUS_ALL || v.status === filter.status) && (!filter.make || v.make === filter.make),
  );
}

export function vehicleCsvValues(v: DemoVehicle): string[] {
  return [v.ref, v.vin, String(v.year), v.make, v.model, v.trim, String(v.mileage), v.stockNumber, v.status, String(v.price)];
}

/** The export: header, the (filtered) vehicles, then the extra rows mapped onto the header. */
export function inventoryCsv(vehicles: readonly DemoVehicle[], extraRows: ReadonlyArray<Record<string, string>> = []): string {
  return toCsv([CSV_COLUMNS, ...vehicles.map(vehicleCsvValues), ...extraRows.map((row) => CSV_COLUMNS.map((c) => row[c] ?? ''))]);
}
