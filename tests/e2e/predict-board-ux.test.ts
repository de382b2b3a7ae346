// Browser (real Chromium): usability fixes of the prediction page, the report and the tumour board.
//   1. factors the active model does not use say so next to their input (demo model: T stage, US ALN, Rad-score)
//   2. the age takes plain numbers only ("1e2" is refused with a message, not read as 100)
//   3. presentation mode fits 1280x800 and 1440x900 (navigation visible, whole nomogram, text >= 16 px);
//      PageDown changes case only while nothing is hidden, else it scrolls; meeting-page nomogram text >= 11 px
//   4. presentation mode traps Tab, Escape leaves, focus returns to "Start presentation"
//   5. a board member's report links back to the meeting it was opened from
//   6. a report without a saved prediction offers the prediction page
//   7. "Add case to meeting": a double-click adds once (one audit row), "already on this meeting", "1 case"
//   8. malformed case / meeting ids show the "not found" page, not validation JSON
//   9. meeting days read the same west of UTC ("Wed, 2 Dec 2026" for a meeting on 2 Dec, browser in Los Angeles)
// Data (PGlite, prepared before the server starts): the demo model (active) and the full fixture model (10
// nomogram rows: taller than a 1280x800 screen at 16 px text); case A saved with the demo model, case B with the
// full model (both on meeting "UX board"), case C with a Rad-score and no prediction.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { and, eq, sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { checkAccessibleNames, launchBrowser, login, skipBrowser, startServer, ROOT, type RunningServer } from "./harness.ts";
import { openPglite } from "../../server/db/index.ts";
import { seed } from "../../server/db/seed.ts";
import { auditLog, cases, modelVersions, radscores, users } from "../../server/db/schema.ts";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { parseArtefact, type ModelArtefact } from "../../lib/model/artefact.ts";
import { hashArtefact } from "../../lib/model/hash.ts";
import { predict } from "../../lib/model/predict.ts";

const skip = skipBrowser();
const ART = join(ROOT, "tests", "artifacts");
const CASE_A = "AX-UX-A";
const CASE_B = "AX-UX-B";
const CASE_C = "AX-UX-C";
const MEETING = "UX board";
const MEETING2 = "UX second";
const TZ = "America/Los_Angeles"; // west of UTC: a meeting on 2 Dec (midnight UTC) is 1 Dec local time
const LABELS = { age: "Age", t_stage: "T stage", location: "Tumour location", er: "ER status", pr: "PR status", us_aln: "Ultrasound ALN status" } as const;
type Key = keyof typeof LABELS;
const DAY_2_DEC = /^Wed,? 2 Dec 2026$/; // formatDay (en-GB, UTC); ICU versions differ on the comma
const pct = (p: number) => `${(100 * p).toFixed(1)}%`;


/** Smallest on-screen font size (px) of the text in the nomogram SVGs under `scope`. */
async function minNomogramText(page: Page, scope: string): Promise<number> {
  return (await page.evaluate(`(() => {
    let min = Infinity;
    for (const svg of document.querySelectorAll(${JSON.stringify(scope)} + " .chart.nomogram svg")) {
      const k = svg.getScreenCTM().a;
      for (const t of svg.querySelectorAll("text")) {
        if (!(t.textContent || "").trim()) continue;
        min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * k);
      }
    }
    return min;
  })()`)) as number;
}

