import { rgb } from 'pdf-lib';
import { PDF_DATE } from '../../constants.js';
import { finishDemoPdf, startDemoPdf } from '../../pdf.js';
import type { DemoVehicle } from '../../types.js';
import { BRANDING } from './constants.js';

const money = (n: number) => `$${n.toLocaleString('en-US')}`;

/** Made-up but stable sticker figures derived from the vehicle. */
export function stickerFigures(v: DemoVehicle): { base: number; options: number; destination: number; city: number; highway: number } {
  const seed = Number.parseInt(v.ref.slice(-4), 10) || 0;
  const base = Math.round((v.price * 1.12) / 25) * 25;
  const options = 500 + (seed % 12) * 125;
  const destination = 1095 + (seed % 4) * 50;
  const city = 18 + (seed % 15);
  return { base, options, destination, city, highway: city + 6 + (seed % 5) };
}

const EQUIPMENT = [
  'Automatic emergency braking',
  'Lane keeping assist',
  'Adaptive cruise control',
  'Rear view camera',
  'Keyless entry with push-button start',
  'Smartphone integration',
];

/**
 * The one-page window sticker (a Monroney-style label): vehicle, VIN, standard equipment,
 * price and fuel economy. It names the vehicle's ref and VIN (and no other 17-character code),
 * so verification can tell whose sticker it is; fixed dates keep the bytes stable.
 */
export async function renderWindowStickerPdf(v: DemoVehicle): Promise<Buffer> {
  const { doc, page, font, bold } = await startDemoPdf(`Window sticker ${v.ref}`, BRANDING.brand, v);
  const ink = rgb(0.1, 0.1, 0.12);
  page.drawRectangle({ x: 0, y: 712, width: 612, height: 80, color: rgb(0.08, 0.32, 0.18) });
  page.drawText('Window Sticker', { x: 48, y: 748, size: 24, font: bold, color: rgb(1, 1, 1) });
  page.drawText(`${BRANDING.brand} - for demonstration only`, { x: 48, y: 726, size: 10, font, color: rgb(0.85, 1, 0.9) });

  const f = stickerFigures(v);
  const total = f.base + f.options + f.destination;
  let y = 672;
  const line = (text: string, size = 11, face = font) => {
    page.drawText(text, { x: 48, y, size, font: face, color: ink });
    y -= size + 9;
  };
  line(`${v.year} ${v.make} ${v.model} ${v.trim}`, 16, bold);
  line(`Reference: ${v.ref}`, 13);
  line(`VIN: ${v.vin}`, 13);
  line(`Stock: ${v.stockNumber}    Status: ${v.status}`);
  y -= 8;
  line('Standard equipment', 12, bold);
  for (const item of EQUIPMENT) line(`- ${item}`, 10);
  y -= 8;
  line('Price', 12, bold);
  line(`Base price: ${money(f.base)}`);
  line(`Installed options: ${money(f.options)}`);
  line(`Destination charge: ${money(f.destination)}`);
  line(`Total MSRP: ${money(total)}`, 13, bold);
  y -= 8;
  line('Fuel economy', 12, bold);
  line(`City ${f.city} MPG    Highway ${f.highway} MPG    Combined ${Math.round((f.city + f.highway) / 2)} MPG`);

  return finishDemoPdf({ doc, page, font }, `Window sticker ${v.ref} - printed ${PDF_DATE.toISOString().slice(0, 10)}`);
}
