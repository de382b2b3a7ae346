// Browser (real Chromium), issue 6 acceptance: as the demo surgeon open a case with a Rad-score, fill the six
// factors by keyboard, see the probability (= lib/model predict for the same inputs) and the nomogram, drag the
// T-stage marker and see the probability change, reset, save, download the PDF (case code + model version
// inside); every control's accessible name equals its visible label; frame times of drag steps measured with
// performance marks (printed). As the demo board member: open the meeting and page through its cases in
// presentation mode by keyboard. Screenshots go to tests/artifacts/ (not committed).
//
// The database is prepared before the server starts (PGlite dir): demo users, the model version, a case with a
// Rad-score of that version, a second case with a saved prediction, and a meeting holding both. The model is
// demo/model.json when it keeps a T-stage axis, else tests/fixtures/predictions/model-full.json (trained by the
// real pipeline on the demo cohort with backward elimination off).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { checkAccessibleNames, launchBrowser, login, skipBrowser, startServer, ROOT, type RunningServer } from "./harness.ts";
import { openPglite } from "../../server/db/index.ts";
import { seed } from "../../server/db/seed.ts";
import { cases, modelVersions, radscores, users } from "../../server/db/schema.ts";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { parseArtefact, type ModelArtefact } from "../../lib/model/artefact.ts";
import { hashArtefact } from "../../lib/model/hash.ts";
import { predict } from "../../lib/model/predict.ts";
import { pdfText } from "../integration/report-pdftext.ts";

const skip = skipBrowser();
const ART = join(ROOT, "tests", "artifacts");
const CASE1 = "AX-E2E-0101";
const CASE2 = "AX-E2E-0102";
const CASE3 = "AX-E2E-0103"; // not on any meeting
const RADSCORE1 = 0.9134;
const VERSION = "e2e-model-v1";
const FACTORS = { age: 52, t_stage: "T1", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" } as const;

function pickModel(): { json: unknown; source: string } {
  const demo = join(ROOT, "demo", "model.json");
  if (existsSync(demo)) {
    const j = JSON.parse(readFileSync(demo, "utf8"));
    if (j?.nomogram?.terms?.some((t: { variable: string }) => t.variable === "t_stage")) return { json: j, source: "demo/model.json" };
  }
  return { json: JSON.parse(readFileSync(join(ROOT, "tests", "fixtures", "predictions", "model-full.json"), "utf8")), source: "tests/fixtures/predictions/model-full.json" };
}

const pct = (p: number) => `${(100 * p).toFixed(1)}%`;


async function frameStats(page: Page): Promise<{ n: number; median: number; p95: number; max: number }> {
  const d = await page.evaluate(() => performance.getEntriesByName("nomogram:update", "measure").map((e) => e.duration));
  const s = d.slice().sort((a, b) => a - b);
  const q = (f: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(f * s.length))] : NaN);
  return { n: s.length, median: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN };
}

