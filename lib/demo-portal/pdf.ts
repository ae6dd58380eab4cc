import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { MAX_CACHED_PDFS, PDF_DATE } from './constants.js';
import type { DemoVehicle } from './types.js';

const money = (n: number) => `$${n.toLocaleString('en-US')}`;

/** Made-up but stable valuations derived from the asking price. */
export function valuations(v: DemoVehicle): { tradeIn: number; privateParty: number; retail: number } {
  const round = (n: number) => Math.round(n / 25) * 25;
  return { tradeIn: round(v.price * 0.82), privateParty: round(v.price * 0.93), retail: round(v.price * 1.04) };
}

/**
 * A one-page Letter document with the demo portal's fixed metadata (dates fixed, so the bytes
 * depend only on the vehicle) and the two Helvetica faces every demo PDF uses.
 */
export async function startDemoPdf(
  title: string,
  author: string,
  v: DemoVehicle,
): Promise<{ doc: PDFDocument; page: PDFPage; font: PDFFont; bold: PDFFont }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setSubject(`Reference ${v.ref}, VIN ${v.vin}`);
  doc.setAuthor(author);
  doc.setCreator('fleetpdf demo portal');
  doc.setProducer('pdf-lib');
  doc.setCreationDate(PDF_DATE);
  doc.setModificationDate(PDF_DATE);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([612, 792]);
  return { doc, page, font, bold };
}

/**
 * The one-page "Vehicle Valuation Report". Fixed metadata dates make the bytes depend only on
 * the vehicle, so a re-download is byte-identical (checksums in tests and manifests stay stable).
 */
export async function renderValuationPdf(v: DemoVehicle): Promise<Buffer> {
  const { doc, page, font, bold } = await startDemoPdf(`Valuation report ${v.ref}`, 'Demo Dealer Values', v);
  const ink = rgb(0.1, 0.1, 0.15);
  page.drawRectangle({ x: 0, y: 712, width: 612, height: 80, color: rgb(0.05, 0.22, 0.45) });
  page.drawText('Vehicle Valuation Report', { x: 48, y: 748, size: 22, font: bold, color: rgb(1, 1, 1) });
  page.drawText('Demo Dealer Values - for demonstration only', { x: 48, y: 726, size: 10, font, color: rgb(0.85, 0.9, 1) });

  const values = valuations(v);
  const lines: Array<[string, number]> = [
    [`Reference: ${v.ref}`, 14],
    [`VIN: ${v.vin}`, 14],
    [`Vehicle: ${v.year} ${v.make} ${v.model} ${v.trim}`, 12],
    [`Year: ${v.year}`, 11],
    [`Make: ${v.make}`, 11],
    [`Model: ${v.model}`, 11],
    [`Trim: ${v.trim}`, 11],
    [`Mileage: ${v.mileage.toLocaleString('en-US')} mi`, 11],
    [`Stock Number: ${v.stockNumber}`, 11],
    [`Status: ${v.status}`, 11],
    [`Trade-in value: ${money(values.tradeIn)}`, 12],
    [`Private party value: ${money(values.privateParty)}`, 12],
    [`Retail value: ${money(values.retail)}`, 12],
    [`Asking price: ${money(v.price)}`, 12],
  ];
  let y = 670;
  for (const [text, size] of lines) {
    page.drawText(text, { x: 48, y, size, font, color: ink });
    y -= size + 10;
  }
  return finishDemoPdf({ doc, page, font }, `Valuation report ${v.ref} - values as of ${PDF_DATE.toISOString().slice(0, 10)}`);
}

/** The footer rule and line every demo PDF ends with, then the document's bytes. */
export async function finishDemoPdf(pdf: { doc: PDFDocument; page: PDFPage; font: PDFFont }, footer: string): Promise<Buffer> {
  const { doc, page, font } = pdf;
  page.drawLine({ start: { x: 48, y: 80 }, end: { x: 564, y: 80 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  page.drawText(footer, { x: 48, y: 64, size: 8, font, color: rgb(0.4, 0.4, 0.4) });
  return Buffer.from(await doc.save());
}

/** Makes one vehicle's PDF (each demo site has its own document). */
export type PdfRenderer = (vehicle: DemoVehicle) => Promise<Buffer>;

/**
 * Rendered PDFs by ref (LRU). The pending promise is cached too, so a burst of requests for
 * one new vehicle renders it once.
 */
export class PdfCache {
  private readonly entries = new Map<string, Promise<Buffer>>();
  constructor(
    private readonly max = MAX_CACHED_PDFS,
    private readonly render: PdfRenderer = renderValuationPdf,
  ) {}

  get(vehicle: DemoVehicle): Promise<Buffer> {
    const hit = this.entries.get(vehicle.ref);
    if (hit) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(vehicle.ref);
      this.entries.set(vehicle.ref, hit);
      return hit;
    }
    const pending = this.render(vehicle);
    pending.catch(() => this.entries.delete(vehicle.ref));
    this.entries.set(vehicle.ref, pending);
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return pending;
  }
}
