// Predictions through the server (tRPC) and the browser's data path equal the statistics engine:
// probability, CI, points per factor and total points = lib/model predict() for the same inputs; the nomogram
// data the chart draws (axes, ticks, a patient's points) equal rms::nomogram (R fixture rotterdam_lrm.json);
// saving stores the model version, and a later active version never changes an old prediction.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { createCaller } from "../../server/api/root.ts";
import { createTestContext } from "../../server/api/context.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";
import { auditLog, cases, modelVersions, radscores, users } from "../../server/db/schema.ts";
import type { SessionUser } from "../../server/auth/roles.ts";
import { parseArtefact, type ModelArtefact } from "../../lib/model/artefact.ts";
import { hashArtefact } from "../../lib/model/hash.ts";
import { predict } from "../../lib/model/predict.ts";
import { lrm } from "../../lib/stats/logistic.ts";
import { nomogram } from "../../lib/stats/nomogram.ts";
import { nomogramData, pointsAtValue, valueAtPoints } from "../../server/services/nomogram-data.ts";
import { fixture, rotterdam } from "../unit/stats/lrm-helpers.ts";

const MODEL = JSON.parse(readFileSync(new URL("../fixtures/predictions/model-full.json", import.meta.url), "utf8"));
const FACTORS = { age: 52, t_stage: "T2", location: "UOQ", er: "positive", pr: "negative", us_aln: "positive" } as const;
const RADSCORE = 0.8312;

export async function insertModel(db: TestDb["db"], artefact: unknown, label: string, active: boolean) {
  const a = parseArtefact(artefact);
  const [row] = await db
    .insert(modelVersions)
    .values({ label, status: "published", active, artefact: a, contentHash: hashArtefact(a), publishedAt: new Date() })
    .returning();
  return row;
}

