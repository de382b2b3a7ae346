// PDF export of a model version's run report (issue 5), pdf-lib with the standard fonts: provenance, demo label,
// Table 1, selected features, Table 2 (ACC/AUC/TPR/TNR with CIs), nomogram formula, calibration, decision curve,
// clinical-only model, warnings, TRIPOD+AI items; ROC, LASSO CV and decision curves drawn as vectors.
import { PDFDocument, StandardFonts, rgb, type PDFFont } from "pdf-lib";
import { ACCENT, DANGER, GRID, INK, pdfSafe, PdfWriter } from "./pdf-common.ts";
import type { RunReport } from "./model-admin.ts";

const M = 42;
const RED = DANGER;
const COLORS = [ACCENT, DANGER, rgb(0.18, 0.49, 0.2), rgb(0.42, 0.24, 0.6)];

/** The run report's layout (42 pt margins, 9.5 pt text, the demo notice at the foot of each page) plus vector charts. */
class W extends PdfWriter {
  constructor(doc: PDFDocument, font: PDFFont, bold: PDFFont, footer: string) {
    super(doc, font, bold, { margin: M, bottomReserve: 14, textSize: 9.5, headingSize: 12.5, headingKeep: 60, headingGap: [8, 2], tableSize: 8.5, tableLeading: 1.28, tablePad: 5, tableRule: 0.35, footer });
  }
  chart(title: string, series: { name: string; pts: [number, number][] }[], xd: [number, number], yd: [number, number], xl: string, yl: string, opts: { diagonal?: boolean; vlines?: number[] } = {}): void {
    const w = 250;
    const h = 170;
    this.need(h + 50);
    const x0 = M + 34;
    const y0 = this.y - h - 16;
    const sx = (x: number) => x0 + ((x - xd[0]) / (xd[1] - xd[0])) * w;
    const sy = (y: number) => y0 + ((Math.max(yd[0], Math.min(yd[1], y)) - yd[0]) / (yd[1] - yd[0])) * h;
    const p = this.page;
    p.drawText(pdfSafe(title), { x: M, y: this.y - 10, size: 10, font: this.bold, color: INK });
    p.drawRectangle({ x: x0, y: y0, width: w, height: h, borderColor: INK, borderWidth: 0.6 });
    for (let k = 0; k <= 4; k++) {
      const xv = xd[0] + ((xd[1] - xd[0]) * k) / 4;
      const yv = yd[0] + ((yd[1] - yd[0]) * k) / 4;
      p.drawText(xv.toPrecision(2), { x: sx(xv) - 6, y: y0 - 10, size: 6.5, font: this.font, color: INK });
      p.drawText(yv.toPrecision(2), { x: x0 - 24, y: sy(yv) - 2, size: 6.5, font: this.font, color: INK });
    }
    p.drawText(pdfSafe(xl), { x: x0 + w / 2 - 30, y: y0 - 20, size: 7.5, font: this.font, color: INK });
    p.drawText(pdfSafe(yl), { x: x0 + w + 6, y: y0 + h - 8, size: 7.5, font: this.font, color: INK });
    if (opts.diagonal) p.drawLine({ start: { x: sx(0), y: sy(0) }, end: { x: sx(1), y: sy(1) }, thickness: 0.5, color: GRID, dashArray: [3, 3] });
    for (const v of opts.vlines ?? []) p.drawLine({ start: { x: sx(v), y: y0 }, end: { x: sx(v), y: y0 + h }, thickness: 0.6, color: RED, dashArray: [2, 2] });
    series.forEach((s, i) => {
      const c = COLORS[i % COLORS.length];
      const pts = s.pts.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      for (let k = 1; k < pts.length; k++) p.drawLine({ start: { x: sx(pts[k - 1][0]), y: sy(pts[k - 1][1]) }, end: { x: sx(pts[k][0]), y: sy(pts[k][1]) }, thickness: 1.1, color: c });
      p.drawText(pdfSafe(s.name), { x: x0 + w + 6, y: y0 + h - 22 - i * 10, size: 6.5, font: this.font, color: c });
    });
    this.y = y0 - 28;
  }
}

const f3 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(3));
const ci = (c: [number, number] | null | undefined): string => (c ? `(${f3(c[0])}-${f3(c[1])})` : "");

type T1Var = { type: string; summary_by_group: Record<string, unknown>; test: string; p_value: number | null };
type T1Block = { groups: string[]; n_by_group: number[]; variables: Record<string, T1Var> };

