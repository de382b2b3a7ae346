// Tumour-board meetings: surgeons create meetings and add only their own cases; board members see a case only
// through a meeting (read-only: every write is refused); other surgeons' cases on a meeting stay hidden from a surgeon.
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
import { parseArtefact } from "../../lib/model/artefact.ts";
import { hashArtefact } from "../../lib/model/hash.ts";
import { predict } from "../../lib/model/predict.ts";

const MODEL = parseArtefact(JSON.parse(readFileSync(new URL("../fixtures/predictions/model-full.json", import.meta.url), "utf8")));
const F = { age: 47, t_stage: "T2", location: "UIQ", er: "negative", pr: "positive", us_aln: "negative" } as const;
const isCode = (code: string) => (e: unknown) => e instanceof TRPCError && e.code === code;

describe("meetings and board access", () => {
  let t: TestDb;
  const who: Record<string, SessionUser> = {};
  let other: SessionUser;
  const ids: Record<string, string> = {};
  const as = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));

  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    const [u2] = await t.db.insert(users).values({ email: "s2@x.test", name: "Other Surgeon", role: "surgeon", passwordHash: "x" }).returning();
    other = { id: u2.id, email: u2.email, name: u2.name, role: "surgeon" };
    const [v] = await t.db.insert(modelVersions).values({ label: "m1", status: "published", active: true, artefact: MODEL, contentHash: hashArtefact(MODEL) }).returning();
    for (const [k, owner, rs] of [["a", who.surgeon, 0.5], ["b", who.surgeon, -0.2], ["c", other, 1.1]] as const) {
      const [c] = await t.db.insert(cases).values({ caseCode: `AX-M-${k}1`, ownerId: owner.id }).returning();
      await t.db.insert(radscores).values({ caseId: c.id, modelVersionId: v.id, value: rs, detail: {} });
      ids[k] = c.id;
    }
    await as(who.surgeon).predictions.save({ caseId: ids.a, factors: F });
  });
  after(async () => t.close());

  test("surgeon creates a meeting and adds own cases (audited); not someone else's", async () => {
    const m = await as(who.surgeon).meetings.create({ date: new Date("2026-12-01T08:00:00Z"), title: "MDT 1 Dec" });
    ids.m = m.id;
    await as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.a });
    await as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.b });
    await assert.rejects(as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.c }), isCode("NOT_FOUND"));
    await as(other).meetings.addCase({ meetingId: m.id, caseId: ids.c });
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, "meetings.addCase"));
    assert.equal(audits.length, 3);
    const list = await as(who.board).meetings.list();
    assert.deepEqual(list.map((x) => [x.title, x.caseCount]), [["MDT 1 Dec", 3]]);
  });

  test("board members see the meeting's cases with the saved prediction (= engine) and its model; surgeons only their own", async () => {
    const g = await as(who.board).meetings.get({ id: ids.m });
    assert.deepEqual(g.cases.map((c) => c.caseCode), ["AX-M-a1", "AX-M-b1", "AX-M-c1"]);
    const a = g.cases[0];
    assert.ok(a.prediction);
    assert.equal(a.prediction.outputs.probability, predict(MODEL, { ...F, radscore: 0.5 }).probability);
    assert.ok(g.models[a.prediction.modelVersionId]?.model?.nomogram.axes.length);
    assert.equal(g.cases[1].prediction, null);
    const s = await as(other).meetings.get({ id: ids.m });
    assert.deepEqual(s.cases.map((c) => c.caseCode), ["AX-M-c1"]);
    assert.equal(s.hiddenCases, 2);
  });

  test("board: reads cases on a meeting, nothing else, and cannot write", async () => {
    const board = as(who.board);
    assert.equal((await board.predictions.list({ caseId: ids.a })).length, 1);
    const r = await board.reports.data({ caseId: ids.a });
    assert.equal(r.case.caseCode, "AX-M-a1");
    const [lonely] = await t.db.insert(cases).values({ caseCode: "AX-M-z9", ownerId: who.surgeon.id }).returning();
    await assert.rejects(board.predictions.list({ caseId: lonely.id }), isCode("NOT_FOUND"));
    await assert.rejects(board.reports.data({ caseId: lonely.id }), isCode("NOT_FOUND"));
    await assert.rejects(board.predictions.save({ caseId: ids.a, factors: F }), isCode("FORBIDDEN"));
    await assert.rejects(board.meetings.create({ date: new Date(), title: "x" }), isCode("FORBIDDEN"));
    await assert.rejects(board.meetings.addCase({ meetingId: ids.m, caseId: lonely.id }), isCode("FORBIDDEN"));
    await assert.rejects(board.meetings.removeCase({ meetingId: ids.m, caseId: ids.a }), isCode("FORBIDDEN"));
    await assert.rejects(board.predictions.context({ caseId: ids.a }), isCode("FORBIDDEN"));
    // admins see no patient data
    await assert.rejects(as(who.admin).meetings.get({ id: ids.m }), isCode("FORBIDDEN"));
    await assert.rejects(as(who.admin).reports.data({ caseId: ids.a }), isCode("FORBIDDEN"));
  });

  test("taking a case off its only meeting ends the board's access", async () => {
    await as(who.surgeon).meetings.removeCase({ meetingId: ids.m, caseId: ids.b });
    await assert.rejects(as(who.board).predictions.list({ caseId: ids.b }), isCode("NOT_FOUND"));
  });
});
