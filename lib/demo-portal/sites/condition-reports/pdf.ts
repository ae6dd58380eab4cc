import { rgb } from 'pdf-lib';
import { PDF_DATE } from '../../constants.js';
import { finishDemoPdf, startDemoPdf } from '../../pdf.js';
import type { DemoVehicle } from '../../types.js';
import { BRANDING } from './constants.js';

const GRADES = ['4.5', '4.0', '3.5', '3.0', '2.5'];

/** The one-page condition report: names the vehicle's ref and VIN, fixed dates (stable bytes). */
export async function renderConditionReportPdf(v: DemoVehicle): Promise<Buffer> {
  const { doc, page, font, bold } = await startDemoPdf(`Condition report ${v.ref}`, BRANDING.brand, v);
  const ink = rgb(0.12, 0.1, 0.1);
  page.drawRectangle({ x: 0, y: 712, width: 612, height: 80, color: rgb(0.45, 0.16, 0.08) });
  page.drawText('Vehicle Condition Report', { x: 48, y: 748, size: 22, font: bold, color: rgb(1, 1, 1) });
  page.drawText(`${BRANDING.brand} - for demonstration only`, { x: 48, y: 726, size: 10, font, color: rgb(1, 0.9, 0.85) });
  const grade = GRADES[v.mileage % GRADES.length]!;
  const lines: Array<[string, number]> = [
    [`Reference: ${v.ref}`, 14],
    [`VIN: ${v.vin}`, 14],
    [`Vehicle: ${v.year} ${v.make} ${v.model} ${v.trim}`, 12],
    [`Odometer: ${v.mileage.toLocaleString('en-US')} mi`, 11],
    [`Overall grade: ${grade} of 5`, 12],
    ['Exterior: minor wear consistent with age', 11],
    ['Interior: clean, no tears', 11],
    ['Tires: 6/32 in. or better', 11],
  ];
  let y = 670;
  for (const [text, size] of lines) {
    page.drawText(text, { x: 48, y, size, font, color: ink });
    y -= size + 10;
  }
  return finishDemoPdf({ doc, page, font }, `Condition report ${v.ref} - inspected ${PDF_DATE.toISOString().slice(0, 10)}`);
}