describe("prediction page, report and tumour board usability (browser)", { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  let dataDir = "";
  let demo: ModelArtefact;
  let full: ModelArtefact;
  const ids: Record<string, string> = {};

  before(async () => {
    mkdirSync(ART, { recursive: true });
    demo = parseArtefact(JSON.parse(readFileSync(join(ROOT, "demo", "model.json"), "utf8")));
    full = parseArtefact(JSON.parse(readFileSync(join(ROOT, "tests", "fixtures", "predictions", "model-full.json"), "utf8")));
    dataDir = mkdtempSync(join(tmpdir(), "axilla-e2e-ux-"));
    const h = await openPglite(join(dataDir, "pg"));
    try {
      await seed(h.db);
      const who = Object.fromEntries((await h.db.select().from(users)).map((u) => [u.role, u]));
      const surgeon = createCaller(createTestContext({ db: h.db, user: { id: who.surgeon.id, email: who.surgeon.email, name: who.surgeon.name, role: "surgeon" } }));
      const mkCase = async (code: string, versionId: string, rs: number) => {
        const [c] = await h.db.insert(cases).values({ caseCode: code, ownerId: who.surgeon.id }).returning();
        await h.db.insert(radscores).values({ caseId: c.id, modelVersionId: versionId, value: rs, detail: { outOfRange: [] }, createdBy: who.surgeon.id });
        return c.id;
      };
      // case B is saved with the full model (then the active one), cases A and C with the demo model
      const [vFull] = await h.db
        .insert(modelVersions)
        .values({ label: "ux-full-v1", status: "published", active: true, artefact: full, contentHash: hashArtefact(full), comment: "e2e", publishedAt: new Date() })
        .returning();
      ids.caseB = await mkCase(CASE_B, vFull.id, 0.35);
      await surgeon.predictions.save({ caseId: ids.caseB, factors: { age: 61, t_stage: "T2", location: "LOQ", er: "negative", pr: "positive", us_aln: "positive" } });
      await h.db.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, vFull.id));
      const [vDemo] = await h.db
        .insert(modelVersions)
        .values({ label: "ux-demo-v1", status: "published", active: true, artefact: demo, contentHash: hashArtefact(demo), comment: "e2e", publishedAt: new Date() })
        .returning();
      ids.caseA = await mkCase(CASE_A, vDemo.id, 0.2);
      ids.caseC = await mkCase(CASE_C, vDemo.id, 0.1);
      await surgeon.predictions.save({ caseId: ids.caseA, factors: { age: 55, t_stage: "T2", location: "UOQ", er: "positive", pr: "positive", us_aln: "negative" } });
      // a calendar day is stored as midnight UTC (the meeting form's date input)
      const m1 = await surgeon.meetings.create({ date: new Date("2026-12-02T00:00:00Z"), title: MEETING, memberIds: [who.board.id] });
      const m2 = await surgeon.meetings.create({ date: new Date("2026-12-09T00:00:00Z"), title: MEETING2, memberIds: [who.board.id] });
      ids.meeting = m1.id;
      ids.meeting2 = m2.id;
      await surgeon.meetings.addCase({ meetingId: m1.id, caseId: ids.caseA });
      await surgeon.meetings.addCase({ meetingId: m1.id, caseId: ids.caseB });
      await surgeon.meetings.addCase({ meetingId: m2.id, caseId: ids.caseA });
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

  const newContext = (width = 1280, height = 800): Promise<BrowserContext> => browser.newContext({ viewport: { width, height }, timezoneId: TZ });

  test("prediction page: factors not in the model, plain-number age, adding to a meeting once", async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    try {
      await login(page, srv.url, "surgeon");
      await page.goto(`${srv.url}/cases/${ids.caseC}/predict`);
      await page.getByRole("heading", { level: 1, name: `Prediction · case ${CASE_C}` }).waitFor({ timeout: 30_000 });

      // 1. a note next to every factor the active model does not use, tied to its control
      const used = new Set(demo.nomogram.terms.map((t) => t.variable));
      const unused = (Object.keys(LABELS) as Key[]).filter((k) => !used.has(k));
      assert.ok(unused.length > 0, "the demo model leaves some factors out");
      for (const k of Object.keys(LABELS) as Key[]) {
        const control = k === "age" ? page.getByRole("spinbutton", { name: LABELS.age, exact: true }) : page.getByRole("combobox", { name: LABELS[k], exact: true });
        const note = page.getByTestId(`not-in-model-${k}`);
        if (used.has(k)) {
          assert.equal(await note.count(), 0, `${LABELS[k]} is in the model: no note`);
          continue;
        }
        assert.ok(await note.isVisible(), `${LABELS[k]}: note visible`);
        assert.equal((await note.textContent())?.trim(), "Not in this model — does not change the estimate.");
        const noteId = await note.getAttribute("id");
        assert.ok(((await control.getAttribute("aria-describedby")) ?? "").split(" ").includes(noteId!), `${LABELS[k]} is described by its note`);
      }

      // 2. age: plain numbers only
      const age = page.getByRole("spinbutton", { name: LABELS.age, exact: true });
      for (const [k, v] of [["t_stage", "T2"], ["location", "UOQ"], ["er", "positive"], ["pr", "negative"], ["us_aln", "negative"]] as const)
        await page.getByRole("combobox", { name: LABELS[k], exact: true }).selectOption(v);
      await age.fill("1e2");
      const ageErr = page.getByTestId("age-error");
      await ageErr.waitFor({ timeout: 5000 });
      assert.match((await ageErr.textContent()) ?? "", /plain number/);
      assert.equal(await age.getAttribute("aria-invalid"), "true");
      assert.equal(await page.getByTestId("probability").count(), 0, '"1e2" gives no estimate (it used to be read as 100)');
      await page.locator("form.card").screenshot({ path: join(ART, "ux-predict-age-error.png") });
      await age.fill("");
      await age.pressSequentially("5e"); // text the number field cannot read at all: value "", badInput
      await ageErr.waitFor({ timeout: 5000 });
      await age.fill("52.5");
      assert.equal(await ageErr.count(), 0, "a decimal age is a plain number");
      await age.fill("52");
      assert.equal(await ageErr.count(), 0);
      const prob = page.getByTestId("probability");
      await prob.waitFor();
      const engine = predict(demo, { age: 52, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "negative", radscore: 0.1 });
      assert.equal((await prob.textContent())?.trim(), pct(engine.probability));
      if (unused.includes("er")) {
        await page.getByRole("combobox", { name: LABELS.er, exact: true }).selectOption("negative");
        assert.equal((await prob.textContent())?.trim(), pct(engine.probability), "ER is not in the model: the estimate stays");
      }
      console.log(`# prediction page accessible names checked: ${await checkAccessibleNames(page)} controls`);

      // 7. meetings: case counts in words, one add per double-click, "already on this meeting"
      const meeting = page.getByRole("combobox", { name: "Meeting", exact: true });
      const optionText = async (id: string) => (await meeting.locator(`option[value="${id}"]`).textContent())?.trim() ?? "";
      await page.locator(`option[value="${ids.meeting2}"]`).waitFor({ state: "attached", timeout: 20_000 });
      // 9. the meeting day as stored (2 Dec), not the browser's local day before it
      assert.match(await optionText(ids.meeting), /^UX board · Wed,? 2 Dec 2026 \(2 cases\)/);
      assert.match(await optionText(ids.meeting2), /^UX second · Wed,? 9 Dec 2026 \(1 case\)/);
      await meeting.selectOption(ids.meeting2);
      const addBtn = page.getByRole("button", { name: "Add case to meeting", exact: true });
      assert.ok(await addBtn.isEnabled());
      await addBtn.dblclick();
      await page.getByTestId("already-on-meeting").waitFor({ timeout: 20_000 });
      assert.equal((await page.getByTestId("already-on-meeting").textContent())?.trim(), "This case is already on this meeting.");
      assert.ok(await addBtn.isDisabled(), "no second add of the same case");
      await page.waitForFunction((id) => (document.querySelector(`option[value="${id}"]`)?.textContent ?? "").includes("(2 cases)"), ids.meeting2, { timeout: 20_000 });
      await meeting.selectOption(ids.meeting);
      assert.ok(await addBtn.isEnabled(), "another meeting can still be chosen");
      assert.equal(await page.getByTestId("already-on-meeting").count(), 0);
      await page.locator("form.card").screenshot({ path: join(ART, "ux-predict-factors.png") });
      await page.getByRole("heading", { name: "Tumour board", exact: true }).locator("..").screenshot({ path: join(ART, "ux-predict-board-panel.png") });
    } finally {
      await ctx.close();
    }
  });

  test("report without a prediction offers the way on; malformed ids are 'not found'", async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    try {
      await login(page, srv.url, "surgeon");
      // 6.
      await page.goto(`${srv.url}/cases/${ids.caseC}/report`);
      await page.locator("#report-error").waitFor({ timeout: 30_000 });
      assert.match((await page.locator("#report-error").textContent()) ?? "", /no saved prediction yet/);
      const toPredict = page.getByRole("link", { name: "Open the prediction page", exact: true });
      assert.equal(await toPredict.getAttribute("href"), `/cases/${ids.caseC}/predict`);
      assert.equal(await page.getByRole("link", { name: "Back to the case", exact: true }).getAttribute("href"), `/cases/${ids.caseC}`);
      await toPredict.click();
      await page.getByRole("heading", { level: 1, name: `Prediction · case ${CASE_C}` }).waitFor({ timeout: 30_000 });
      // 8.
      for (const path of ["/cases/not-a-uuid/report", "/cases/not-a-uuid/predict", `/cases/${ids.caseA}/report?prediction=nope`, "/board/not-a-uuid"]) {
        await page.goto(`${srv.url}${path}`);
        await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor({ timeout: 20_000 });
        const text = (await page.locator("main").textContent()) ?? "";
        assert.ok(!/invalid_format|Invalid UUID|"origin"/.test(text), `${path}: no validation JSON`);
      }
    } finally {
      await ctx.close();
    }
  });

  test("board: meeting days, readable nomogram, report links back to the meeting", async () => {
    const ctx = await newContext();
    const page = await ctx.newPage();
    try {
      await login(page, srv.url, "board");
      // 9.
      const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: MEETING, exact: true }) });
      assert.match((await row.getByRole("cell").first().textContent())?.trim() ?? "", DAY_2_DEC);
      await page.getByRole("link", { name: MEETING, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: new RegExp(`^${MEETING} · Wed,? 2 Dec 2026$`) }).waitFor({ timeout: 30_000 });
      await page.locator(".chart.nomogram svg text").first().waitFor();
      // 3. meeting page: nomogram text not tiny at 1280 wide
      const minText = await minNomogramText(page, "main");
      console.log(`# meeting page (1280x800): smallest nomogram text ${minText.toFixed(1)} px`);
      assert.ok(minText >= 11, `meeting page nomogram text ${minText.toFixed(1)} px >= 11 px`);
      console.log(`# meeting page accessible names checked: ${await checkAccessibleNames(page)} controls`);
      await page.screenshot({ path: join(ART, "ux-board-meeting-1280x800.png") });
      await page.getByTestId("meeting-nomogram").first().screenshot({ path: join(ART, "ux-board-meeting-nomogram.png") });
      // 5.
      await page.getByRole("link", { name: `Report of case ${CASE_A}`, exact: true }).click();
      await page.getByTestId("report-case").waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole("link", { name: "← Prediction" }).count(), 0, "no link to the surgeon-only prediction page");
      const back = page.getByRole("link", { name: "← Back to the meeting", exact: true });
      assert.equal(await back.getAttribute("href"), `/board/${ids.meeting}`);
      await back.click();
      await page.getByRole("heading", { level: 1, name: new RegExp(`^${MEETING} · Wed,? 2 Dec 2026$`) }).waitFor({ timeout: 30_000 });
      // a report opened without a meeting (e.g. a bookmark) leads to the meetings list, labelled so
      await page.goto(`${srv.url}/cases/${ids.caseA}/report`);
      await page.getByTestId("report-case").waitFor({ timeout: 30_000 });
      assert.equal(await page.getByRole("link", { name: "← Tumour board meetings", exact: true }).getAttribute("href"), "/board");
    } finally {
      await ctx.close();
    }
  });

  for (const [w, hgt] of [
    [1280, 800],
    [1440, 900],
  ] as const) {
    test(`board: presentation mode fits ${w}x${hgt}, traps focus, PageDown only when nothing is hidden`, async () => {
      const ctx = await newContext(w, hgt);
      const page = await ctx.newPage();
      try {
        await login(page, srv.url, "board");
        await page.goto(`${srv.url}/board/${ids.meeting}`);
        const startBtn = page.getByRole("button", { name: "Start presentation", exact: true });
        await startBtn.waitFor({ timeout: 30_000 });
        await startBtn.focus();
        await page.keyboard.press("Enter");
        const pres = page.getByTestId("presentation");
        await pres.waitFor();
        const cur = page.getByTestId("present-case");
        const main = page.getByTestId("present-main");
        const vp = page.viewportSize()!;
        const inView = async (what: string, box: { x: number; y: number; width: number; height: number } | null) => {
          assert.ok(box, `${what} is rendered`);
          assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5, `${what} inside the ${vp.width}x${vp.height} screen: ${JSON.stringify(box)}`);
        };
        const buttons = ["Previous case", "Next case", "Leave presentation"];
        const checkCase = async (code: string) => {
          assert.equal((await cur.textContent())?.trim(), `Case ${code}`);
          await pres.locator(".chart.nomogram svg text").first().waitFor();
          await page.waitForTimeout(150); // the nomogram settles its size after the first layout
          for (const b of buttons) await inView(`"${b}"`, await page.getByRole("button", { name: b, exact: true }).boundingBox());
          await inView("the estimate", await page.getByTestId("present-estimate").boundingBox());
          const t = await minNomogramText(page, '[data-testid="presentation"]');
          assert.ok(t >= 16, `case ${code}: nomogram text ${t.toFixed(1)} px >= 16 px`);
          const hidden = await main.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
          console.log(`# presentation ${w}x${hgt}, case ${code}: smallest nomogram text ${t.toFixed(1)} px, ${hidden ? "scrolls" : "fits"}`);
          return { hidden, text: t };
        };
        const svgBottomVisible = async () => {
          const svg = (await pres.locator(".chart.nomogram svg").boundingBox())!;
          const mainBox = (await main.boundingBox())!;
          assert.ok(svg.y + svg.height <= mainBox.y + mainBox.height + 0.5, `the whole nomogram (probability axis) is on screen: svg bottom ${svg.y + svg.height} <= ${mainBox.y + mainBox.height}`);
        };

        // case A, demo model: the whole case fits; PageDown goes to the next case
        const a = await checkCase(CASE_A);
        await page.screenshot({ path: join(ART, `ux-presentation-${w}x${hgt}-demo-model.png`) });
        assert.equal(a.hidden, false, `the demo model's case fits the screen (${await main.evaluate((el) => `${el.scrollHeight} > ${el.clientHeight}`)})`);
        await svgBottomVisible();
        assert.match((await page.getByTestId("present-help").textContent()) ?? "", /PageUp \/ PageDown change case/);
        await page.keyboard.press("PageDown");
        // case B, the full model (10 nomogram rows): at >= 16 px it may be taller than the screen; then PageDown scrolls
        const b = await checkCase(CASE_B);
        await page.screenshot({ path: join(ART, `ux-presentation-${w}x${hgt}-full-model.png`) });
        if (b.hidden) {
          assert.match((await page.getByTestId("present-help").textContent()) ?? "", /PageUp \/ PageDown scroll/);
          await page.keyboard.press("PageDown");
          assert.equal((await cur.textContent())?.trim(), `Case ${CASE_B}`, "PageDown scrolls a case that does not fit");
          assert.ok((await main.evaluate((el) => el.scrollTop)) > 0, "PageDown scrolled the case");
          await main.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
          await svgBottomVisible();
          for (const btn of buttons) await inView(`"${btn}" after scrolling`, await page.getByRole("button", { name: btn, exact: true }).boundingBox());
        } else await svgBottomVisible();
        await page.keyboard.press("ArrowLeft");
        assert.equal((await cur.textContent())?.trim(), `Case ${CASE_A}`);

        // 4. focus stays in the dialog, forwards and backwards
        const inDialog = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid="presentation"]'));
        const seen = new Set<string>();
        for (let i = 0; i < 8; i++) {
          await page.keyboard.press("Tab");
          assert.ok(await inDialog(), `Tab ${i + 1} stays in the presentation`);
          seen.add(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""));
        }
        assert.ok(seen.has("Next case") && seen.has("Leave presentation"), `Tab reaches the controls: ${[...seen].join(", ")}`);
        for (let i = 0; i < 5; i++) {
          await page.keyboard.press("Shift+Tab");
          assert.ok(await inDialog(), `Shift+Tab ${i + 1} stays in the presentation`);
        }
        await page.keyboard.press("Escape");
        await pres.waitFor({ state: "detached", timeout: 5000 }).catch(async () => {
          await page.keyboard.press("Escape"); // a real browser may use the first Esc to leave full screen
          await pres.waitFor({ state: "detached", timeout: 5000 });
        });
        await page.waitForFunction(() => document.activeElement?.textContent?.trim() === "Start presentation", undefined, { timeout: 5000 });
      } finally {
        await ctx.close();
      }
    });
  }

  test("audit: the double-click added the case once", async () => {
    await srv.stop(); // the database folder is ours (DATA_DIR given): it stays for this check
    const h = await openPglite(join(dataDir, "pg"));
    try {
      const rows = await h.db
        .select({ n: sql<number>`count(*)::int` })
        .from(auditLog)
        .where(and(eq(auditLog.action, "meetings.addCase"), sql`${auditLog.detail}->>'caseId' = ${ids.caseC}`));
      assert.equal(rows[0].n, 1, "one meetings.addCase audit row for case C");
    } finally {
      await h.close();
    }
  });
});
