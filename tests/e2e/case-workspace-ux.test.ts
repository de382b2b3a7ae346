// Usability of the case workspace (images + ROI + Rad-score), in real Chromium as the demo surgeon and the demo
// board member. Each block checks one defect found by exploratory testing:
//   spacing with a decimal comma; Tab reaches the viewports (name = caption, focus ring, shortcuts still work);
//   an implausible ROI (seed in the background) is warned about; switching images keeps the unsaved draft and its
//   undo history; leaving with unsaved edits asks first (Next link + beforeunload); "Compute Rad-score" is blocked
//   with a reason while an ROI is unsaved; double clicks send one save / one compute; a Rad-score computed before
//   the last ROI save is shown as out of date; after a reload the image with the (model view's) saved ROI is
//   active; the shortcuts dialog takes and gives back the focus and traps Tab; the board sees a read-only page.
// The second image is mdb028 again, written here as a CC view without pixel spacing (so the upload asks for it).
// The tests share one page and run in order; each sets up what it needs (an unsaved ROI etc.) itself, so that
// each reports its own defect.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Dialog, Page } from "playwright-core";
import { launchBrowser, login, skipBrowser, startServer, ROOT, type RunningServer } from "./harness.ts";
import { MDB028, MDB028_TUMOUR, writeTestArtefact } from "./surgeon-part1-model.ts";
import { decodePngGrey } from "../../lib/image/load.ts";
import { el, wrapGreyImage, UID } from "../../lib/dicom/index.ts";

const skip = skipBrowser();
const CC = "CC L · 1024×1024";
const MLO = "MLO L · 1024×1024";
const BACKGROUND = { row: 512, col: 950 }; // mdb028: black background right of the breast (value 0)

/** mdb028 as a left CC digital mammogram with no pixel spacing in its header. */
function writeCcWithoutSpacing(file: string): void {
  const png = decodePngGrey(readFileSync(join(ROOT, "tests", "fixtures", "dicom", "generated", "mdb028.png")), "mdb028.png");
  const dcm = wrapGreyImage({ rows: png.rows, cols: png.cols, data: Uint8Array.from(png.data) }, [
    el("SOPClassUID", UID.DigitalMammographyForPresentation),
    el("SOPInstanceUID", "2.25.1234567890123456789"),
    el("StudyInstanceUID", "2.25.1234567890123456790"),
    el("SeriesInstanceUID", "2.25.1234567890123456791"),
    el("Modality", "MG"),
    el("PresentationIntentType", "FOR PRESENTATION"),
    el("ImageLaterality", "L"),
    el("ViewPosition", "CC"),
    el("PatientOrientation", "A\\F"),
    el("WindowCenter", "128"),
    el("WindowWidth", "256"),
  ]);
  writeFileSync(file, dcm);
}

/** Screen point of image pixel (row, col) in a viewport at "fit" (the viewer's own fit formula). */
async function pixelToScreen(page: Page, label: string, row: number, col: number) {
  const canvas = page.getByTestId(`viewport-${label}`).locator("canvas");
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const [cw, ch] = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  const s = Math.min(cw / 1024, ch / 1024);
  const ox = (cw - 1024 * s) / 2;
  const oy = (ch - 1024 * s) / 2;
  return { x: box.x + ((ox + (col + 0.5) * s) * box.width) / cw, y: box.y + ((oy + (row + 0.5) * s) * box.height) / ch };
}

async function clickPixel(page: Page, label: string, p: { row: number; col: number }) {
  const at = await pixelToScreen(page, label, p.row, p.col);
  await page.mouse.click(at.x, at.y);
}

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName ?? null);

