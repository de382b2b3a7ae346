// Server side of the model-administrator usability fixes: bootstrap B below the minimum is refused with a message
// naming the minimum; a zod error reaches the browser as its message (errorText, over real tRPC HTTP); comparing a
// version with itself is refused; versions and runs say what tells them apart (cohort, B, folds, seed); cohort
// import names file-level problems (a PNG is not a CSV; "ER" for "er"); the audit log joins users, labels model
// versions, filters and pages.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";

const dataDir = mkdtempSync(join(tmpdir(), "axilla-admin-ux-"));
process.env.DATA_DIR = dataDir;
const { appRouter, createCaller } = await import("../../server/api/root.ts");
const { createTestContext } = await import("../../server/api/context.ts");
const { createTestDb } = await import("../../server/db/testing.ts");
const { auditLog, cohorts, trainingRuns, users } = await import("../../server/db/schema.ts");
const { errorText } = await import("../../app/admin/_lib/mutations.ts");
const { insertVersion } = await import("./helpers/model-admin-fixture.ts");
type SessionUser = import("../../server/auth/roles.ts").SessionUser;
type AppRouter = typeof appRouter;

const DEMO = join(import.meta.dirname, "..", "..", "demo");

describe("model administration usability (server)", () => {
  let t: Awaited<ReturnType<typeof createTestDb>>;
  const who: Record<string, SessionUser> = {};
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  /** a tRPC client over the fetch adapter (the browser's wire format: superjson, errorFormatter, TRPCClientError) */
  const client = (u: SessionUser) =>
    createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: "http://test.local/api/trpc",
          transformer: superjson,
          fetch: (url, init) => fetchRequestHandler({ endpoint: "/api/trpc", req: new Request(url as string, init as RequestInit), router: appRouter, createContext: () => createTestContext({ db: t.db, user: u }) }),
        }),
      ],
    });
  let draft = "";
  let other = "";
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    other = (await insertVersion(t.db, "vx1", "published", true, 11)).id;
    draft = (await insertVersion(t.db, "vx2", "draft", false, 12)).id;
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("runs.start refuses bootstrap B below 20 (LASSO and validation) and says the minimum", async () => {
    const [c] = await t.db.insert(cohorts).values({ name: "x", meta: {}, filePath: "files/x.csv", createdBy: who.admin.id }).returning();
    for (const settings of [{ lasso: { bootstrapB: 0 } }, { lasso: { bootstrapB: 19 } }, { validation: { B: 0 } }]) {
      await assert.rejects(caller(who.admin).runs.start({ cohortId: c.id, settings }), (e: Error) => {
        assert.match(errorText(e as never) || e.message, /at least 20/);
        return true;
      });
    }
    // over HTTP the browser gets the message, not the zod issue JSON
    const e = await client(who.admin)
      .runs.start.mutate({ cohortId: c.id, settings: { lasso: { bootstrapB: 0 }, validation: { B: 5 } } })
      .then(() => null, (x: unknown) => x);
    assert.ok(e instanceof TRPCClientError);
    const text = errorText(e);
    assert.match(text, /LASSO bootstrap selections \(B\) must be at least 20/);
    assert.match(text, /Validation \/ calibration bootstrap \(B\) must be at least 20/);
    assert.doesNotMatch(text, /"code"|too_small|custom|\[/);
  });

  test("a blank publish comment reaches the browser as its message only", async () => {
    const e = await client(who.admin)
      .models.publish.mutate({ id: draft, comment: "   " })
      .then(() => null, (x: unknown) => x);
    assert.ok(e instanceof TRPCClientError);
    // the server's error formatter sends the issues' messages (server/api/trpc.ts), not zod's JSON dump
    assert.equal(e.message, "comment: A comment (why) is required.");
    assert.equal(errorText(e), "A comment (why) is required.");
    // the same mapping for a raw issue list without data (what zod's own message looks like)
    const raw = JSON.stringify([{ origin: "string", code: "too_small", minimum: 3, path: ["comment"], message: "A comment (why) is required." }], null, 2);
    assert.equal(errorText(new Error(raw)), "A comment (why) is required.");
    assert.equal(errorText(new Error("plain")), "plain");
  });

  test("compare refuses a version with itself; list/get/compare say cohort, B, folds and seed", async () => {
    await assert.rejects(caller(who.admin).models.compare({ a: draft, b: draft }), /two different versions/);
    const list = await caller(who.admin).models.list();
    const v = list.find((x) => x.id === draft)!;
    assert.deepEqual({ seed: v.origin.seed, b: v.origin.bootstrapB, vb: v.origin.validationB, folds: v.origin.folds, n: v.origin.n }, { seed: 12, b: 20, vb: 40, folds: 10, n: 147 });
    const c = await caller(who.admin).models.compare({ a: draft, b: other });
    assert.equal(c.origin.a.seed, 12);
    assert.equal(c.origin.b.seed, 11);
  });

  test("runs.list numbers runs and gives their effective settings", async () => {
    const [c] = await t.db.insert(cohorts).values({ name: "My cohort", meta: {}, filePath: "files/y.csv", createdBy: who.admin.id }).returning();
    await t.db.insert(trainingRuns).values({ cohortId: c.id, settings: { pipeline: { lasso: { bootstrapB: 25, nfolds: 5 } }, seed: 7 }, status: "failed", report: { stages: {}, error: "x" } });
    const runs = await caller(who.admin).runs.list({ limit: 10 });
    const r = runs.find((x) => x.cohortId === c.id)!;
    assert.equal(r.number, 1);
    assert.deepEqual(r.config && { b: r.config.bootstrapB, vb: r.config.validationB, folds: r.config.lassoFolds, seed: r.config.seed }, { b: 25, vb: 200, folds: 5, seed: 7 });
    assert.equal(r.cohortName, "My cohort");
  });

  test("cohort import: a PNG is not a CSV; a near-miss column name is suggested; the columns found are reported", async () => {
    const png = readFileSync(join(DEMO, "images", "DEMO-001.png"));
    const v1 = await caller(who.admin).cohorts.validate({ cohortCsv: new TextDecoder().decode(png), featuresCsv: "case_code,f1\nA,1\n" });
    assert.equal(v1.ok, false);
    assert.equal(v1.rows, 0);
    assert.equal(v1.blocking, 1);
    assert.deepEqual(v1.lines, ["cohort.csv: is not a CSV text file (it looks like a PNG image); choose the cohort CSV"]);
    const cohortCsv = readFileSync(join(DEMO, "cohort.csv"), "utf8");
    const featuresCsv = readFileSync(join(DEMO, "features.csv"), "utf8");
    const lines = cohortCsv.split("\n");
    const header = lines[0].split(",").map((h) => (h === "er" ? "ER" : h === "t_stage" ? "T stage" : h));
    const v2 = await caller(who.admin).cohorts.validate({ cohortCsv: [header.join(","), ...lines.slice(1)].join("\n"), featuresCsv });
    assert.equal(v2.ok, false);
    assert.equal(v2.blocking, 2);
    assert.ok(v2.columns.includes("ER") && v2.columns.includes("T stage"));
    assert.ok(v2.lines.includes('cohort.csv, column "er": required column is missing; found "ER" — rename it to "er" (column names are exact)'), v2.lines.join("\n"));
    assert.ok(v2.lines.includes('cohort.csv, column "t_stage": required column is missing; found "T stage" — rename it to "t_stage" (column names are exact)'), v2.lines.join("\n"));
  });

  test("audit.list: actor name and email, model version label, the comment; filters and paging; actions", async () => {
    await caller(who.admin).models.publish({ id: draft, comment: "checked calibration on the new cohort" });
    for (let i = 0; i < 5; i++) await t.db.insert(auditLog).values({ actorId: who.surgeon.id, actorRole: "surgeon", action: "auth.signin", outcome: "success" });
    const all = await caller(who.admin).audit.list({ limit: 3 });
    assert.equal(all.length, 3);
    assert.ok(all.every((r) => r.action === "auth.signin"), "sign-ins are the newest");
    assert.equal(all[0].actorName, who.surgeon.name);
    assert.equal(all[0].actorEmail, who.surgeon.email);
    const hidden = await caller(who.admin).audit.list({ limit: 50, hideSignIns: true });
    assert.ok(hidden.length > 0 && hidden.every((r) => r.action !== "auth.signin"));
    const pub = hidden.find((r) => r.action === "models.publish")!;
    assert.equal(pub.objectLabel, "model version vx2");
    assert.equal((pub.detail as { why: string }).why, "checked calibration on the new cohort");
    assert.equal(pub.actorName, who.admin.name);
    const only = await caller(who.admin).audit.list({ limit: 50, action: "models.publish", outcome: "success" });
    assert.deepEqual(
      only.map((r) => r.action),
      ["models.publish"],
    );
    const page2 = await caller(who.admin).audit.list({ limit: 2, beforeId: all[2].id });
    assert.ok(page2.every((r) => r.id < all[2].id));
    const actions = await caller(who.admin).audit.actions();
    assert.ok(actions.includes("models.publish") && actions.includes("auth.signin"));
    await assert.rejects(caller(who.surgeon).audit.actions(), /FORBIDDEN|role/i);
  });
});