describe("surgeon part 2 and tumour board (browser)", { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  let dataDir = "";
  let artefact: ModelArtefact;
  const ids: Record<string, string> = {};
  let modelSource = "";

  before(async () => {
    mkdirSync(ART, { recursive: true });
    const m = pickModel();
    modelSource = m.source;
    artefact = parseArtefact(m.json);
    dataDir = mkdtempSync(join(tmpdir(), "axilla-e2e-p2-"));
    const h = await openPglite(join(dataDir, "pg"));
    try {
      await seed(h.db);
      const who = Object.fromEntries((await h.db.select().from(users)).map((u) => [u.role, u]));
      const [v] = await h.db
        .insert(modelVersions)
        .values({ label: VERSION, status: "published", active: true, artefact, contentHash: hashArtefact(artefact), comment: "e2e", publishedAt: new Date() })
        .returning();
      const mk = async (code: string, rs: number) => {
        const [c] = await h.db.insert(cases).values({ caseCode: code, ownerId: who.surgeon.id }).returning();
        await h.db.insert(radscores).values({ caseId: c.id, modelVersionId: v.id, value: rs, detail: { outOfRange: [] }, createdBy: who.surgeon.id });
        return c.id;
      };
      ids.case1 = await mk(CASE1, RADSCORE1);
      ids.case2 = await mk(CASE2, -0.42);
      ids.case3 = await mk(CASE3, 0.1);
      const surgeon = createCaller(createTestContext({ db: h.db, user: { id: who.surgeon.id, email: who.surgeon.email, name: who.surgeon.name, role: "surgeon" } }));
      await surgeon.predictions.save({ caseId: ids.case2, factors: { age: 64, t_stage: "T2", location: "LOQ", er: "negative", pr: "negative", us_aln: "negative" } });
      // the demo board member is a member of the meeting (board users see only their meetings)
      const meeting = await surgeon.meetings.create({ date: new Date("2026-12-02T08:00:00Z"), title: "Breast MDT e2e", memberIds: [who.board.id] });
      ids.meeting = meeting.id;
      await surgeon.meetings.addCase({ meetingId: meeting.id, caseId: ids.case1 });
      await surgeon.meetings.addCase({ meetingId: meeting.id, caseId: ids.case2 });
    } finally {
      await h.close();
    }
    srv = await startServer({ env: { DATA_DIR: dataDir } });
    browser = await launchBrowser();
    console.log(`# model used: ${modelSource} (terms: ${artefact.nomogram.terms.map((t) => t.variable).join(", ")})`);
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("surgeon: factors by keyboard, probability = engine, nomogram drag/keys/reset, save, report, PDF", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await ctx.newPage();
    try {
      await login(page, srv.url, "surgeon");
      await page.goto(`${srv.url}/cases/${ids.case1}/predict`);
      await page.getByRole("heading", { level: 1, name: `Prediction · case ${CASE1}` }).waitFor({ timeout: 30_000 });
      assert.equal((await page.getByTestId("radscore").textContent())?.trim(), RADSCORE1.toFixed(3));
      assert.match((await page.getByTestId("demo-label").textContent()) ?? "", /Demo model — not for clinical use/);
      assert.match((await page.getByTestId("model-version").textContent()) ?? "", new RegExp(VERSION));

      // keyboard only: focus Age, type, Tab through the selects choosing with the arrow keys
      const levels = (k: string, all: string[]) => {
        const lv = new Set([...(artefact.nomogram.terms.find((t) => t.variable === k)?.levels ?? []), ...(artefact.clinical.terms.find((t) => t.variable === k)?.levels ?? [])]);
        return lv.size ? all.filter((v) => lv.has(v)) : all;
      };
      await page.getByRole("spinbutton", { name: "Age", exact: true }).focus();
      await page.keyboard.type(String(FACTORS.age));
      const order: [string, string, string[]][] = [
        ["T stage", FACTORS.t_stage, levels("t_stage", ["T1", "T2", "T3", "T4"])],
        ["Tumour location", FACTORS.location, levels("location", ["UIQ", "UOQ", "LIQ", "LOQ", "central"])],
        ["ER status", FACTORS.er, ["positive", "negative"]],
        ["PR status", FACTORS.pr, ["positive", "negative"]],
        ["Ultrasound ALN status", FACTORS.us_aln, ["positive", "negative"]],
      ];
      for (const [label, value, options] of order) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => document.activeElement?.id ?? "");
        const want = await page.getByRole("combobox", { name: label, exact: true }).getAttribute("id");
        assert.equal(focused, want, `Tab reaches "${label}"`);
        for (let i = 0; i <= options.indexOf(value); i++) await page.keyboard.press("ArrowDown");
        assert.equal(await page.getByRole("combobox", { name: label, exact: true }).inputValue(), value, label);
      }
      const engine = predict(artefact, { ...FACTORS, radscore: RADSCORE1 });
      const probText = page.getByTestId("probability");
      await probText.waitFor();
      assert.equal((await probText.textContent())?.trim(), pct(engine.probability), "shown probability = lib predict");
      assert.equal((await page.getByTestId("ci").textContent())?.trim(), `95% CI ${pct(engine.ci95[0])} to ${pct(engine.ci95[1])}`);
      assert.ok(await page.locator("#nomogram svg").isVisible());
      const named = await checkAccessibleNames(page);
      console.log(`# accessible names checked: ${named} controls`);

      // hover an axis: its points table
      await page.locator('[data-axis-line="t_stage"]').hover();
      const table = page.getByTestId("points-table");
      await table.waitFor();
      assert.match((await table.textContent()) ?? "", /T stage: points/);
      await page.mouse.move(5, 5);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(ART, "part2-page-top-1280x800.png") });
      await page.locator("#nomogram").evaluate((el) => el.scrollIntoView({ block: "center" }));
      await page.screenshot({ path: join(ART, "part2-nomogram-1280x800.png") });
      await page.locator("#nomogram").screenshot({ path: join(ART, "part2-nomogram.png") });

      // drag the T-stage marker to the T3 position (pointer)
      await page.evaluate(() => performance.clearMeasures("nomogram:update"));
      const target = artefact.nomogram.nomogram.axes.t_stage;
      const t3 = target.points[target.values.indexOf("T3")];
      const maxPts = Math.max(100, ...Object.values(artefact.nomogram.nomogram.axes).flatMap((a) => a.points));
      const hit = page.locator('[data-marker="t_stage"] .marker-hit');
      const box = (await hit.boundingBox())!;
      const svgBox = (await page.locator("#nomogram svg").boundingBox())!;
      const k = svgBox.width / 980; // viewBox width
      const toX = svgBox.x + (200 + (t3 / maxPts) * (980 - 36 - 200)) * k;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width / 2, y);
      await page.mouse.down();
      await page.mouse.move(toX, y, { steps: 25 });
      await page.mouse.up();
      const whatIf = predict(artefact, { ...FACTORS, t_stage: "T3", radscore: RADSCORE1 });
      assert.equal((await probText.textContent())?.trim(), pct(whatIf.probability), "after the drag: T3's probability");
      assert.notEqual(pct(whatIf.probability), pct(engine.probability));
      assert.ok(await page.getByTestId("whatif-note").isVisible());
      assert.ok((await page.locator("#nomogram .ghost").count()) >= 1, "the recorded value stays as a ghost");
      assert.equal(await page.getByRole("combobox", { name: "T stage", exact: true }).inputValue(), "T1", "the recorded factor is unchanged");
      await page.locator("#nomogram").screenshot({ path: join(ART, "part2-nomogram-whatif.png") });

      // keyboard on a focused marker: T stage back one level, then the age marker through 20 steps
      await page.locator('[data-marker="t_stage"]').focus();
      await page.keyboard.press("ArrowLeft");
      assert.equal((await probText.textContent())?.trim(), pct(predict(artefact, { ...FACTORS, t_stage: "T2", radscore: RADSCORE1 }).probability));
      // a continuous axis the model kept: age when backward elimination kept it, else the Rad-score
      const numAxis = (await page.locator('[data-marker="age"]').count()) > 0 ? "age" : "radscore";
      const numMarker = page.locator(`[data-marker="${numAxis}"]`);
      const numBefore = Number(await numMarker.getAttribute("aria-valuenow"));
      await numMarker.focus();
      for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowRight");
      const numNow = Number(await numMarker.getAttribute("aria-valuenow"));
      if (numAxis === "age") assert.equal(numNow, FACTORS.age + 20);
      else assert.ok(numNow > numBefore, `Rad-score marker moved up by keyboard: ${numBefore} -> ${numNow}`);
      // pointer drag of that marker across the axis (a value change at nearly every step)
      const ageHit = (await page.locator(`[data-marker="${numAxis}"] .marker-hit`).boundingBox())!;
      await page.mouse.move(ageHit.x + ageHit.width / 2, ageHit.y + ageHit.height / 2);
      await page.mouse.down();
      await page.mouse.move(ageHit.x + ageHit.width / 2 + 160 * k, ageHit.y + ageHit.height / 2, { steps: 40 });
      await page.mouse.up();
      const f = await frameStats(page);
      console.log(`# nomogram re-render per drag/key step (performance marks, input -> SVG updated): n=${f.n} median=${f.median.toFixed(2)} ms p95=${f.p95.toFixed(2)} ms max=${f.max.toFixed(2)} ms`);
      assert.ok(f.n >= 20, `expected many measured steps, got ${f.n}`);
      // the 16 ms frame budget is a speed target: measured and printed here (and in the closing note), not asserted —
      // a timed assertion fails on a loaded 2-core CI machine without telling us anything about the code

      // Reset to patient
      await page.getByRole("button", { name: "Reset to patient", exact: true }).click();
      assert.equal((await probText.textContent())?.trim(), pct(engine.probability));
      assert.equal(await page.getByTestId("whatif-note").count(), 0);
      assert.equal(await page.locator("#nomogram .ghost").count(), 0);

      // baselines panel and charts
      assert.equal((await page.getByTestId("us-result").textContent())?.trim(), "positive");
      assert.match((await page.getByTestId("model-call").textContent()) ?? "", /the model estimates/);
      for (const b of ["SLNB", "Ultrasound alone", "Ultrasound-guided needle biopsy", "Mammography alone"]) assert.ok(await page.getByRole("cell", { name: b, exact: true }).first().isVisible(), b);
      await page.locator("#chart-roc svg").hover();
      await page.locator("#model-charts").screenshot({ path: join(ART, "part2-charts.png") });

      // save
      await page.getByRole("button", { name: "Save prediction", exact: true }).click();
      await page.getByText(/^Saved .* with model version/).waitFor({ timeout: 20_000 });

      // report + PDF
      await page.goto(`${srv.url}/cases/${ids.case1}/report`);
      await page.getByTestId("report-case").waitFor({ timeout: 30_000 });
      assert.equal((await page.getByTestId("report-probability").textContent())?.trim(), pct(engine.probability));
      await page.screenshot({ path: join(ART, "part2-report.png"), fullPage: true });
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: join(ART, "part2-report-print.png"), fullPage: true });
      await page.emulateMedia({ media: "screen" });
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), page.getByRole("button", { name: "Download PDF", exact: true }).click()]);
      const file = join(ART, "part2-report.pdf");
      await download.saveAs(file);
      const bytes = readFileSync(file);
      assert.ok(bytes.length > 1000, `PDF is ${bytes.length} bytes`);
      assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
      const text = pdfText(bytes);
      assert.ok(text.includes(CASE1), "PDF names the case code");
      assert.ok(text.includes(VERSION), "PDF names the model version");
      assert.ok(text.includes("Demo model"), "PDF carries the demo label");
      writeFileSync(join(ART, "part2-report-pdf.txt"), text);
    } finally {
      await ctx.close();
    }
  });

  test("board: meeting read-only, presentation mode paged by keyboard, no access to other cases", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    try {
      await login(page, srv.url, "board");
      await page.getByRole("link", { name: "Breast MDT e2e" }).click();
      await page.getByRole("heading", { level: 1, name: /Breast MDT e2e/ }).waitFor({ timeout: 30_000 });
      assert.ok(await page.getByRole("heading", { name: `Case 1: ${CASE1}` }).isVisible());
      assert.ok(await page.getByRole("heading", { name: `Case 2: ${CASE2}` }).isVisible());
      assert.equal(await page.getByRole("button", { name: "Save prediction" }).count(), 0, "read-only");
      await page.screenshot({ path: join(ART, "board-meeting.png") });
      const named = await checkAccessibleNames(page);
      console.log(`# board page accessible names checked: ${named} controls`);
      // keyboard: focus the button and press Enter
      await page.getByRole("button", { name: "Start presentation", exact: true }).focus();
      await page.keyboard.press("Enter");
      const pres = page.getByTestId("presentation");
      await pres.waitFor();
      const cur = page.getByTestId("present-case");
      assert.equal((await cur.textContent())?.trim(), `Case ${CASE1}`);
      await page.screenshot({ path: join(ART, "board-presentation.png") });
      await page.keyboard.press("ArrowRight");
      assert.equal((await cur.textContent())?.trim(), `Case ${CASE2}`);
      await page.keyboard.press("ArrowRight"); // last case: stays
      assert.equal((await cur.textContent())?.trim(), `Case ${CASE2}`);
      await page.keyboard.press("ArrowLeft");
      assert.equal((await cur.textContent())?.trim(), `Case ${CASE1}`);
      await page.keyboard.press("Escape");
      await pres.waitFor({ state: "detached", timeout: 5000 }).catch(async () => {
        await page.keyboard.press("Escape"); // a real browser may use the first Esc to leave full screen
        await pres.waitFor({ state: "detached", timeout: 5000 });
      });
      // a case on no meeting is invisible to the board
      await page.goto(`${srv.url}/cases/${ids.case3}/report`);
      await page.getByText("No such case.").waitFor({ timeout: 20_000 });
    } finally {
      await ctx.close();
    }
  });
});

