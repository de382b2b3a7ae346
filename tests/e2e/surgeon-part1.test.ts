// Acceptance 1 and 5 of the surgeon workflow (part 1), in real Chromium as the demo surgeon: create a case, upload
// mdb028 as an MG DICOM and the WG04 MG1 film mammogram through the confirm-and-spacing path, see both in the
// viewer, make an ROI with one seed click, adjust the threshold, undo and redo, save, reload (ROI restored),
// "Compute Rad-score" -> a number. Also measures the time to open the 13-Mpixel MG1 image and the frame times
// while dragging window/level (performance marks from the viewer), and prints them.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, login, skipBrowser, startServer, ROOT, type RunningServer } from "./harness.ts";
import { MDB028, MDB028_TUMOUR, writeTestArtefact } from "./surgeon-part1-model.ts";

const skip = skipBrowser();
const MG1 = join(import.meta.dirname, "..", "fixtures", "dicom", "mammography_wg04_mg1", "MG1_JPLY.dcm");

function q(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Screen point of image pixel (row, col) in a viewport at "fit" (the viewer's own fit formula). */
async function pixelToScreen(page: Page, testId: string, rows: number, cols: number, row: number, col: number) {
  const canvas = page.getByTestId(testId).locator("canvas");
  const box = (await canvas.boundingBox())!;
  const [cw, ch] = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  const s = Math.min(cw / cols, ch / rows);
  const ox = (cw - cols * s) / 2;
  const oy = (ch - rows * s) / 2;
  return { x: box.x + ((ox + (col + 0.5) * s) * box.width) / cw, y: box.y + ((oy + (row + 0.5) * s) * box.height) / ch };
}

describe("surgeon part 1 in the browser", { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  let tmp: string;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "axilla-e2e-model-"));
    const demo = join(ROOT, "demo", "model.json");
    let model = demo;
    if (!existsSync(demo)) {
      model = join(tmp, "model.json");
      await writeTestArtefact(model);
    }
    srv = await startServer({ env: { AXILLA_DEMO_MODEL: model } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("create, upload (MG + film MG1), seed ROI, threshold, undo/redo, save, reload, Compute Rad-score", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await ctx.newPage();
    await login(page, srv.url, "surgeon");

    // create a case
    await page.getByLabel("Case code").fill("Jane Doe");
    await page.getByRole("button", { name: "Create case" }).click();
    await page.getByRole("alert").filter({ hasText: "no spaces" }).waitFor();
    await page.getByLabel("Case code").fill("E2E-0001");
    await page.getByRole("button", { name: "Create case" }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    assert.equal(await page.getByTestId("case-code").textContent(), "E2E-0001");

    // upload the MG DICOM
    const upload = page.getByLabel("Upload mammograms");
    await upload.setInputFiles(MDB028);
    await page.locator(".upload-messages li.ok").filter({ hasText: "mdb028_MG.dcm" }).waitFor({ timeout: 30_000 });
    // a CT image is refused with a clear message
    await upload.setInputFiles(join(import.meta.dirname, "..", "fixtures", "dicom", "misc_real", "CT_small.dcm"));
    await page.locator(".upload-messages li.error").filter({ hasText: "not a mammogram" }).waitFor({ timeout: 30_000 });
    // the film mammogram: confirm it is a mammogram, accept the prefilled spacing
    await upload.setInputFiles(MG1);
    await page.getByRole("heading", { name: /Before storing MG1_JPLY\.dcm/ }).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByLabel("Pixel spacing, rows (mm)").inputValue(), "0.05");
    assert.equal(await page.getByLabel("Pixel spacing, columns (mm)").inputValue(), "0.05");
    await page.getByRole("button", { name: "Store image" }).click();
    await page.getByRole("alert").filter({ hasText: "confirm that this image is a mammogram" }).waitFor();
    await page.getByLabel("I confirm this image is a mammogram").check();
    await page.getByRole("button", { name: "Store image" }).click();
    await page.locator(".upload-messages li.ok").filter({ hasText: "MG1_JPLY.dcm" }).waitFor({ timeout: 60_000 });

    const MINI = "viewport-MLO L · 1024×1024";
    const BIG = "viewport-MLO L · 3064×4664";
    await page.getByTestId(MINI).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
    await page.getByTestId(BIG).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
    // both views side by side (one row)
    const b1 = (await page.getByTestId(MINI).boundingBox())!;
    const b2 = (await page.getByTestId(BIG).boundingBox())!;
    assert.ok(Math.abs(b1.y - b2.y) < 2 && b1.x !== b2.x, "the two views are side by side");

    // the visible labels of acceptance 1 are the accessible names
    for (const name of ["Undo", "Redo", "Save ROI", "Compute Rad-score"]) assert.ok(await page.getByRole("button", { name, exact: true }).isVisible(), name);
    assert.equal(await page.getByLabel("Threshold", { exact: true }).getAttribute("type"), "range");

    // ROI: activate mdb028, seed tool, one click in the tumour
    const seedAt = await pixelToScreen(page, MINI, 1024, 1024, MDB028_TUMOUR.row, MDB028_TUMOUR.col);
    await page.mouse.click(seedAt.x, seedAt.y); // activates the viewport
    await page.getByRole("button", { name: "Seed + threshold" }).click();
    await page.mouse.click(seedAt.x, seedAt.y);
    const stats = page.getByTestId("roi-stats");
    await stats.filter({ hasText: "Area" }).waitFor();
    const a1 = (await stats.textContent())!.replace(" · unsaved changes", "");
    const slider = page.getByLabel("Threshold", { exact: true });
    const v1 = Number(await slider.inputValue());
    await slider.fill(String(v1 + 6));
    await page.waitForFunction((prev) => !document.querySelector('[data-testid="roi-stats"]')!.textContent!.startsWith(prev), a1);
    const a2 = (await stats.textContent())!.replace(" · unsaved changes", "");
    assert.notEqual(a2, a1, "the threshold changes the ROI");
    await page.getByRole("button", { name: "Undo", exact: true }).click();
    assert.equal((await stats.textContent())!.replace(" · unsaved changes", ""), a1, "undo restores the seed ROI");
    await page.getByRole("button", { name: "Redo", exact: true }).click();
    assert.equal((await stats.textContent())!.replace(" · unsaved changes", ""), a2, "redo re-applies the threshold");
    await page.keyboard.press("Control+z");
    assert.equal((await stats.textContent())!.replace(" · unsaved changes", ""), a1, "Ctrl+Z");
    await page.keyboard.press("Control+Shift+z");
    assert.equal((await stats.textContent())!.replace(" · unsaved changes", ""), a2, "Ctrl+Shift+Z");
    await page.getByRole("button", { name: "Save ROI", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "ROI saved" }).waitFor();

    // help overlay
    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await page.keyboard.press("Escape");
    assert.equal(await page.getByRole("dialog").count(), 0);

    // reload: the ROI is restored; time the opening of the 13-Mpixel image
    const t0 = Date.now();
    await page.reload();
    await page.getByTestId(BIG).locator('canvas[data-painted="true"]').waitFor({ timeout: 30_000 });
    const wallOpenMs = Date.now() - t0; // first paint (reduced preview of the 13-Mpixel image)
    await page.getByTestId(BIG).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
    const wallFullMs = Date.now() - t0; // full resolution painted (ROI tools available)
    const open = await page.evaluate(() => {
      const painted = performance.getEntriesByType("mark").filter((m) => m.name.startsWith("axilla-open-painted:") || m.name.startsWith("axilla-open-full:"));
      const measures = [...performance.getEntriesByName("axilla-open"), ...performance.getEntriesByName("axilla-open-full")].map((m) => `${m.name} ${Math.round(m.duration)}`);
      return { paintedAt: painted.map((m) => ({ name: m.name, t: m.startTime })), measures };
    });
    await page.getByTestId(MINI).locator('canvas[data-loaded="true"]').waitFor();
    await stats.filter({ hasText: "Area" }).waitFor({ timeout: 10_000 });
    assert.equal((await stats.textContent())!.trim(), a2, "the saved ROI is restored after a reload");

    // Compute Rad-score -> a number, with the model version
    await page.getByRole("button", { name: "Compute Rad-score" }).click();
    await page.locator('[data-testid="radscore-value"], .radscore [role="alert"]').first().waitFor({ timeout: 60_000 });
    const rsError = await page.locator('.radscore [role="alert"]').count();
    assert.equal(rsError, 0, `Compute Rad-score failed: ${rsError ? await page.locator('.radscore [role="alert"]').textContent() : ""}`);
    const rsText = await page.getByTestId("radscore-value").textContent();
    const rs = Number(rsText);
    assert.ok(Number.isFinite(rs), `Rad-score shown: ${rsText}`);
    assert.match((await page.getByTestId("model-version").textContent()) ?? "", /\(/);
    assert.ok(await page.getByText("Demo model — not for clinical use").first().isVisible());

    // window/level drag on the 13-Mpixel image: frame times from the viewer's performance marks
    await page.getByRole("button", { name: "Window/level" }).click();
    const bigCanvas = page.getByTestId(BIG).locator("canvas");
    await bigCanvas.scrollIntoViewIfNeeded();
    const bb = (await bigCanvas.boundingBox())!;
    await page.mouse.click(bb.x + bb.width / 2, bb.y + bb.height / 2); // activate
    await page.evaluate(() => performance.clearMeasures("axilla-render"));
    const wlBefore = await page.getByTestId(BIG).getByTestId("wl-readout").textContent();
    const cx = bb.x + bb.width / 2;
    const cy = bb.y + bb.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    const steps = 60;
    const tDrag = Date.now();
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(cx + i * 3, cy + i * 2);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
    }
    const dragMs = Date.now() - tDrag;
    await page.mouse.up();
    const frames = (await page.evaluate(() => performance.getEntriesByName("axilla-render").map((m) => m.duration))).sort((x, y) => x - y);
    const wl = await page.getByTestId(BIG).getByTestId("wl-readout").textContent();
    await page.screenshot({ path: join(ROOT, "tests", "artifacts", "surgeon-part1-viewer.png") });
    console.log("SURGEON-PART1-DEBUG " + JSON.stringify({ wlBefore, wl, frames: frames.length, box: bb }));
    assert.ok(frames.length >= steps * 0.8, `renders during the drag: ${frames.length}`);

    const bigPaint = open.paintedAt.find((m) => m.name.includes("/pixels/") && open.paintedAt.length > 0);
    const report = {
      open13MpixelMs: {
        reloadToFirstPaint: wallOpenMs,
        reloadToFullResolution: wallFullMs,
        navigationTo: open.paintedAt.map((m) => `${m.name.replace(/:.*\/pixels\//, " ")} ${Math.round(m.t)}`),
        fetchTo: open.measures,
      },
      windowLevelFrameMs: { n: frames.length, median: +q(frames, 0.5).toFixed(2), p95: +q(frames, 0.95).toFixed(2), max: +frames[frames.length - 1].toFixed(2), dragWallMsPerStep: +(dragMs / steps).toFixed(1) },
      radscore: rs,
      wlAfterDrag: wl,
    };
    // speed targets (open < 3 s, W/L frames within 16.7 ms) are measured and printed, not asserted: timed
    // assertions belong in benchmarks, not in tests that run on a loaded CI machine
    console.log("SURGEON-PART1-FIGURES " + JSON.stringify(report));
    assert.ok(bigPaint, "open marks recorded");

    // cold open of the 13-Mpixel image: a fresh browser context (empty HTTP cache), straight to the case page
    const caseUrl = page.url();
    const cold = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const p2 = await cold.newPage();
    await login(p2, srv.url, "surgeon");
    const c0 = Date.now();
    await p2.goto(caseUrl);
    await p2.getByTestId(BIG).locator('canvas[data-painted="true"]').waitFor({ timeout: 30_000 });
    const coldFirstPaint = Date.now() - c0;
    await p2.getByTestId(BIG).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
    const coldFull = Date.now() - c0;
    await cold.close();
    console.log("SURGEON-PART1-COLD-OPEN " + JSON.stringify({ gotoToFirstPaintMs: coldFirstPaint, gotoToFullResolutionMs: coldFull }));

    // nothing identifying from the uploaded headers in the server logs
    const logs = srv.logs();
    for (const s of ["MIAS^mdb028", "mini-MIAS mdb028 CIRC"]) assert.ok(!logs.includes(s), `server log contains ${s}`);
    await ctx.close();
  });
});
