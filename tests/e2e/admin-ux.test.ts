// Model administrator usability (exploratory-test defects), real Chromium at 1280 px: one request per double click
// (Load demo cohort, Start training, Publish), readable validation messages instead of zod JSON, bootstrap fields
// that keep the typed text and refuse B < 20 before sending, cohort import reports that say when problems are
// file/column-level (columns found, near-match suggestion; a PNG is not a CSV) and cap long lists, fold advice for
// a tiny cohort, no silent cohort preselection and distinguishable cohort choices, progress with percentages and
// no stuck "0/1", a fresh runs list after Back, the report's Table 1 (readable names, Spearman, mean ± SD and
// median (IQR) visible, split explained) and 90th-percentile calibration error, versions/compare showing cohort,
// B and seed with per-version calibration titles, the "pick two" rule, no self-comparison, the audit log with
// names, comments, labels, filters and paging, the header on one row, Baselines in the sub-navigation, baseline
// comparators fully visible, distinct link texts, and every control labelled by its visible label.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, login, ROOT, skipBrowser, startServer, trpcInPage as trpc, type RunningServer } from "./harness.ts";

const skip = skipBrowser();
const DEMO = join(ROOT, "demo");

/** Count POSTs to one tRPC procedure from now on. */
function countCalls(page: Page, procedure: string): () => number {
  let n = 0;
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname.split("/").pop()!.split(",").includes(procedure)) n++;
  });
  return () => n;
}

