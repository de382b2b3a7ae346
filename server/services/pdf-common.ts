// What the two PDF writers (case report: report-pdf.ts; model run report: run-report-pdf.ts) share:
// A4 page size, the palette, WinAnsi-safe text for pdf-lib's standard fonts and word wrapping.
import { rgb, type PDFFont } from "pdf-lib";

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
