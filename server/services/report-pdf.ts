// Server-side PDF of a case report (issue 6) with pdf-lib: case code and date, the model version (and the
// demo label when the model is the demo), Rad-score, clinical factors with their points, the nomogram drawn
// as vectors with the patient marked, probability with its 95% CI, the model's call at the threshold next to
// the patient's ultrasound result, the baselines panel, model performance, images with the ROI outline when
// available, scope and disclaimer. Decision-support wording throughout ("the model estimates …").
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import { FACTOR_LABELS, LOCATION_TEXT } from "./predict-inputs.ts";
import { A4, DANGER, INK, MUTED, pdfSafe, PdfWriter, type PdfLayout } from "./pdf-common.ts";
import { pointsAtValue, pointsOfProbability, type NomogramData } from "./nomogram-data.ts";
import type { ClientModel, StoredInputs, StoredOutputs } from "./predict.ts";

export interface ReportImage {
  view: string;
  /** PNG bytes with the ROI outline already drawn */
  png: Uint8Array;
}

export interface ReportData {
  caseCode: string;
  generatedAt: Date;
  predictionId: string;
  predictionDate: string;
  modelVersionLabel: string;
  inputs: StoredInputs;
  outputs: StoredOutputs;
  model: ClientModel;
  baselines: { name: string; metric: string; value: string; citation: string }[];
  images: ReportImage[];
}

export const DISCLAIMER =
  "Decision support only. The model estimates a probability; it does not diagnose and gives no order. " +
  "Treatment decisions remain with the clinical team, who weigh the estimate with all other findings.";

const M = 40;

export { pdfSafe };

export const pct = (p: number | null | undefined, d = 1): string => (p === null || p === undefined || !Number.isFinite(p) ? "n/a" : `${(100 * p).toFixed(d)}%`);

export function factorText(key: string, v: string | number): string {
  if (key === "location") return LOCATION_TEXT[v as keyof typeof LOCATION_TEXT] ?? String(v);
  if (key === "age") return `${v} years`;
  if (key === "radscore") return Number(v).toFixed(3);
  return String(v);
}

/** The case report's layout (40 pt margins, 10 pt text). */
const CASE_LAYOUT: PdfLayout = { margin: M, bottomReserve: 20, textSize: 10, headingSize: 13, headingKeep: 40, headingGap: [6, 2], tableSize: 9, tableLeading: 1.3, tablePad: 6, tableRule: 0.4 };

/** The nomogram as vectors: points scale, one axis per kept predictor with the patient's value marked,
 *  total points and probability axes with the patient's total and probability (95% CI bar). */
