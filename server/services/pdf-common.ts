// What the two PDF writers (case report: report-pdf.ts; model run report: run-report-pdf.ts) share:
// A4 page size, the palette, WinAnsi-safe text for pdf-lib's standard fonts, word wrapping and a flowing writer
// (text, headings, tables, page breaks) whose sizes each report sets.
import { rgb, type PDFDocument, type PDFFont, type PDFPage } from "pdf-lib";

export const A4 = { w: 595.28, h: 841.89 };
export const INK = rgb(0.1, 0.12, 0.14);
export const MUTED = rgb(0.35, 0.38, 0.42);
export const ACCENT = rgb(0.04, 0.36, 0.68);
export const DANGER = rgb(0.7, 0.15, 0.12);
export const GRID = rgb(0.76, 0.79, 0.81);

/** Standard PDF fonts encode WinAnsi only: replace what it lacks. */
export function pdfSafe(s: string): string {
  return s
    .replace(/≥/g, ">=")
    .replace(/≤/g, "<=")
    .replace(/−/g, "-")
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/…/g, "...")
    .replace(/—/g, "-")
    .replace(/[^\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2022\u20ac]/g, "?");
}

/** Greedy word wrap of `s` (newlines kept) into lines at most `width` points wide. */
export function wrap(s: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const para of s.split("\n")) {
    let line = "";
    for (const w of para.split(/\s+/)) {
      const t = line ? `${line} ${w}` : w;
      if (font.widthOfTextAtSize(t, size) > width && line) {
        out.push(line);
        line = w;
      } else line = t;
    }
    out.push(line);
  }
  return out;
}

/** Sizes of a report's flowing layout (points). */
export interface PdfLayout {
  /** page margin */
  margin: number;
  /** kept free above the bottom margin (footer) */
  bottomReserve: number;
  textSize: number;
  headingSize: number;
  /** space needed on the page before a heading starts (else a new page) */
  headingKeep: number;
  /** space above / below a heading */
  headingGap: [number, number];
  tableSize: number;
  /** table line height as a multiple of its text size */
  tableLeading: number;
  /** space between table columns */
  tablePad: number;
  tableRule: number;
  /** red line at the foot of every page (the demo notice), if any */
  footer?: string;
}

/** Writes top to bottom, starting a new A4 page when the next block does not fit. */
export class PdfWriter {
  page: PDFPage;
  y: number;
  constructor(
    readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
    readonly layout: PdfLayout,
  ) {
    this.page = this.newPage();
    this.y = A4.h - layout.margin;
  }
  newPage(): PDFPage {
    const p = this.doc.addPage([A4.w, A4.h]);
    if (this.layout.footer) p.drawText(pdfSafe(this.layout.footer), { x: this.layout.margin, y: 20, size: 7.5, font: this.font, color: DANGER });
    return p;
  }
  need(h: number): void {
    if (this.y - h < this.layout.margin + this.layout.bottomReserve) {
      this.page = this.newPage();
      this.y = A4.h - this.layout.margin;
    }
  }
  text(s: string, opts: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; x?: number; width?: number } = {}): void {
    const M = this.layout.margin;
    const size = opts.size ?? this.layout.textSize;
    const font = opts.bold ? this.bold : this.font;
    const width = opts.width ?? A4.w - 2 * M - ((opts.x ?? M) - M);
    for (const line of wrap(pdfSafe(s), font, size, width)) {
      this.need(size * 1.35);
      this.page.drawText(line, { x: opts.x ?? M, y: this.y - size, size, font, color: opts.color ?? INK });
      this.y -= size * 1.35;
    }
  }
  gap(h = 8): void {
    this.y -= h;
  }
  heading(s: string): void {
    this.need(this.layout.headingKeep);
    this.gap(this.layout.headingGap[0]);
    this.text(s, { size: this.layout.headingSize, bold: true, color: ACCENT });
    this.gap(this.layout.headingGap[1]);
  }
  /** a simple table: column x offsets, header row bold */
  table(cols: number[], rows: string[][], size = this.layout.tableSize): void {
    const { margin: M, tableLeading: lead, tablePad: pad } = this.layout;
    rows.forEach((r, i) => {
      const font = i === 0 ? this.bold : this.font;
      const lines = r.map((c, j) => wrap(pdfSafe(c), font, size, (cols[j + 1] ?? A4.w - 2 * M) - cols[j] - pad));
      const h = Math.max(...lines.map((l) => l.length)) * size * lead + 3;
      this.need(h);
      lines.forEach((ls, j) => ls.forEach((l, k) => this.page.drawText(l, { x: M + cols[j], y: this.y - size - k * size * lead, size, font, color: INK })));
      this.y -= h;
      this.page.drawLine({ start: { x: M, y: this.y + 1 }, end: { x: A4.w - M, y: this.y + 1 }, thickness: this.layout.tableRule, color: GRID });
    });
  }
}
