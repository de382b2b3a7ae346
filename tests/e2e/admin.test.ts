// Acceptance 1 (issue 5), real Chromium: as the demo admin import the demo cohort, start training, watch the
// progress bar advance, open the report (every section present), publish with a comment; then as the demo
// surgeon a new prediction uses the new version while an older prediction still shows its old version.
// The surgeon's case (DICOM upload, ROI, Rad-score, prediction) goes through the portal's own tRPC endpoints
// from the signed-in page. Prints the demo training time end to end and the stage timings.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, login, ROOT, skipBrowser, startServer, trpcInPage as trpc, type RunningServer } from "./harness.ts";

const skip = skipBrowser();

function rleCircle(rows: number, cols: number, cy: number, cx: number, rad: number): string {
  const runs: number[] = [];
  let v = 0;
  let len = 0;
  for (let i = 0; i < rows * cols; i++) {
    const y = Math.floor(i / cols);
    const x = i % cols;
    const b = (y - cy) ** 2 + (x - cx) ** 2 <= rad * rad ? 1 : 0;
    if (b === v) len++;
    else {
      runs.push(len);
      v = b;
      len = 1;
    }
  }
  runs.push(len);
  return runs.join(",");
}

const FACTORS = { age: 58, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" };

/** Admin: start a run on the demo cohort from the runs page; returns the version id when done. */
async function trainAndOpenReport(page: Page, url: string, opts: { bootstrapB?: number; validateB?: number; reloadMidway?: boolean }): Promise<{ versionId: string; seconds: number; progress: number[]; timings: string }> {
  await page.goto(`${url}/admin/runs`);
  await page.getByLabel("Cohort").waitFor();
  if (opts.bootstrapB !== undefined) await page.getByLabel("LASSO bootstrap selections (B)").fill(String(opts.bootstrapB));
  if (opts.validateB !== undefined) await page.getByLabel("Validation / calibration bootstrap (B)").fill(String(opts.validateB));
  const t0 = Date.now();
  await page.getByRole("button", { name: "Start training" }).click();
  await page.waitForURL(/\/admin\/runs\/[0-9a-f-]{36}$/);
  const progress: number[] = [];
  const bar = page.getByTestId("overall-progress");
  let reloaded = !opts.reloadMidway;
  for (;;) {
    const status = await page.getByTestId("run-status").textContent();
    const v = Number(await bar.getAttribute("value"));
    if (progress[progress.length - 1] !== v) progress.push(v);
    if (status === "succeeded") break;
    if (!reloaded && v > 0) {
      // the run survives a page reload: the page picks it up from the server where it is
      reloaded = true;
      await page.reload();
      await page.getByTestId("run-status").waitFor();
      continue;
    }
    if (status === "failed" || status === "cancelled") throw new Error(`run ${status}: ${await page.locator("#run-failure").textContent()}`);
    if (Date.now() - t0 > 240_000) throw new Error("training did not finish in 240 s");
    await page.waitForTimeout(150);
  }
  const seconds = (Date.now() - t0) / 1000;
  const timings = (await page.locator("p.chart-note", { hasText: "Stage timings" }).textContent()) ?? "";
  const link = page.locator("#open-report");
  const href = (await link.getAttribute("href"))!;
  await link.click();
  await page.waitForURL(`${url}${href}`);
  return { versionId: href.split("/").pop()!, seconds, progress, timings };
}

async function publish(page: Page, comment: string) {
  await page.getByLabel(/Comment \(why\)/).fill(comment);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.locator("#transition-done").waitFor();
  await page.getByTestId("version-status").filter({ hasText: "active" }).waitFor();
}

describe("model administration (browser)", { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  before(async () => {
    srv = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test("import demo cohort, train with progress, full report, publish; surgeon predictions keep their version", async () => {
    const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const surgeon = await (await browser.newContext()).newPage();
    await login(admin, srv.url, "admin");
    await login(surgeon, srv.url, "surgeon");

    // 1. import the demo cohort
    await admin.goto(`${srv.url}/admin/cohorts`);
    await admin.getByRole("button", { name: "Load demo cohort" }).click();
    await admin.locator("#import-message", { hasText: "Demo cohort imported: 147 patients, 83 with ALN metastasis" }).waitFor({ timeout: 30_000 });
    await admin.locator("#cohort-list").getByText("demo — not for clinical use").waitFor();

    // 2. train (default settings = the full pipeline) and watch the progress bar advance
    const run1 = await trainAndOpenReport(admin, srv.url, { reloadMidway: true });
    assert.ok(run1.progress.filter((p) => p > 0 && p < 100).length >= 3, `progress advanced through intermediate values: ${run1.progress.join(",")}`);
    for (let i = 1; i < run1.progress.length; i++) assert.ok(run1.progress[i] >= run1.progress[i - 1], "the bar never goes back");
    console.log(`demo training (full default pipeline) end to end in the browser: ${run1.seconds.toFixed(1)} s; ${run1.timings}`);
    assert.ok(run1.seconds < 60, `demo training took ${run1.seconds} s (target < 60 s)`);

    // 3. the report: every section present, with its D3 charts, and the demo label
    for (const h of ["Table 1 — patient characteristics", "LASSO feature selection", "Selection frequency over bootstraps", "Rad-score by patient", "ROC curves", "Table 2 — performance with 95% CIs", "Nomogram", "Calibration", "Decision curve", "Clinical-only model", "Warnings", "TRIPOD+AI items"])
      await admin.getByRole("heading", { level: 2, name: h, exact: true }).waitFor({ timeout: 20_000 });
    for (const id of ["chart-lasso-cv", "chart-lasso-path", "chart-selection", "chart-radscore-training", "chart-radscore-validation", "chart-roc-training", "chart-roc-validation", "chart-nomogram", "chart-calibration", "chart-dca"])
      assert.ok((await admin.locator(`#${id} svg *`).count()) > 5, `${id} drawn`);
    assert.match((await admin.getByTestId("demo-label").textContent()) ?? "", /Demo model — not for clinical use/);
    // hover values: a LASSO CV tooltip
    await admin.locator("#chart-lasso-cv svg rect").last().hover();
    await admin.locator("#chart-lasso-cv [role=tooltip]").waitFor();
    assert.match((await admin.locator("#chart-lasso-cv [role=tooltip]").textContent()) ?? "", /non-zero coefficients/);
    mkdirSync(join(ROOT, "tests", "artifacts"), { recursive: true });
    await admin.screenshot({ path: join(ROOT, "tests", "artifacts", "admin-report.png"), fullPage: true });
    // export PDF
    const [pdf] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("button", { name: "Export PDF" }).click()]);
    assert.match(pdf.suggestedFilename(), /\.pdf$/);
    // publish needs a comment
    await admin.getByRole("button", { name: "Publish" }).click();
    await admin.locator("#transition-error", { hasText: /comment/i }).waitFor();
    await publish(admin, "first model trained on the demo cohort");
    const vA = run1.versionId;
    const labelA = ((await admin.getByRole("heading", { level: 1 }).textContent()) ?? "").match(/Model (v\d+)/)![1];

    // 4. surgeon: a case with a Rad-score and a saved prediction with version A
    const c = await trpc<{ id: string }>(surgeon, "cases.create", { caseCode: "AX-E2E-1" });
    const dcm = readFileSync(join(ROOT, "tests", "fixtures", "dicom", "generated", "mdb028_MG.dcm"));
    const up = await trpc<{ uploadId: string; chunkBytes: number }>(surgeon, "images.uploadBegin", { caseId: c.id, size: dcm.length });
    for (let off = 0; off < dcm.length; off += up.chunkBytes)
      await trpc(surgeon, "images.uploadChunk", { uploadId: up.uploadId, offset: off, data: dcm.subarray(off, off + up.chunkBytes).toString("base64") });
    let ing = await trpc<{ status: string; image?: { id: string; rows: number; cols: number } }>(surgeon, "images.ingest", { uploadId: up.uploadId });
    if (ing.status === "needs-input") ing = await trpc(surgeon, "images.ingest", { uploadId: up.uploadId, view: "MLO", laterality: "L", spacingMm: [0.2, 0.2], confirmNotMammogram: true });
    assert.equal(ing.status, "stored");
    const img = ing.image!;
    await trpc(surgeon, "rois.save", { imageId: img.id, method: "freehand", rows: img.rows, cols: img.cols, rle: rleCircle(img.rows, img.cols, Math.round(img.rows / 2), Math.round(img.cols * 0.2), 40) });
    await trpc(surgeon, "radscore.compute", { caseId: c.id });
    const p1 = await trpc<{ id: string; modelVersionId: string; modelVersionLabel: string }>(surgeon, "predictions.save", { caseId: c.id, factors: FACTORS });
    assert.equal(p1.modelVersionId, vA);

    // 5. admin: a second run, published as the new active version
    const run2 = await trainAndOpenReport(admin, srv.url, { bootstrapB: 30, validateB: 50 });
    await publish(admin, "second run with fewer bootstraps, replaces the first");
    const vB = run2.versionId;
    assert.notEqual(vB, vA);
    await admin.goto(`${srv.url}/admin/models`);
    const labelB = ((await admin.getByTestId("active-version").textContent()) ?? "").trim();
    assert.notEqual(labelB, labelA);

    // 6. surgeon: a new prediction uses the new version; the older one still shows its old version
    await trpc(surgeon, "radscore.compute", { caseId: c.id });
    const p2 = await trpc<{ id: string; modelVersionId: string; modelVersionLabel: string }>(surgeon, "predictions.save", { caseId: c.id, factors: FACTORS });
    assert.equal(p2.modelVersionId, vB);
    assert.equal(p2.modelVersionLabel, labelB);
    const list = await trpc<{ id: string; modelVersionId: string; modelVersionLabel: string }[]>(surgeon, "predictions.list", { caseId: c.id }, "query");
    const old = list.find((p) => p.id === p1.id)!;
    assert.equal(old.modelVersionId, vA);
    assert.equal(old.modelVersionLabel, labelA);
    const oldView = await trpc<{ prediction: { modelVersionLabel: string }; model: { versionLabel: string } | null }>(surgeon, "predictions.get", { id: p1.id }, "query");
    assert.equal(oldView.prediction.modelVersionLabel, labelA);
    assert.equal(oldView.model?.versionLabel, labelA, "the old prediction is shown with its own model version");
    console.log(`second run (B=30, validate B=50): ${run2.seconds.toFixed(1)} s; predictions: ${labelA} (older), ${labelB} (new)`);
  });
});