function t1Rows(block: T1Block): string[][] {
  const rows: string[][] = [["Variable", ...block.groups.map((g, i) => `${g === "0" ? "ALN-" : g === "1" ? "ALN+" : g} (n=${block.n_by_group[i]})`), "Test", "p"]];
  for (const [name, v] of Object.entries(block.variables)) {
    const cells = block.groups.map((g) => {
      const s = v.summary_by_group[g] as Record<string, unknown>;
      if (v.type === "continuous") {
        const c = s as { mean: number; sd: number };
        return `${c.mean.toFixed(1)} +- ${c.sd.toFixed(1)}`;
      }
      return Object.entries(s as Record<string, { n: number; percent: number }>)
        .map(([lvl, x]) => `${lvl} ${x.n} (${x.percent.toFixed(0)}%)`)
        .join(", ");
    });
    rows.push([name, ...cells, v.test, v.p_value === null ? "n/a" : v.p_value < 0.001 ? "<0.001" : v.p_value.toFixed(3)]);
  }
  return rows;
}

export async function buildRunReportPdf(r: RunReport): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Axilla run report ${r.version.label}`);
  doc.setProducer("Axilla");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const footer = `Axilla model ${r.version.label} · hash ${r.version.contentHash.slice(0, 16)} · seed ${r.provenance.seed}${r.demo ? " · DEMO MODEL — NOT FOR CLINICAL USE" : ""} · research prototype, decision support only`;
  const w = new W(doc, font, bold, footer);
  w.text(`Axilla training run report — model ${r.version.label}`, { size: 16, bold: true, color: ACCENT });
  if (r.demo) w.text(r.demoLabel ?? "Demo model — not for clinical use", { size: 12, bold: true, color: RED });
  w.text(`Status ${r.version.status}${r.version.active ? " (active)" : ""}; created ${r.version.createdAt.slice(0, 10)}${r.version.publishedAt ? `, published ${r.version.publishedAt.slice(0, 10)}` : ""}${r.version.comment ? `; comment: ${r.version.comment}` : ""}`);
  w.text(`Content hash ${r.version.contentHash}; cohort data hash ${r.provenance.cohortHash}; seed ${r.provenance.seed}; software ${r.provenance.software}`, { size: 8 });
  if (r.provenance.cohortName) w.text(`Cohort: ${r.provenance.cohortName}`);
  if (r.provenance.timings) w.text(`Stage timings (s): ${Object.entries(r.provenance.timings).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}`, { size: 8 });

  w.heading("Cohort");
  const c = r.cohort;
  w.text(`${c.n} patients, ${c.events} with ALN metastasis; training ${c.training.n} (${c.training.events} events)${c.validation ? `, validation ${c.validation.n} (${c.validation.events} events)` : ""}; split ${c.splitMethod}; ${c.featuresOffered} features offered, ${c.droppedFeatures.length} dropped.`);
  w.heading("Table 1 — by outcome");
  for (const [split, block] of Object.entries(r.table1.byOutcome)) {
    w.text(split === "training" ? "Training (primary) cohort" : split === "validation" ? "Validation cohort" : split, { bold: true });
    w.table([0, 80, 220, 360, 420], t1Rows(block as T1Block), 7.5);
  }
  if (r.table1.bySplit) {
    w.text("Training vs validation", { bold: true });
    for (const block of Object.values(r.table1.bySplit)) w.table([0, 80, 220, 360, 420], t1Rows(block as T1Block).map((row, i) => (i === 0 ? row.map((x) => x.replace("ALN-", "primary").replace("ALN+", "validation")) : row)), 7.5);
  }

  w.heading("LASSO feature selection");
  w.text(`Measure ${r.lasso.measure}; lambda.${r.lasso.lambdaRule} = ${r.lasso.lambda.toPrecision(4)} (lambda.min ${r.lasso.cv.lambdaMin.toPrecision(4)}, lambda.1se ${r.lasso.cv.lambda1se.toPrecision(4)}); ${r.lasso.selected.length} features; bootstrap B = ${r.lasso.selection.B}.`);
  w.chart(
    "LASSO cross-validation",
    [
      { name: "CV mean", pts: r.lasso.cv.lambda.map((l, i) => [Math.log(l), r.lasso.cv.cvm[i]]) },
      { name: "+1 SE", pts: r.lasso.cv.lambda.map((l, i) => [Math.log(l), r.lasso.cv.cvm[i] + r.lasso.cv.cvsd[i]]) },
    ],
    [Math.log(Math.min(...r.lasso.cv.lambda)), Math.log(Math.max(...r.lasso.cv.lambda))],
    [Math.min(...r.lasso.cv.cvm.map((v, i) => v - r.lasso.cv.cvsd[i])), Math.max(...r.lasso.cv.cvm.map((v, i) => v + r.lasso.cv.cvsd[i]))],
    "log(lambda)",
    r.lasso.measure,
    { vlines: [Math.log(r.lasso.cv.lambdaMin), Math.log(r.lasso.cv.lambda1se)] },
  );
  w.table([0, 330, 420], [["Selected feature", "Coefficient", "Selection frequency"], ...r.lasso.selected.map((s) => [s.feature, s.coefficient.toFixed(4), s.frequency === null ? "n/a" : `${(100 * s.frequency).toFixed(0)}%`])]);

  w.heading("Table 2 — performance (95% CIs)");
  w.table(
    [0, 95, 175, 265, 355, 435],
    [["Model", "Cohort", "AUC (DeLong CI)", "ACC", "TPR", "TNR"], ...r.table2.map((m) => [m.model, `${m.cohort} (n=${m.n})`, `${f3(m.auc)} ${ci(m.aucCi)}`, `${f3(m.acc.estimate)} ${ci(m.acc.ci)}`, `${f3(m.tpr.estimate)} ${ci(m.tpr.ci)}`, `${f3(m.tnr.estimate)} ${ci(m.tnr.ci)}`])],
    7.5,
  );
  const rocSeries = [...r.roc.training, ...r.roc.validation].map((s) => ({ name: `${s.name} ${f3(s.auc)}`, pts: s.points.map((p) => [p.fpr, p.tpr] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]) }));
  w.chart("ROC curves", rocSeries.slice(0, 4), [0, 1], [0, 1], "1 - specificity", "sensitivity", { diagonal: true });

  w.heading("Nomogram");
  w.text(`Formula: ${r.nomogram.formula}${r.nomogram.deleted.length ? ` (backward AIC removed ${r.nomogram.deleted.join(", ")})` : ""}`);
  w.text(`C-index apparent ${f3(r.nomogram.cIndex.apparent)}, optimism-corrected ${f3(r.nomogram.cIndex.optimismCorrected)}, validation ${f3(r.nomogram.cIndex.validation)}`);
  w.table([0, 250, 350], [["Coefficient", "Estimate", "SE"], ...Object.entries(r.nomogram.coefficients).map(([k, v]) => [k, v.toFixed(4), f3(r.nomogram.se[k])])]);
  w.heading("Calibration");
  const cal = r.calibration.training;
  if (cal) {
    w.text(`Bias-corrected (bootstrap): intercept ${f3(cal.intercept)}, slope ${f3(cal.slope)}, Brier ${f3(cal.brier)}, mean |error| ${f3(cal.meanAbsError)}`);
    w.chart("Calibration (apparent and bias-corrected)", [
      { name: "apparent", pts: cal.predicted.map((p, i) => [p, cal.apparent[i]]) },
      { name: "bias-corrected", pts: cal.predicted.map((p, i) => [p, cal.corrected[i]]) },
    ], [0, 1], [0, 1], "predicted", "observed", { diagonal: true });
  }
  if (r.calibration.validation) w.text(`Validation cohort: intercept ${f3(r.calibration.validation.intercept)}, slope ${f3(r.calibration.validation.slope)}, Brier ${f3(r.calibration.validation.brier)}`);
  w.heading("Decision curve");
  const dc = r.decisionCurve;
  const ymax = Math.max(0.05, ...dc.model, ...dc.all);
  w.chart(`Decision curve (${dc.cohort})`, [
    { name: "nomogram", pts: dc.threshold.map((t, i) => [t, dc.model[i]]) },
    ...(dc.clinical ? [{ name: "clinical-only", pts: dc.threshold.map((t, i) => [t, dc.clinical![i]] as [number, number]) }] : []),
    { name: "treat all", pts: dc.threshold.map((t, i) => [t, dc.all[i]]) },
  ], [0, 1], [-0.05, ymax], "threshold probability", "net benefit");
  const at = [0.2, 0.3, 0.4, 0.5, 0.6].map((t) => dc.threshold.findIndex((x) => Math.abs(x - t) < 1e-9)).filter((i) => i >= 0);
  w.text(`Net interventions avoided per 100 patients: ${at.map((i) => `${(100 * dc.threshold[i]).toFixed(0)}%: ${dc.interventionsAvoided[i].toFixed(1)}`).join("; ")}`);
  w.heading("Clinical-only model");
  w.text(`Formula ${r.clinical.formula}; C apparent ${f3(r.clinical.cIndex.apparent)}, validation ${f3(r.clinical.cIndex.validation)}${r.clinical.comparison ? `; nomogram vs clinical-only (DeLong, ${r.clinical.comparison.cohort}): z = ${f3(r.clinical.comparison.z)}, p = ${f3(r.clinical.comparison.pValue)}` : ""}`);
  w.heading("Warnings");
  for (const x of r.warnings) w.text(`• ${x.message}`, { color: RED });
  w.heading("TRIPOD+AI items");
  w.table([0, 36, 150, 190], [["Item", "Topic", "State", "Text"], ...r.tripod.map((t) => [t.item, t.section, t.status === "filled" ? "filled" : "TO DO", t.text])], 7.5);
  return doc.save();
}