/** A tRPC call from inside the page (same origin, the page's session). */
async function trpc(page: Page, path: string, input?: unknown): Promise<unknown> {
  return page.evaluate(
    async ([path, input]) => {
      const r = input === undefined ? await fetch(`/api/trpc/${path}`) : await fetch(`/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) });
      const j = await r.json();
      if (!r.ok) throw new Error(`${path}: ${JSON.stringify(j)}`);
      return j.result.data.json;
    },
    [path, input] as const,
  );
}

describe("case workspace usability (browser)", { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  let tmp: string;
  let ccFile: string;
  let ctx: BrowserContext;
  let page: Page;
  let caseUrl = "";
  const calls: string[] = [];
  const count = (proc: string) => calls.filter((c) => c === proc).length;
  const stats = () => page.getByTestId("roi-stats");
  const vp = (label: string) => page.getByRole("button", { name: label, exact: true });

  /** Make `label` the active image (a click with the window/level tool), then choose the seed tool. */
  async function activate(label: string) {
    await page.getByRole("button", { name: "Window/level" }).click();
    await page.getByTestId(`viewport-${label}`).locator("canvas").click();
    await page.getByRole("heading", { name: `Tumour ROI on ${label.split(" · ")[0]}` }).waitFor({ timeout: 5_000 });
    await page.getByRole("button", { name: "Seed + threshold" }).click();
  }
  /** An unsaved seed ROI on the MLO tumour. */
  async function draftOnMlo(): Promise<string> {
    await activate(MLO);
    await clickPixel(page, MLO, MDB028_TUMOUR);
    await stats().filter({ hasText: "unsaved changes" }).waitFor({ timeout: 5_000 });
    return (await stats().textContent())!;
  }

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "axilla-e2e-ux-"));
    ccFile = join(tmp, "mdb028_CC_nospacing.dcm");
    writeCcWithoutSpacing(ccFile);
    let model = join(ROOT, "demo", "model.json");
    if (!existsSync(model)) {
      model = join(tmp, "model.json");
      await writeTestArtefact(model);
    }
    srv = await startServer({ env: { AXILLA_DEMO_MODEL: model } });
    browser = await launchBrowser();
    ctx = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    page = await ctx.newPage();
    page.on("request", (r) => {
      const m = new URL(r.url()).pathname.match(/^\/api\/trpc\/(.+)$/);
      if (m) calls.push(...m[1].split(","));
    });
  });
  after(async () => {
    await ctx?.close();
    await browser?.close();
    await srv?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("9: the upload accepts a pixel spacing with a decimal comma", async () => {
    await login(page, srv.url, "surgeon");
    await page.getByLabel("Case code").fill("E2E-UX-0001");
    await page.getByRole("button", { name: "Create case" }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    caseUrl = page.url();
    const upload = page.getByLabel("Upload mammograms");
    await upload.setInputFiles(ccFile);
    await page.getByRole("heading", { name: /Before storing mdb028_CC_nospacing\.dcm/ }).waitFor({ timeout: 30_000 });
    await page.getByLabel("Pixel spacing, rows (mm)").fill("0,2");
    await page.getByLabel("Pixel spacing, columns (mm)").fill("0,2");
    await page.getByRole("button", { name: "Store image" }).click();
    const outcome = page.locator('.upload-messages li.ok, .questions [role="alert"]').first();
    await outcome.waitFor({ timeout: 30_000 });
    const text = (await outcome.textContent()) ?? "";
    if (!/stored/.test(text)) {
      // refused: store it with a decimal point so that the other tests have their image, then fail
      await page.getByLabel("Pixel spacing, rows (mm)").fill("0.2");
      await page.getByLabel("Pixel spacing, columns (mm)").fill("0.2");
      await page.getByRole("button", { name: "Store image" }).click();
    }
    await page.locator(".upload-messages li.ok").filter({ hasText: "mdb028_CC_nospacing.dcm" }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !(document.getElementById("upload-files") as HTMLInputElement).disabled, undefined, { timeout: 10_000 });
    await upload.setInputFiles(MDB028);
    await page.locator(".upload-messages li.ok").filter({ hasText: "mdb028_MG.dcm" }).waitFor({ timeout: 30_000 });
    for (const l of [CC, MLO]) await page.getByTestId(`viewport-${l}`).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
    assert.match(text, /stored: CC L, 1024×1024 px, spacing 0\.2 × 0\.2 mm/, "spacing 0,2 accepted as 0.2 mm");
  });

  test("5: Tab reaches each viewport (name = caption, focus ring); focus / Enter make it active; shortcuts still work", async () => {
    assert.match((await page.locator(".radscore").textContent()) ?? "", /Uses the MLO view/, "these tests assume a model on the MLO view");
    assert.equal(await vp(CC).count(), 1, "CC viewport named by its caption");
    assert.equal(await vp(MLO).count(), 1, "MLO viewport named by its caption");
    assert.equal(await vp(CC).getAttribute("aria-pressed"), "true", "the first uploaded image is active (no ROI yet)");
    await page.getByRole("button", { name: "Dense tissue" }).focus();
    await page.keyboard.press("Tab");
    assert.equal(await focusedTestId(page), `viewport-${CC}`, "Tab from the toolbar reaches the first viewport");
    await page.keyboard.press("Tab");
    assert.equal(await focusedTestId(page), `viewport-${MLO}`, "Tab reaches the second viewport");
    const ring = await vp(MLO).evaluate((e) => {
      const s = getComputedStyle(e);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.ok(ring.style !== "none" && ring.width >= 2, `visible focus ring: ${JSON.stringify(ring)}`);
    await page.keyboard.press("Enter");
    assert.equal(await vp(MLO).getAttribute("aria-pressed"), "true", "focus + Enter activate the MLO image");
    assert.equal(await vp(CC).getAttribute("aria-pressed"), "false");
    await page.getByRole("heading", { name: "Tumour ROI on MLO L" }).waitFor({ timeout: 5_000 });
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Space");
    assert.equal(await vp(CC).getAttribute("aria-pressed"), "true", "Shift+Tab + Space: back to CC");
    await page.keyboard.press("s"); // shortcuts still work with a viewport focused
    assert.equal(await page.getByRole("button", { name: "Seed + threshold" }).getAttribute("aria-pressed"), "true", "S selects the seed tool");
  });

  test("10: a seed in the black background grows a visible warning, not a refusal", async () => {
    await activate(MLO);
    await clickPixel(page, MLO, BACKGROUND);
    await stats().filter({ hasText: "Area" }).waitFor({ timeout: 5_000 });
    const warning = page.locator("#roi-warning");
    await warning.waitFor({ timeout: 5_000 });
    assert.match((await warning.textContent()) ?? "", /background/);
    assert.ok(await page.getByRole("button", { name: "Save ROI", exact: true }).isEnabled(), "a warning, not a refusal");
    await clickPixel(page, MLO, MDB028_TUMOUR);
    await page.waitForFunction(() => !document.querySelector("#roi-warning"), undefined, { timeout: 5_000 });
  });

  test("2: Compute Rad-score is disabled, with the reason, while the ROI has unsaved changes", async () => {
    await draftOnMlo();
    assert.ok(await page.getByRole("button", { name: "Compute Rad-score" }).isDisabled(), "Compute Rad-score disabled with an unsaved ROI");
    assert.match((await page.locator("#compute-blocked").textContent({ timeout: 2_000 })) ?? "", /Save the ROI first.*MLO L/);
  });

  test("1: switching images keeps the unsaved ROI and its undo history", async () => {
    await activate(MLO);
    await clickPixel(page, MLO, BACKGROUND);
    await page.locator("#roi-warning").waitFor({ timeout: 5_000 }).catch(() => {});
    const s1 = await draftOnMlo(); // history: ..., background, tumour
    await activate(CC);
    assert.equal((await stats().textContent())!.trim(), "No ROI yet.");
    await activate(MLO);
    assert.equal(await stats().textContent(), s1, "the unsaved ROI is back after switching images");
    const undoBtn = page.getByRole("button", { name: "Undo", exact: true });
    assert.ok(await undoBtn.isEnabled(), "undo history kept");
    await undoBtn.click();
    assert.notEqual(await stats().textContent(), s1, "undo: the background ROI before it");
    await page.getByRole("button", { name: "Redo", exact: true }).click();
    assert.equal(await stats().textContent(), s1);
  });

  test("1: leaving with unsaved ROI changes asks first (Next link: confirm; reload: beforeunload)", async () => {
    const s1 = await draftOnMlo();
    const dialogs: { type: string; message: string }[] = [];
    const dismiss = (d: Dialog) => {
      dialogs.push({ type: d.type(), message: d.message() });
      void d.dismiss();
    };
    page.once("dialog", dismiss);
    try {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Cases" }).click();
      await page.waitForTimeout(400);
      assert.equal(dialogs[0]?.type, "confirm", "a Next link asks before leaving");
      assert.match(dialogs[0].message, /unsaved changes/);
      assert.equal(page.url(), caseUrl, "declining keeps the page");
      page.once("dialog", dismiss);
      await page.evaluate(() => void setTimeout(() => location.reload(), 0));
      await page.waitForTimeout(600);
      assert.equal(dialogs[1]?.type, "beforeunload", "a reload asks before leaving");
      assert.equal(await stats().textContent(), s1, "still the same page with the draft");
    } finally {
      page.removeListener("dialog", dismiss);
      if (page.url() !== caseUrl) await page.goto(caseUrl);
    }
  });

  test("7: a double click on Save ROI / Compute Rad-score sends one request", async () => {
    await draftOnMlo();
    const save0 = count("rois.save");
    // both clicks before React renders the disabled state: the worst case of a double click
    await page.getByRole("button", { name: "Save ROI", exact: true }).evaluate((b: HTMLButtonElement) => {
      b.click();
      b.click();
    });
    await page.getByRole("status").filter({ hasText: "ROI saved" }).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    assert.equal(count("rois.save") - save0, 1, `rois.save requests: ${count("rois.save") - save0}`);
    const computeBtn = page.getByRole("button", { name: "Compute Rad-score" });
    await page.waitForFunction(() => !document.querySelector("#compute-blocked"), undefined, { timeout: 5_000 });
    const c0 = count("radscore.compute");
    await computeBtn.evaluate((b: HTMLButtonElement) => {
      b.click();
      b.click();
    });
    await page.locator('[data-testid="radscore-value"], .radscore [role="alert"]').first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.radscore [role="alert"]').count(), 0, "Rad-score computed");
    await page.waitForTimeout(300);
    assert.equal(count("radscore.compute") - c0, 1, `radscore.compute requests: ${count("radscore.compute") - c0}`);
  });

  test("3: a Rad-score computed before the last ROI save is shown out of date (card and section link)", async () => {
    const predictLink = page.getByRole("navigation", { name: "Case sections" }).getByRole("link", { name: /^Prediction and nomogram/ });
    assert.equal(await page.locator("#radscore-stale").count(), 0);
    assert.equal((await predictLink.textContent())!.trim(), "Prediction and nomogram");
    await activate(MLO);
    const slider = page.getByLabel("Threshold", { exact: true });
    await slider.fill(String(Number(await slider.inputValue()) + 4));
    await stats().filter({ hasText: "unsaved changes" }).waitFor({ timeout: 5_000 });
    await page.getByRole("button", { name: "Save ROI", exact: true }).click();
    const stale = page.locator("#radscore-stale");
    await stale.waitFor({ timeout: 10_000 });
    assert.match((await stale.textContent()) ?? "", /Out of date: the ROI changed after this Rad-score was computed — compute it again\./);
    assert.match((await page.locator(".rs-value").getAttribute("class")) ?? "", /\bstale\b/, "the value is shown greyed");
    assert.equal(await page.getByRole("link", { name: /Next: clinical factors and nomogram/ }).count(), 0, "no 'next' link to the prediction with an old score");
    await page.waitForFunction(() => /out of date/.test([...document.querySelectorAll('nav[aria-label="Case sections"] a')].map((a) => a.textContent).join(" ")), undefined, { timeout: 5_000 });
    await page.getByRole("button", { name: "Compute Rad-score" }).click();
    await page.waitForFunction(() => !document.querySelector("#radscore-stale"), undefined, { timeout: 60_000 });
    assert.equal((await predictLink.textContent())!.trim(), "Prediction and nomogram");
    assert.ok(Number.isFinite(Number(await page.getByTestId("radscore-value").textContent())));
  });

  test("4: after a reload the image with the saved ROI of the model's view is active", async () => {
    // a later ROI on CC (uploaded first, not the model's view)
    await activate(CC);
    await clickPixel(page, CC, MDB028_TUMOUR);
    await stats().filter({ hasText: "unsaved changes" }).waitFor({ timeout: 5_000 });
    await page.getByRole("button", { name: "Save ROI", exact: true }).click();
    await stats().filter({ hasNotText: "unsaved" }).waitFor({ timeout: 10_000 });
    await page.reload();
    for (const l of [CC, MLO]) await page.getByTestId(`viewport-${l}`).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
    const heading = page.getByRole("heading", { name: /Tumour ROI on/ });
    await heading.waitFor({ timeout: 5_000 });
    await stats().filter({ hasText: "Area" }).waitFor({ timeout: 10_000 });
    assert.equal((await heading.textContent())!.trim(), "Tumour ROI on MLO L");
    assert.equal(await vp(MLO).getAttribute("aria-pressed"), "true", "the MLO image is active after a reload");
  });

  test("6: the shortcuts dialog takes the focus, keeps Tab inside and gives the focus back", async () => {
    const opener = page.getByRole("button", { name: "Keyboard shortcuts" });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor({ timeout: 5_000 });
    const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    try {
      assert.ok(await inDialog(), "focus moved into the dialog");
      for (const k of ["Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"]) {
        await page.keyboard.press(k);
        assert.ok(await inDialog(), `focus still in the dialog after ${k}`);
      }
    } finally {
      await page.keyboard.press("Escape");
    }
    assert.equal(await dialog.count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Keyboard shortcuts", "focus back on the opener");
  });

  test("8: a board member opening the case directly gets a read-only page and a link back to the meetings", async () => {
    const board = (await trpc(page, "meetings.boardMembers")) as { id: string }[];
    const meeting = (await trpc(page, "meetings.create", { date: "2026-12-02T08:00:00.000Z", title: "UX e2e", memberIds: board.map((b) => b.id) })) as { id: string };
    await trpc(page, "meetings.addCase", { meetingId: meeting.id, caseId: caseUrl.split("/").pop() });
    const bctx = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    try {
      const bp = await bctx.newPage();
      await login(bp, srv.url, "board");
      await bp.goto(caseUrl);
      await bp.getByTestId(`viewport-${MLO}`).locator('canvas[data-loaded="true"]').waitFor({ timeout: 30_000 });
      assert.ok(await bp.getByRole("button", { name: "Window/level" }).isVisible(), "viewing tools stay");
      for (const name of ["Seed + threshold", "Freehand", "Brush", "Eraser", "Save ROI", "Compute Rad-score", "Undo"])
        assert.equal(await bp.getByRole("button", { name, exact: true }).count(), 0, `no "${name}" for the board`);
      assert.equal(await bp.getByLabel("Upload mammograms").count(), 0, "no upload for the board");
      const back = bp.getByRole("navigation", { name: "Case sections" }).getByRole("link").first();
      assert.equal((await back.textContent())!.trim(), "← Meetings");
      assert.equal(await back.getAttribute("href"), "/board");
      assert.equal(await bp.getByRole("link", { name: /All cases/ }).count(), 0);
      await bp.getByTestId("read-only").waitFor({ timeout: 5_000 });
      assert.match((await bp.getByTestId("radscore-value").textContent()) ?? "", /^-?\d/, "the board sees the Rad-score");
      // the CC ROI was saved after the last computation: out of date, and the board cannot compute it
      assert.match((await bp.locator("#radscore-stale").textContent()) ?? "", /Out of date.*surgeon must compute it again/);
    } finally {
      await bctx.close();
    }
  });
});