describe("predictions", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  let caseId = "";
  let v1 = "";
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  const artefact: ModelArtefact = parseArtefact(MODEL);

  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    v1 = (await insertModel(t.db, MODEL, "fixture-v1", true)).id;
    const [c] = await t.db.insert(cases).values({ caseCode: "AX-7001", ownerId: who.surgeon.id }).returning();
    caseId = c.id;
    await t.db.insert(radscores).values({ caseId, modelVersionId: v1, value: RADSCORE, detail: { outOfRange: [] }, createdBy: who.surgeon.id });
  });
  after(async () => t.close());

  test("server predict: probability, CI, points per factor and total points equal lib predict()", async () => {
    const got = await caller(who.surgeon).predictions.predict({ caseId, factors: FACTORS });
    const want = predict(artefact, { ...FACTORS, radscore: RADSCORE });
    assert.equal(got.radscore, RADSCORE);
    assert.equal(got.probability, want.probability);
    assert.deepEqual(got.ci95, want.ci95);
    assert.deepEqual(got.points, want.points);
    assert.equal(got.totalPoints, want.totalPoints);
    assert.deepEqual(got.clinicalOnly, want.clinicalOnly);
    assert.deepEqual(Object.keys(got.points).sort(), ["age", "er", "location", "pr", "radscore", "t_stage", "us_aln"]);
    assert.ok(got.ci95[0] < got.probability && got.probability < got.ci95[1]);
  });

  test("browser path: predict() on the client slice of the model gives the same numbers; the chart's axes are the artefact's", async () => {
    const ctx = await caller(who.surgeon).predictions.context({ caseId });
    assert.ok(ctx.model, ctx.modelError ?? "no model");
    assert.equal(ctx.radscore.radscore, RADSCORE);
    for (const f of [FACTORS, { ...FACTORS, t_stage: "T3" as const, age: 70 }, { ...FACTORS, us_aln: "negative" as const, location: "LIQ" as const }]) {
      const client = predict(ctx.model.predictArtefact as unknown as ModelArtefact, { ...f, radscore: RADSCORE });
      const engine = predict(artefact, { ...f, radscore: RADSCORE });
      assert.deepEqual({ p: client.probability, ci: client.ci95, pts: client.points, tot: client.totalPoints }, { p: engine.probability, ci: engine.ci95, pts: engine.points, tot: engine.totalPoints });
    }
    // the axes the D3 chart draws are the artefact's stored rms axes
    for (const ax of ctx.model.nomogram.axes) {
      assert.deepEqual(ax.values, artefact.nomogram.nomogram.axes[ax.variable].values, ax.variable);
      assert.deepEqual(ax.points, artefact.nomogram.nomogram.axes[ax.variable].points, ax.variable);
    }
    assert.deepEqual(ctx.model.nomogram.totalPointsTicks, artefact.nomogram.nomogram.totalPoints);
    assert.deepEqual(ctx.model.nomogram.probabilityTicks.map((p) => p.points), artefact.nomogram.nomogram.probability.points);
    // a marker drawn at pointsAtValue(age) sits at the engine's points for that age
    const ageAxis = ctx.model.nomogram.axes.find((a) => a.variable === "age")!;
    const want = predict(artefact, { ...FACTORS, radscore: RADSCORE }).points.age;
    assert.ok(Math.abs(pointsAtValue(ageAxis, FACTORS.age) - want) < 1e-9);
    assert.ok(Math.abs((valueAtPoints(ageAxis, want) as number) - FACTORS.age) < 1e-9, "drag inverse");
    assert.equal(ctx.model.demo, true);
    assert.match(ctx.model.demoLabel ?? "", /Demo model — not for clinical use/);
  });

  test("nomogram chart data equal rms::nomogram for the R fixture model (rotterdam main)", () => {
    const F = fixture("rotterdam_lrm.json").models.main;
    const d = nomogramData(nomogram(lrm(rotterdam().train, F.formula)));
    const N = F.nomogram;
    for (const ax of d.axes) {
      const E = N.axes[ax.variable];
      assert.deepEqual(ax.values.map(String), E.values.map(String), ax.variable);
      ax.points.forEach((p, i) => assert.ok(Math.abs(p - E.points[i]) < 1e-8, `${ax.variable} points[${i}] ${p} vs R ${E.points[i]}`));
    }
    assert.deepEqual(d.totalPointsTicks, N.total_points_axis);
    d.probabilityTicks.forEach((t, i) => {
      assert.ok(Math.abs(t.value - N.probability_axis.probability[i]) < 1e-12);
      assert.ok(Math.abs(t.points - N.probability_axis.points_R[i]) < 1e-8);
    });
    // each test patient's total points, as the chart places the markers (value -> points on each axis) = R's
    const te = rotterdam().test;
    const R = F.test.nomogram_total_points as number[];
    for (let i = 0; i < te.nrow; i++) {
      let tot = 0;
      for (const ax of d.axes) {
        const v = te.columns[ax.variable][i];
        tot += ax.categorical ? ax.points[ax.values.indexOf(v as string)] : pointsAtValue(ax, v as number);
      }
      assert.ok(Math.abs(tot - R[i]) < 1e-8, `row ${i}: ${tot} vs R ${R[i]}`);
    }
  });

  test("out-of-range age is accepted and flagged; impossible values are refused with a clear message", async () => {
    const got = await caller(who.surgeon).predictions.predict({ caseId, factors: { ...FACTORS, age: 95 } });
    assert.ok(got.outOfRange.includes("age"));
    assert.ok(got.warnings.some((w) => /outside the training range/.test(w)));
    await assert.rejects(
      caller(who.surgeon).predictions.predict({ caseId, factors: { ...FACTORS, t_stage: "T9" as "T1" } }),
      (e) => e instanceof TRPCError && e.code === "BAD_REQUEST" && /T stage/.test(e.message),
    );
    await assert.rejects(caller(who.surgeon).predictions.predict({ caseId, factors: { ...FACTORS, age: 300 } }), (e) => e instanceof TRPCError && /Age/.test(e.message));
  });

  test("save stores inputs, outputs and the model version (audited); a later active version never changes it", async () => {
    const saved = await caller(who.surgeon).predictions.save({ caseId, factors: FACTORS, threshold: 0.4, expectedModelVersionId: v1 });
    const want = predict(artefact, { ...FACTORS, radscore: RADSCORE });
    assert.equal(saved.modelVersionId, v1);
    assert.equal(saved.modelVersionLabel, "fixture-v1");
    assert.equal(saved.outputs.probability, want.probability);
    assert.equal(saved.inputs.threshold, 0.4);
    assert.equal(saved.outputs.call, want.probability >= 0.4 ? "above" : "below");
    const rows = await t.db.select().from(auditLog).where(eq(auditLog.action, "predictions.save"));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].objectId, saved.id);
    // publish a second version (a different model) and make it active
    const other = structuredClone(MODEL);
    other.nomogram.engine.model.coefficients[0] += 0.5; // a different intercept: different probabilities
    delete other.hash;
    await t.db.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, v1));
    const v2 = await insertModel(t.db, other, "fixture-v2", true);
    const got = await caller(who.surgeon).predictions.get({ id: saved.id });
    assert.equal(got.prediction.modelVersionLabel, "fixture-v1");
    assert.equal(got.model?.versionId, v1);
    assert.equal(got.prediction.outputs.probability, want.probability);
    const ctx = await caller(who.surgeon).predictions.context({ caseId });
    assert.equal(ctx.model?.versionId, v2.id);
    assert.equal(ctx.latest?.modelVersionLabel, "fixture-v1");
    assert.equal(ctx.latestModel?.versionId, v1, "the old prediction is shown with its own version");
    assert.equal(ctx.radscore.radscore, null, "a Rad-score of another version is not used");
    // a save expecting the old version is refused
    await assert.rejects(caller(who.surgeon).predictions.save({ caseId, factors: FACTORS, expectedModelVersionId: v1 }), (e) => e instanceof TRPCError && e.code === "CONFLICT");
    await t.db.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, v2.id));
    await t.db.update(modelVersions).set({ active: true }).where(eq(modelVersions.id, v1));
  });

  test("a tampered version is refused with the reason", async () => {
    const [row] = await t.db.select().from(modelVersions).where(eq(modelVersions.label, "fixture-v2"));
    const bad = structuredClone(row.artefact) as typeof MODEL;
    bad.nomogram.engine.model.coefficients[1] += 1;
    await t.db.update(modelVersions).set({ artefact: bad }).where(eq(modelVersions.id, row.id));
    const [c] = await t.db.insert(cases).values({ caseCode: "AX-7002", ownerId: who.surgeon.id }).returning();
    await t.db.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, v1));
    await t.db.update(modelVersions).set({ active: true }).where(eq(modelVersions.id, row.id));
    const ctx = await caller(who.surgeon).predictions.context({ caseId: c.id });
    assert.equal(ctx.model, null);
    assert.match(ctx.modelError ?? "", /integrity|hash/i);
    await t.db.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, row.id));
    await t.db.update(modelVersions).set({ active: true }).where(eq(modelVersions.id, v1));
  });

  test("access: other surgeons, board members (no meeting) and admins get NOT_FOUND / FORBIDDEN", async () => {
    const [u2] = await t.db.insert(users).values({ email: "s2@x.test", name: "S2", role: "surgeon", passwordHash: "x" }).returning();
    const s2: SessionUser = { id: u2.id, email: u2.email, name: u2.name, role: "surgeon" };
    await assert.rejects(caller(s2).predictions.context({ caseId }), (e) => e instanceof TRPCError && e.code === "NOT_FOUND");
    await assert.rejects(caller(s2).predictions.save({ caseId, factors: FACTORS }), (e) => e instanceof TRPCError && e.code === "NOT_FOUND");
    await assert.rejects(caller(who.board).predictions.list({ caseId }), (e) => e instanceof TRPCError && e.code === "NOT_FOUND");
    await assert.rejects(caller(who.board).predictions.save({ caseId, factors: FACTORS }), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
    await assert.rejects(caller(who.admin).predictions.context({ caseId }), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
  });
});