/** Every visible form control has a <label> whose text is its accessible name (no aria-label / aria-labelledby). */
async function assertLabelled(page: Page, where: string) {
  const bad = await page.evaluate(() =>
    Array.from(document.querySelectorAll("main input, main select, main textarea, main progress"))
      .filter((el) => (el as HTMLElement).offsetParent !== null && (el as HTMLInputElement).type !== "hidden")
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        return !labels || labels.length === 0 || !labels[0].textContent?.trim() || el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby");
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(bad, [], `${where}: controls without a visible label that names them`);
}

async function assertDistinctLinks(page: Page, scope: string, where: string) {
  const texts = (await page.locator(`${scope} a`).allTextContents()).map((t) => t.trim());
  assert.equal(new Set(texts).size, texts.length, `${where}: link texts are distinct: ${texts.join(" | ")}`);
}

async function waitRun(page: Page, runId: string): Promise<{ status: string; error: string | null; modelVersionId: string | null }> {
  for (const t0 = Date.now(); Date.now() - t0 < 90_000; ) {
    const r = await trpc<{ status: string; error: string | null; modelVersionId: string | null }>(page, "runs.get", { id: runId }, "query");
    if (r.status !== "queued" && r.status !== "running") return r;
    await page.waitForTimeout(250);
  }
  throw new Error("run did not finish in 90 s");
}

describe("model administration usability (browser)", { skip }, () => {
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

  test("admin pages: double clicks, validation, import reports, progress, report, versions, compare, audit, header", async () => {
    const t0 = Date.now();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
    await login(page, srv.url, "admin");
    const url = srv.url;

    // --- header on one row at 1280 px; Baselines in the admin sub-navigation
    const brand = (await page.locator("header .brand").boundingBox())!;
    const signOut = (await page.getByRole("button", { name: "Sign out" }).boundingBox())!;
    assert.ok(Math.abs(signOut.y + signOut.height / 2 - (brand.y + brand.height / 2)) < 20, `Sign out on the brand's row (${JSON.stringify({ brand, signOut })})`);
    await page.getByRole("navigation", { name: "Model administration" }).getByRole("link", { name: "Baselines", exact: true }).click();
    await page.waitForURL(`${url}/admin/baselines`);

    // --- baselines: comparators fully visible; an empty value is refused in the form
    const comparators = page.getByLabel("Comparator", { exact: true });
    await comparators.first().waitFor();
    for (const c of await comparators.all()) {
      const fits = await c.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1);
      assert.ok(fits, `comparator "${await c.inputValue()}" fully visible`);
    }
    await assertLabelled(page, "baselines");
    const updates = countCalls(page, "baselines.update");
    const firstForm = page.locator("main form").first();
    await firstForm.getByLabel("Value", { exact: true }).fill("  ");
    await firstForm.getByRole("button", { name: "Save" }).click();
    await firstForm.getByText("Value: required, cannot be empty.").waitFor();
    assert.equal(updates(), 0, "nothing sent");

    // --- cohorts: a double click on "Load demo cohort" imports once; a second import is told apart
    await page.goto(`${url}/admin/cohorts`);
    const demoImports = countCalls(page, "cohorts.importDemo");
    await page.getByRole("button", { name: "Load demo cohort" }).dblclick();
    await page.locator("#import-message", { hasText: "Demo cohort imported" }).waitFor({ timeout: 30_000 });
    await page.locator("#cohort-list tbody tr").first().waitFor();
    assert.equal(demoImports(), 1, "one import request for a double click");
    assert.equal(await page.locator("#cohort-list tbody tr").count(), 1);
    await page.getByRole("button", { name: "Load demo cohort" }).click();
    await page.locator("#cohort-list tbody tr").nth(1).waitFor({ timeout: 30_000 });
    await assertDistinctLinks(page, "#cohort-list", "cohort list");
    assert.match((await page.locator("#cohort-list a").first().textContent()) ?? "", /^Train on Demo cohort .*\(…[0-9a-f]{6}\)$/);
    await assertLabelled(page, "cohorts");

    // --- import reports: wrong column names, a PNG, a long problem list
    const cohortCsv = readFileSync(join(DEMO, "cohort.csv"), "utf8");
    const featuresCsv = readFileSync(join(DEMO, "features.csv"));
    const [head, ...rows] = cohortCsv.trim().split("\n");
    await page.getByLabel("Features CSV", { exact: true }).setInputFiles({ name: "features.csv", mimeType: "text/csv", buffer: featuresCsv });
    const check = async (name: string, body: string | Buffer) => {
      await page.getByLabel("Cohort CSV", { exact: true }).setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.isBuffer(body) ? body : Buffer.from(body) });
      await page.getByRole("button", { name: "Check", exact: true }).click();
      await page.locator("#import-summary").waitFor();
    };
    await check("renamed.csv", [head.replace(",er,", ",ER,").replace("t_stage", "T stage"), ...rows].join("\n"));
    await page.locator("#import-summary", { hasText: "could not be checked row by row: 2 file- or column-level problem(s)" }).waitFor();
    assert.doesNotMatch((await page.locator("#import-summary").textContent()) ?? "", /147 valid/);
    const found = (await page.locator("#import-columns-found").textContent()) ?? "";
    assert.ok(found.startsWith("Columns found in the cohort CSV:") && found.includes("“ER”") && found.includes("“T stage”"), found);
    await page.locator("#import-problems", { hasText: 'found "ER" — rename it to "er"' }).waitFor();
    await page.locator("#import-problems", { hasText: 'found "T stage" — rename it to "t_stage"' }).waitFor();
    await check("image.csv", readFileSync(join(DEMO, "images", "DEMO-001.png")));
    await page.locator("#import-problems", { hasText: "is not a CSV text file (it looks like a PNG image)" }).waitFor();
    assert.doesNotMatch((await page.locator("#import-summary").textContent()) ?? "", /rows:/);
    await check("bad-ages.csv", [head, ...rows.map((r) => r.replace(/^([^,]+,[^,]+,)[^,]+/, "$1abc"))].join("\n"));
    await page.locator("#import-problems-more", { hasText: "… and 97 more." }).waitFor();
    assert.equal(await page.locator("#import-problems li").count(), 50);
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download all 147 problems (.txt)" }).click()]);
    assert.equal(dl.suggestedFilename(), "cohort-import-problems.txt");
    await page.getByRole("button", { name: "Show all 147 problems" }).click();
    assert.equal(await page.locator("#import-problems li").count(), 147);

    // a tiny cohort (16 patients, no split column) for the fold advice
    const splitAt = head.split(",").indexOf("split");
    const dropSplit = (line: string) => line.split(",").filter((_, j) => j !== splitAt).join(",");
    const tiny = [head, ...rows.filter((r) => r.split(",")[1] === "1").slice(0, 8), ...rows.filter((r) => r.split(",")[1] === "0").slice(0, 8)].map(dropSplit).join("\n");
    await page.getByLabel("Cohort name", { exact: true }).fill("Tiny cohort");
    await page.getByLabel("Cohort CSV", { exact: true }).setInputFiles({ name: "tiny.csv", mimeType: "text/csv", buffer: Buffer.from(tiny) });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.locator("#import-message", { hasText: "Imported 16 patients" }).waitFor();

    // --- runs: no silent preselection, distinguishable choices, number fields keep the typed text, B >= 20
    await page.goto(`${url}/admin/runs`);
    const select = page.getByLabel("Cohort", { exact: true });
    await select.locator("option").nth(3).waitFor({ state: "attached" });
    assert.equal(await select.inputValue(), "", "no cohort preselected among several");
    const options = (await select.locator("option").allTextContents()).slice(1);
    assert.equal(new Set(options).size, options.length, `cohort choices distinct: ${options.join(" | ")}`);
    for (const o of options) assert.match(o, /patients, imported .* id …[0-9a-f]{6}$/);
    await assertLabelled(page, "runs");
    const starts = countCalls(page, "runs.start");
    await page.getByRole("button", { name: "Start training" }).click();
    await page.locator("#run-cohort-error", { hasText: "Choose the cohort" }).waitFor();
    const bInput = page.getByLabel("LASSO bootstrap selections (B)");
    await bInput.fill("");
    assert.equal(await bInput.inputValue(), "", "a cleared field stays empty (not 0)");
    await bInput.pressSequentially("5");
    assert.equal(await bInput.inputValue(), "5", 'typing gives "5", not "05"');
    await select.selectOption({ label: options.find((o) => o.startsWith("Demo cohort"))! });
    await page.getByRole("button", { name: "Start training" }).click();
    await page.locator("#run-bootB-error", { hasText: "must be between 20 and 2000" }).waitFor();
    assert.equal(starts(), 0, "nothing sent while a field is invalid");

    // tiny cohort with 10 folds: the failure says which setting to change
    await select.selectOption({ label: options.find((o) => o.startsWith("Tiny cohort"))! });
    await bInput.fill("20");
    await page.getByLabel("Validation / calibration bootstrap (B)").fill("20");
    await page.getByRole("button", { name: "Start training" }).click();
    await page.waitForURL(/\/admin\/runs\/[0-9a-f-]{36}$/);
    await page.locator("#run-advice", { hasText: /“Cross-validation folds” set to \d+ or fewer/ }).waitFor({ timeout: 60_000 });
    assert.match((await page.locator("#run-failure").textContent()) ?? "", /too few events for 10-fold/);

    // demo cohort, double click on Start training: one run; progress with percentages, never stuck at "0/1"
    await page.goto(`${url}/admin/runs`);
    await select.locator("option").nth(3).waitFor({ state: "attached" });
    await select.selectOption({ label: options.find((o) => o.startsWith("Demo cohort"))! });
    await bInput.fill("20");
    await page.getByLabel("Validation / calibration bootstrap (B)").fill("20");
    await page.getByLabel("Cross-validation folds (LASSO and SVM)").fill("5");
    const before = starts();
    await page.getByRole("button", { name: "Start training" }).dblclick();
    await page.waitForURL(/\/admin\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    const lassoTexts = new Set<string>();
    for (const t1 = Date.now(); ; ) {
      const status = await page.getByTestId("run-status").textContent();
      lassoTexts.add((await page.getByTestId("stage-lasso-cv-text").textContent()) ?? "");
      assert.match((await page.getByTestId("overall-percent").textContent()) ?? "", /^\d{1,3}%$/);
      if (status === "succeeded") break;
      if (status === "failed" || status === "cancelled") throw new Error(`run ${status}: ${await page.locator("#run-failure").textContent()}`);
      if (Date.now() - t1 > 90_000) throw new Error("training did not finish in 90 s");
      await page.waitForTimeout(100);
    }
    assert.equal(starts() - before, 1, "one runs.start request for a double click");
    assert.ok(!lassoTexts.has("0/1"), `LASSO CV never shown as a stuck 0/1: ${[...lassoTexts].join(", ")}`);
    assert.equal(await page.getByTestId("overall-percent").textContent(), "100%");
    await page.getByTestId("run-config").filter({ hasText: "LASSO bootstrap B = 20, validation / calibration bootstrap B = 20, 5-fold" }).waitFor();
    // Back: the runs list is fetched again on arrival (not the state it had when left)
    await page.goBack();
    await page.waitForURL(`${url}/admin/runs`);
    const row = page.locator(`#runs-table tr[data-run="${runId}"]`);
    await row.waitFor();
    await row.locator("td", { hasText: /^succeeded$/ }).waitFor({ timeout: 1500 });
    await assertDistinctLinks(page, "#runs-table", "runs table");
    const reportLink = row.getByRole("link", { name: /^Report of v\d+ \(Run \d+\)$/ });
    const versionLabel = ((await reportLink.textContent()) ?? "").match(/Report of (v\d+)/)![1];
    assert.equal(await page.locator("#runs-table tbody tr").count(), 2, "two runs: the tiny one and one demo run");

    // --- version page: the report, then publish (blank comment refused in the form; double click sends once)
    await reportLink.click();
    await page.getByRole("heading", { level: 2, name: "Table 1 — patient characteristics" }).waitFor({ timeout: 20_000 });
    const t1 = page.locator("#table1-training");
    for (const h of ["Spearman ρ", "Spearman p"]) await t1.getByRole("columnheader", { name: h, exact: true }).waitFor();
    const rowHeads = (await t1.locator("tbody th").allTextContents()).map((s) => s.trim());
    for (const label of ["Age (years)", "T stage", "ER status", "Ultrasound ALN status"]) assert.ok(rowHeads.some((h) => h.startsWith(label)), `${label} in ${rowHeads.join(" | ")}`);
    assert.ok(!rowHeads.some((h) => /^(er|us_aln|t_stage|age)\b/.test(h)), "no raw column codes");
    assert.ok(rowHeads.find((h) => h.startsWith("Age"))!.includes("mean ± SD; median (IQR)"));
    const ageCells = await t1.locator("tbody tr", { has: page.locator("th", { hasText: "Age (years)" }) }).locator("td.num").first().innerText();
    assert.match(ageCells, /\d+\.\d ± \d+\.\d\s+\d+\.\d \(\d+\.\d–\d+\.\d\)/, `age cell shows mean ± SD and median (IQR): ${ageCells}`);
    const tests = (await t1.locator("tbody tr td:nth-last-child(4)").allTextContents()).join("|");
    assert.match(tests, /Welch t-test/);
    assert.match(tests, /χ² test|Fisher's exact test/);
    assert.doesNotMatch(tests, /welch_t|chisq|fisher\b/);
    const rho = (await t1.locator("tbody tr td:nth-last-child(2)").allTextContents()).filter((x) => /^-?\d\.\d{3}$/.test(x));
    assert.ok(rho.length >= 5, `Spearman rho shown: ${rho.join(",")}`);
    await page.locator("#table1-split-all tbody tr", { hasText: "ALN metastasis" }).filter({ hasText: "no:" }).filter({ hasText: "yes:" }).waitFor();
    await page.locator("#split-explained", { hasText: "split column" }).waitFor();
    await page.getByRole("columnheader", { name: "90th percentile |error|" }).waitFor();
    const q90 = await page.locator("#calibration-table tbody tr").first().locator("td").nth(5).textContent();
    assert.match(q90 ?? "", /^\d\.\d{3}$/, "q90 absolute error shown");

    const publishes = countCalls(page, "models.publish");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.locator("#transition-error").filter({ hasText: "A comment (why) is required: at least 3 characters." }).waitFor();
    await page.getByLabel(/Comment \(why\)/).fill("   ");
    await page.getByRole("button", { name: "Publish" }).click();
    assert.doesNotMatch((await page.locator("#transition-error").textContent()) ?? "", /too_small|origin|\[/);
    assert.equal(publishes(), 0, "a blank comment is refused before sending");
    await assertLabelled(page, "version page");
    await page.getByLabel(/Comment \(why\)/).fill("second demo run, 5 folds");
    await page.getByRole("button", { name: "Publish" }).dblclick();
    await page.locator("#transition-done", { hasText: "Published and active." }).waitFor();
    assert.equal(await page.getByTestId("version-status").textContent(), "active", "badge already active when the message shows");
    assert.equal(publishes(), 1, "one publish request for a double click");
    assert.equal(await page.locator("#transition-error").count(), 0, "no conflict message");
    assert.equal(await page.getByLabel(/Comment \(why\)/).count(), 0, "no comment box without an action");
    await page.locator("#no-transition").waitFor();

    // --- versions: cohort, B and seed; the pick-two rule; compare titles per version; no self-comparison
    const r2 = await trpc<{ runId: string }>(page, "runs.start", { cohortId: (await trpc<{ id: string; name: string }[]>(page, "cohorts.list", undefined, "query")).find((c) => c.name.startsWith("Demo"))!.id, seed: 7, settings: { lasso: { bootstrapB: 20, nfolds: 5 }, svm: { nfolds: 5 }, validation: { B: 20 } } });
    const done2 = await waitRun(page, r2.runId);
    assert.equal(done2.status, "succeeded", done2.error ?? "");
    await page.goto(`${url}/admin/models`);
    const vRow = page.locator(`tr[data-version="${versionLabel}"]`);
    await vRow.waitFor();
    assert.match((await vRow.textContent()) ?? "", /Demo cohort .*imported .*id …[0-9a-f]{6}.*LASSO B 20 · validation B 20 · 5 folds · seed 20190147/);
    const boxes = page.getByRole("checkbox", { name: /^Compare / });
    assert.equal(await boxes.count(), 3);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator("#compare-rule", { hasText: "2 of 2 chosen" }).waitFor();
    assert.ok(await boxes.nth(2).isDisabled(), "a third box cannot be ticked");
    assert.ok(await boxes.nth(0).isChecked(), "the first choice stays ticked");
    await assertLabelled(page, "versions");
    const names = (await page.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-version")))).slice(0, 2);
    await page.getByRole("button", { name: "Compare the two selected versions" }).click();
    await page.waitForURL(/compare\?a=/);
    for (const n of names) await page.locator("figcaption", { hasText: `Calibration — ${n}` }).waitFor({ timeout: 20_000 });
    await page.locator("#compare-origin", { hasText: "Seed" }).filter({ hasText: "20190147" }).filter({ hasText: "7" }).waitFor();
    const a = new URL(page.url()).searchParams.get("a")!;
    await page.goto(`${url}/admin/models/compare?a=${a}&b=${a}`);
    await page.locator("#compare-choose", { hasText: "cannot be compared with itself" }).waitFor();

    // --- audit: names, the comment, labels; sign-ins hidden by default; filters; paging controls
    await page.goto(`${url}/admin/audit`);
    const pubRow = page.locator("#audit-table tbody tr", { hasText: "models.publish" }).filter({ hasText: "second demo run, 5 folds" });
    await pubRow.waitFor();
    assert.match((await pubRow.textContent()) ?? "", new RegExp(`Demo Admin.*admin@demo\\.axilla.*model version ${versionLabel}`));
    assert.equal(await page.locator("#audit-table tbody tr", { hasText: "auth.signin" }).count(), 0, "sign-ins hidden by default");
    await assertLabelled(page, "audit");
    await page.getByLabel("Action", { exact: true }).selectOption("auth.signin");
    await page.locator("#audit-table caption", { hasText: "action auth.signin" }).waitFor();
    const actionsShown = await page.locator("#audit-table tbody tr td:nth-child(2)").allTextContents();
    assert.ok(actionsShown.length > 0 && actionsShown.every((x) => x === "auth.signin"), actionsShown.join(","));
    await page.getByLabel("Action", { exact: true }).selectOption("");
    await page.getByLabel("Outcome", { exact: true }).selectOption("failure");
    await page.locator("#audit-table caption", { hasText: "outcome failure" }).waitFor();
    const outcomes = await page.locator("#audit-table tbody tr td:nth-child(3)").allTextContents();
    assert.ok(outcomes.every((x) => x === "failure"), outcomes.join(","));
    await page.getByRole("button", { name: "Older events" }).waitFor();
    console.log(`admin usability browser test: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
});