function drawNomogram(w: PdfWriter, d: NomogramData, values: Record<string, string | number>, points: Record<string, number>, total: number, prob: number, ci: [number, number]): void {
  const rowH = 34;
  const labelW = 120;
  const x0 = M + labelW;
  const x1 = A4.w - M - 10;
  const totalMax = d.totalPointsTicks[d.totalPointsTicks.length - 1];
  const xs = (p: number) => x0 + (p / d.maxPoints) * (x1 - x0);
  const xt = (p: number) => x0 + (Math.min(totalMax, Math.max(0, p)) / totalMax) * (x1 - x0);
  const rows = d.axes.length + 3;
  w.need(rows * rowH + 10);
  const pg = w.page;
  let y = w.y - 14;
  const small = 7;
  const label = (s: string) => pg.drawText(pdfSafe(s), { x: M, y: y - 3, size: 8.5, font: w.bold, color: INK });
  const tick = (x: number, txt: string, above = false, color = INK) => {
    pg.drawLine({ start: { x, y }, end: { x, y: y + (above ? 3 : -3) }, thickness: 0.6, color });
    const tw = w.font.widthOfTextAtSize(txt, small);
    pg.drawText(txt, { x: x - tw / 2, y: above ? y + 5 : y - 11, size: small, font: w.font, color });
  };
  const marker = (x: number, txt: string) => {
    pg.drawCircle({ x, y, size: 3.6, color: DANGER });
    const tw = w.bold.widthOfTextAtSize(txt, small);
    pg.drawText(pdfSafe(txt), { x: Math.min(x1 - tw, Math.max(x0, x - tw / 2)), y: y + 5, size: small, font: w.bold, color: DANGER });
  };
  // points scale
  label("Points");
  pg.drawLine({ start: { x: x0, y }, end: { x: xs(d.maxPoints), y }, thickness: 0.8, color: INK });
  for (let p = 0; p <= d.maxPoints + 1e-9; p += 10) tick(xs(p), String(p), true);
  y -= rowH;
  for (const a of d.axes) {
    label(a.label);
    const px = a.points.map(xs);
    pg.drawLine({ start: { x: Math.min(...px), y }, end: { x: Math.max(...px), y }, thickness: 0.8, color: INK });
    const order = a.values.map((v, i) => ({ v, x: px[i] })).sort((p, q) => p.x - q.x);
    const laneEnd = [-Infinity, -Infinity, -Infinity];
    for (const o of order) {
      const txt = pdfSafe(String(o.v));
      const tw = w.font.widthOfTextAtSize(txt, small);
      let lane = 0;
      while (lane < 2 && o.x - tw / 2 - 2 < laneEnd[lane]) lane++;
      laneEnd[lane] = o.x + tw / 2;
      pg.drawLine({ start: { x: o.x, y }, end: { x: o.x, y: y - 3 }, thickness: 0.6, color: INK });
      pg.drawText(txt, { x: o.x - tw / 2, y: y - 11 - lane * 8, size: small, font: w.font, color: INK });
    }
    const v = values[a.variable];
    const pts = points[a.variable] ?? (typeof v === "number" ? pointsAtValue(a, v) : 0);
    marker(xs(Math.max(0, Math.min(d.maxPoints, pts))), `${factorText(a.variable, v)}: ${pts.toFixed(1)} pts`);
    y -= rowH;
  }
  label("Total points");
  pg.drawLine({ start: { x: x0, y }, end: { x: x1, y }, thickness: 0.8, color: INK });
  for (const t of d.totalPointsTicks) tick(xt(t), String(t));
  marker(xt(total), `${total.toFixed(1)} total points`);
  y -= rowH;
  pg.drawText("Probability of", { x: M, y: y + 3, size: 8.5, font: w.bold, color: INK });
  pg.drawText("ALN metastasis", { x: M, y: y - 7, size: 8.5, font: w.bold, color: INK });
  const pxs = d.probabilityTicks.map((t) => xt(t.points));
  pg.drawLine({ start: { x: Math.min(...pxs), y }, end: { x: Math.max(...pxs), y }, thickness: 0.8, color: INK });
  let last = -Infinity;
  for (const t of d.probabilityTicks) {
    const x = xt(t.points);
    const txt = String(Number(t.value.toFixed(4)));
    if (x - last > w.font.widthOfTextAtSize(txt, small) + 3) {
      tick(x, txt);
      last = x;
    }
  }
  const c0 = xt(pointsOfProbability(d, ci[0]));
  const c1 = xt(pointsOfProbability(d, ci[1]));
  pg.drawLine({ start: { x: c0, y: y + 1.5 }, end: { x: c1, y: y + 1.5 }, thickness: 2.4, color: rgb(0.93, 0.6, 0.55) });
  marker(xt(pointsOfProbability(d, prob)), `${pct(prob)} (95% CI ${pct(ci[0])}-${pct(ci[1])})`);
  w.y = y - 22;
}