// predictions.predict reads case, active model and Rad-score in one query (server/services/predictReads): the same
// answers as reading them one by one (requireCase, the model store, caseRadscore), case by case.
describe("predictions.predict's single read", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  let other: SessionUser;
  const caller = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));
  const artefact: ModelArtefact = parseArtefact(MODEL);
  const ids: Record<string, string> = {};
  let v1 = "";

  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    const [o] = await t.db.insert(users).values({ email: "other@test.axilla", name: "Other Surgeon", role: "surgeon", passwordHash: "-" }).returning();
    other = { id: o.id, email: o.email, name: o.name, role: "surgeon" };
    const v0 = (await insertModel(t.db, MODEL, "fixture-v0", false)).id;
    v1 = (await insertModel(t.db, MODEL, "fixture-v1", true)).id;
    const mk = async (code: string, ownerId: string) => (await t.db.insert(cases).values({ caseCode: code, ownerId }).returning())[0].id;
    const rs = (caseId: string, modelVersionId: string, value: number, at: string) =>
      t.db.insert(radscores).values({ caseId, modelVersionId, value, detail: { outOfRange: [] }, createdAt: new Date(at) });
    ids.latest = await mk("AX-7101", who.surgeon.id);
    await rs(ids.latest, v1, 0.1, "2026-01-01T10:00:00Z");
    await rs(ids.latest, v1, 0.5, "2026-01-02T10:00:00Z"); // the latest of the active version
    await rs(ids.latest, v0, 2.0, "2026-01-03T10:00:00Z"); // newer, but another version's
    ids.none = await mk("AX-7102", who.surgeon.id);
    ids.otherVersion = await mk("AX-7103", who.surgeon.id);
    await rs(ids.otherVersion, v0, 0.7, "2026-01-01T10:00:00Z");
    ids.foreign = await mk("AX-7104", other.id);
    await rs(ids.foreign, v1, -0.3, "2026-01-01T10:00:00Z");
  });
  after(async () => t.close());

  const refused = (code: string, re: RegExp) => (e: unknown) => e instanceof TRPCError && e.code === code && re.test(e.message);

  test("the latest Rad-score of the active version is used, not an older one nor another version's", async () => {
    const got = await caller(who.surgeon).predictions.predict({ caseId: ids.latest, factors: FACTORS });
    assert.equal(got.radscore, 0.5);
    assert.equal(got.modelVersionId, v1);
    assert.equal(got.modelVersionLabel, "fixture-v1");
    assert.equal(got.probability, predict(artefact, { ...FACTORS, radscore: 0.5 }).probability);
  });

  test("no Rad-score, or only another version's: refused with the reason", async () => {
    await assert.rejects(caller(who.surgeon).predictions.predict({ caseId: ids.none, factors: FACTORS }), refused("PRECONDITION_FAILED", /no Rad-score yet/));
    await assert.rejects(caller(who.surgeon).predictions.predict({ caseId: ids.otherVersion, factors: FACTORS }), refused("PRECONDITION_FAILED", /another model version/));
  });

  test("another surgeon's case is not found until it is shared; a missing case is not found", async () => {
    await assert.rejects(caller(who.surgeon).predictions.predict({ caseId: ids.foreign, factors: FACTORS }), refused("NOT_FOUND", /No such case/));
    await assert.rejects(caller(who.surgeon).predictions.predict({ caseId: "00000000-0000-4000-8000-000000000000", factors: FACTORS }), refused("NOT_FOUND", /No such case/));
    await t.db.update(cases).set({ sharedWith: [who.surgeon.id] }).where(eq(cases.id, ids.foreign));
    assert.equal((await caller(who.surgeon).predictions.predict({ caseId: ids.foreign, factors: FACTORS })).radscore, -0.3);
    assert.equal((await caller(other).predictions.predict({ caseId: ids.foreign, factors: FACTORS })).radscore, -0.3);
  });

  test("no active model: refused with the model store's reason", async () => {
    await t.db.update(modelVersions).set({ active: false }).where(eq(modelVersions.id, v1));
    await assert.rejects(caller(who.surgeon).predictions.predict({ caseId: ids.latest, factors: FACTORS }), refused("PRECONDITION_FAILED", /No published model is active/));
    await t.db.update(modelVersions).set({ active: true }).where(eq(modelVersions.id, v1));
    assert.equal((await caller(who.surgeon).predictions.predict({ caseId: ids.latest, factors: FACTORS })).radscore, 0.5);
  });
});