// Acceptance 3 names the demo model: when demo/model.json exists (and the main test above used the fixture
// because the demo model kept no T-stage axis), measure the drag frame times on the demo model's own nomogram too.
const demoFile = join(ROOT, "demo", "model.json");
describe("nomogram frame times on the demo model (browser)", { skip: skip || (!existsSync(demoFile) && "demo/model.json not built yet") }, () => {
  let srv: RunningServer;
  let browser: Browser;
  let dataDir = "";
  let caseId = "";
  let demo: ModelArtefact;
  before(async () => {
    demo = parseArtefact(JSON.parse(readFileSync(demoFile, "utf8")));
    dataDir = mkdtempSync(join(tmpdir(), "axilla-e2e-p2demo-"));
    const h = await openPglite(join(dataDir, "pg"));
    try {
      await seed(h.db);
      const who = Object.fromEntries((await h.db.select().from(users)).map((u) => [u.role, u]));
      const [v] = await h.db
        .insert(modelVersions)
        .values({ label: "demo-e2e", status: "published", active: true, artefact: demo, contentHash: hashArtefact(demo), comment: "e2e", publishedAt: new Date() })
        .returning();
      const [c] = await h.db.insert(cases).values({ caseCode: "AX-E2E-DEMO", ownerId: who.surgeon.id }).returning();
      await h.db.insert(radscores).values({ caseId: c.id, modelVersionId: v.id, value: 0.2, detail: { outOfRange: [] } });
      caseId = c.id;
    } finally {
      await h.close();
    }
    srv = await startServer({ env: { DATA_DIR: dataDir } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("drag steps on every axis of the demo model re-render within a frame", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    try {
      await login(page, srv.url, "surgeon");
      await page.goto(`${srv.url}/cases/${caseId}/predict`);
      await page.getByRole("spinbutton", { name: "Age", exact: true }).waitFor({ timeout: 30_000 });
      await page.getByRole("spinbutton", { name: "Age", exact: true }).fill("58");
      for (const [label, value] of [["T stage", "T2"], ["Tumour location", "UOQ"], ["ER status", "positive"], ["PR status", "positive"], ["Ultrasound ALN status", "negative"]])
        await page.getByRole("combobox", { name: label, exact: true }).selectOption(value);
      const engine = predict(demo, { age: 58, t_stage: "T2", location: "UOQ", er: "positive", pr: "positive", us_aln: "negative", radscore: 0.2 });
      await page.getByTestId("probability").waitFor();
      assert.equal((await page.getByTestId("probability").textContent())?.trim(), pct(engine.probability));
      await page.evaluate(() => performance.clearMeasures("nomogram:update"));
      await page.locator("#nomogram").evaluate((el) => el.scrollIntoView({ block: "center" }));
      for (const t of demo.nomogram.terms) {
        const hit = (await page.locator(`[data-marker="${t.variable}"] .marker-hit`).boundingBox())!;
        await page.mouse.move(hit.x + hit.width / 2, hit.y + hit.height / 2);
        await page.mouse.down();
        await page.mouse.move(hit.x + hit.width / 2 + 300, hit.y + hit.height / 2, { steps: 30 });
        await page.mouse.move(hit.x + hit.width / 2 - 300, hit.y + hit.height / 2, { steps: 30 });
        await page.mouse.up();
      }
      const f = await frameStats(page);
      console.log(`# demo model (${demo.nomogram.terms.map((t) => t.variable).join(", ")}): nomogram re-render per drag step n=${f.n} median=${f.median.toFixed(2)} ms p95=${f.p95.toFixed(2)} ms max=${f.max.toFixed(2)} ms`);
      assert.ok(f.n >= 10, `expected measured drag steps, got ${f.n}`);
      // the 16 ms frame budget is a speed target: measured and printed here (and in the closing note), not asserted —
      // a timed assertion fails on a loaded 2-core CI machine without telling us anything about the code
      await page.locator("#nomogram").evaluate((el) => el.scrollIntoView({ block: "center" }));
      await page.screenshot({ path: join(ART, "part2-demo-model-nomogram-1280x800.png") });
    } finally {
      await ctx.close();
    }
  });
});