export async function buildReportPdf(r: ReportData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const m = r.model;
  doc.setTitle(pdfSafe(`Axilla report ${r.caseCode} - model ${r.modelVersionLabel}`));
  doc.setSubject("Axillary lymph node metastasis: decision-support estimate");
  doc.setKeywords([r.caseCode, r.modelVersionLabel, m.softwareVersion]);
  doc.setProducer("Axilla");
  doc.setCreator("Axilla");
  doc.setCreationDate(r.generatedAt);
  const w = new PdfWriter(doc, font, bold, CASE_LAYOUT);
  const o = r.outputs;
  const inp = r.inputs;

  w.text("Axilla - ALN metastasis decision-support report", { size: 16, bold: true });
  w.text(`Case ${r.caseCode}`, { size: 12, bold: true });
  w.text(`Report generated ${r.generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC; prediction saved ${r.predictionDate.slice(0, 16).replace("T", " ")} UTC`, { color: MUTED });
  w.text(`Model version ${r.modelVersionLabel} (software ${m.softwareVersion}, content hash ${m.hash.slice(0, 16)}...)`, { color: MUTED });
  if (m.demo) w.text(m.demoLabel ?? "Demo model - not for clinical use", { size: 12, bold: true, color: DANGER });

  w.heading("Estimate");
  w.text(`The model estimates a probability of ALN metastasis of ${pct(o.probability)} (95% CI ${pct(o.ci95[0])} to ${pct(o.ci95[1])}).`, { size: 12, bold: true });
  w.text(
    `At the decision threshold of ${pct(inp.threshold, 0)} the estimate is ${o.call === "above" ? "at or above" : "below"} the threshold. ` +
      `The patient's own ultrasound ALN result: ${inp.us_aln}.`,
  );
  w.text(`Clinical-only model from the same training run: ${pct(o.clinicalOnly.probability)} (95% CI ${pct(o.clinicalOnly.ci95[0])} to ${pct(o.clinicalOnly.ci95[1])}).`);
  if (o.outOfRange.length || o.radscoreOutOfRange.length)
    w.text(`Outside the training range (interpret with caution): ${[...o.outOfRange, ...o.radscoreOutOfRange].join(", ")}.`, { color: DANGER, bold: true });

  w.heading("Inputs");
  const rows: string[][] = [["Factor", "Value", "Points"]];
  for (const k of Object.keys(FACTOR_LABELS) as (keyof typeof FACTOR_LABELS)[])
    rows.push([FACTOR_LABELS[k], factorText(k, inp[k]), o.points[k] !== undefined ? o.points[k].toFixed(1) : "not in the model"]);
  rows.push(["Rad-score", factorText("radscore", inp.radscore), o.points.radscore !== undefined ? o.points.radscore.toFixed(1) : "not in the model"]);
  rows.push(["Total points", "", o.totalPoints.toFixed(1)]);
  w.table([0, 180, 360], rows);

  w.heading("Nomogram with the patient marked");
  drawNomogram(w, m.nomogram, { ...inp } as unknown as Record<string, string | number>, o.points, o.totalPoints, o.probability, o.ci95);

  w.heading("Comparison with other methods");
  const op = o.operating;
  const bl: string[][] = [
    ["Method", "Figure", "Value", "Source"],
    [`This model at threshold ${pct(inp.threshold, 0)}`, "Sensitivity / specificity / NPV", `${pct(op.sensitivity)} / ${pct(op.specificity)} / ${pct(op.npv)}`, `model ${r.modelVersionLabel}, ${op.cohort} cohort (n = ${op.n})`],
    ["Clinical-only model (same run)", "AUC", `${m.performance.clinical.auc.toFixed(3)} (${m.performance.clinical.aucCi[0].toFixed(3)}-${m.performance.clinical.aucCi[1].toFixed(3)})`, `${m.performance.clinical.cohort} cohort`],
    ...r.baselines.map((b) => [b.name, b.metric, b.value, b.citation]),
  ];
  w.table([0, 150, 260, 360], bl, 8);

  w.heading("Model performance");
  const p = m.performance;
  w.text(`C-index: apparent ${p.cIndex.apparent.toFixed(3)}; optimism-corrected ${p.cIndex.optimismCorrected?.toFixed(3) ?? "n/a"}; validation ${p.cIndex.validation?.toFixed(3) ?? "n/a"}.`);
  for (const s of [p.primary, p.validation]) {
    if (!s) continue;
    w.text(
      `${s.cohort} (n = ${s.n}, ${s.events} events): AUC ${s.auc.toFixed(3)} (95% CI ${s.aucCi[0].toFixed(3)}-${s.aucCi[1].toFixed(3)}); at ${pct(s.threshold, 0)}: ` +
        `accuracy ${pct(s.acc)}, sensitivity ${pct(s.tpr)}, specificity ${pct(s.tnr)}, NPV ${pct(s.npv)}.`,
    );
  }

  if (r.images.length) {
    w.heading("Images with the tumour outline");
    const maxW = (A4.w - 2 * M - 10 * (r.images.length - 1)) / r.images.length;
    const embedded = await Promise.all(r.images.map((im) => doc.embedPng(im.png)));
    const hMax = 260;
    const sizes = embedded.map((e) => e.scaleToFit(maxW, hMax));
    const h = Math.max(...sizes.map((s) => s.height));
    w.need(h + 20);
    let x = M;
    embedded.forEach((e, i) => {
      w.page.drawImage(e, { x, y: w.y - sizes[i].height, width: sizes[i].width, height: sizes[i].height });
      w.page.drawText(pdfSafe(r.images[i].view), { x, y: w.y - sizes[i].height - 11, size: 8, font: bold, color: INK });
      x += sizes[i].width + 10;
    });
    w.y -= h + 18;
  }

  w.heading("Scope and disclaimer");
  w.text(m.scope);
  w.text(DISCLAIMER, { bold: true });
  if (m.demo) w.text(m.demoLabel ?? "Demo model - not for clinical use", { bold: true, color: DANGER });
  // footer on every page: case code, model version, page number
  const pages = doc.getPages();
  pages.forEach((pg, i) =>
    pg.drawText(pdfSafe(`${r.caseCode} · model ${r.modelVersionLabel} · page ${i + 1} of ${pages.length}`), { x: M, y: 20, size: 7.5, font, color: MUTED }),
  );
  return doc.save();
}
