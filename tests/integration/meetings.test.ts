// Tumour-board meetings: surgeons create meetings with their board members and add only their own cases; board
// members see a meeting, and a case, only through a meeting they are a member of (read-only: every write is
// refused); only the creating surgeon changes the membership (audited); other surgeons' cases on a meeting stay
// hidden from a surgeon.
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
  let board2: SessionUser;
  const ids: Record<string, string> = {};
  const as = (u: SessionUser) => createCaller(createTestContext({ db: t.db, user: u }));

  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
    const [u2] = await t.db.insert(users).values({ email: "s2@x.test", name: "Other Surgeon", role: "surgeon", passwordHash: "x" }).returning();
    other = { id: u2.id, email: u2.email, name: u2.name, role: "surgeon" };
    const [b2] = await t.db.insert(users).values({ email: "b2@x.test", name: "Another Board Member", role: "board", passwordHash: "x" }).returning();
    board2 = { id: b2.id, email: b2.email, name: b2.name, role: "board" };
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
    const m = await as(who.surgeon).meetings.create({ date: new Date("2026-12-01T08:00:00Z"), title: "MDT 1 Dec", memberIds: [who.board.id] });
    ids.m = m.id;
    assert.deepEqual(m.memberIds, [who.board.id]);
    await as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.a });
    await as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.b });
    await assert.rejects(as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.c }), isCode("NOT_FOUND"));
    await as(other).meetings.addCase({ meetingId: m.id, caseId: ids.c });
    // adding a case already on the meeting (a double click) changes nothing: not added, not audited again
    assert.deepEqual(await as(who.surgeon).meetings.addCase({ meetingId: m.id, caseId: ids.a }), { ok: true, added: false });
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
    assert.deepEqual(await as(who.surgeon).meetings.removeCase({ meetingId: ids.m, caseId: ids.b }), { ok: true, removed: true });
    await assert.rejects(as(who.board).predictions.list({ caseId: ids.b }), isCode("NOT_FOUND"));
    assert.deepEqual(await as(who.surgeon).meetings.removeCase({ meetingId: ids.m, caseId: ids.b }), { ok: true, removed: false });
    assert.equal((await t.db.select().from(auditLog).where(eq(auditLog.action, "meetings.removeCase"))).length, 1, "a removal that changed nothing is not audited");
  });

  test("boardMembers lists board-role users (id and name only) for surgeons; members must be board users", async () => {
    const list = await as(who.surgeon).meetings.boardMembers();
    assert.deepEqual(
      list.map((b) => b.id).sort(),
      [who.board.id, board2.id].sort(),
    );
    assert.deepEqual(Object.keys(list[0]).sort(), ["id", "name"]);
    await assert.rejects(as(who.board).meetings.boardMembers(), isCode("FORBIDDEN"));
    await assert.rejects(as(who.surgeon).meetings.create({ date: new Date(), title: "bad", memberIds: [other.id] }), isCode("BAD_REQUEST"));
    await assert.rejects(as(who.surgeon).meetings.addMember({ meetingId: ids.m, userId: who.admin.id }), isCode("BAD_REQUEST"));
  });

  test("membership: a member of meeting A sees A and its cases; a board user who is not a member sees neither (NOT_FOUND)", async () => {
    const [c] = await t.db.insert(cases).values({ caseCode: "AX-M-k1", ownerId: who.surgeon.id }).returning();
    ids.k = c.id;
    const mA = await as(who.surgeon).meetings.create({ date: new Date("2026-12-08T08:00:00Z"), title: "MDT A", memberIds: [board2.id] });
    ids.mA = mA.id;
    await as(who.surgeon).meetings.addCase({ meetingId: mA.id, caseId: c.id });
    // board2 (member of A only)
    assert.deepEqual((await as(board2).meetings.list()).map((x) => x.title), ["MDT A"]);
    assert.deepEqual((await as(board2).meetings.get({ id: mA.id })).cases.map((x) => x.caseCode), ["AX-M-k1"]);
    assert.equal((await as(board2).cases.get({ id: c.id })).caseCode, "AX-M-k1");
    assert.deepEqual((await as(board2).cases.list({})).map((x) => x.id), [c.id]);
    // reports.images and radscore.latest answer (empty / null: no ROI, no Rad-score) instead of NOT_FOUND
    assert.deepEqual(await as(board2).reports.images({ caseId: c.id }), []);
    assert.equal(await as(board2).radscore.latest({ caseId: c.id }), null);
    await assert.rejects(as(board2).meetings.get({ id: ids.m }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).cases.get({ id: ids.a }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).predictions.list({ caseId: ids.a }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).reports.data({ caseId: ids.a }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).radscore.latest({ caseId: ids.a }), isCode("NOT_FOUND"));
    // the demo board member (member of "MDT 1 Dec", not of A)
    assert.deepEqual((await as(who.board).meetings.list()).map((x) => x.title), ["MDT 1 Dec"]);
    await assert.rejects(as(who.board).meetings.get({ id: mA.id }), isCode("NOT_FOUND"));
    await assert.rejects(as(who.board).cases.get({ id: c.id }), isCode("NOT_FOUND"));
    await assert.rejects(as(who.board).reports.images({ caseId: c.id }), isCode("NOT_FOUND"));
    await assert.rejects(as(who.board).radscore.latest({ caseId: c.id }), isCode("NOT_FOUND"));
    assert.ok(!(await as(who.board).cases.list({})).some((x) => x.id === c.id));
  });

  test("only the creating surgeon manages membership; adding grants and removing revokes access; changes are audited", async () => {
    await assert.rejects(as(other).meetings.addMember({ meetingId: ids.mA, userId: who.board.id }), isCode("FORBIDDEN"));
    await assert.rejects(as(other).meetings.removeMember({ meetingId: ids.mA, userId: board2.id }), isCode("FORBIDDEN"));
    await assert.rejects(as(board2).meetings.removeMember({ meetingId: ids.mA, userId: board2.id }), isCode("FORBIDDEN"));
    await assert.rejects(as(who.board).meetings.addMember({ meetingId: ids.mA, userId: who.board.id }), isCode("FORBIDDEN"));
    await assert.rejects(as(who.surgeon).meetings.addMember({ meetingId: "00000000-0000-4000-8000-000000000000", userId: who.board.id }), isCode("NOT_FOUND"));
    await assert.rejects(as(who.board).cases.get({ id: ids.k }), isCode("NOT_FOUND"));
    assert.equal((await as(board2).cases.get({ id: ids.k })).caseCode, "AX-M-k1");

    await as(who.surgeon).meetings.addMember({ meetingId: ids.mA, userId: who.board.id });
    assert.equal((await as(who.board).cases.get({ id: ids.k })).caseCode, "AX-M-k1");
    assert.deepEqual((await as(who.board).meetings.list()).map((x) => x.title).sort(), ["MDT 1 Dec", "MDT A"]);
    const mem = await as(who.surgeon).meetings.members({ id: ids.mA });
    assert.deepEqual(mem.members.map((x) => x.id).sort(), [who.board.id, board2.id].sort());
    assert.equal(mem.canManage, true);
    assert.equal((await as(other).meetings.members({ id: ids.mA })).canManage, false);

    await as(who.surgeon).meetings.removeMember({ meetingId: ids.mA, userId: board2.id });
    await assert.rejects(as(board2).meetings.get({ id: ids.mA }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).cases.get({ id: ids.k }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).reports.images({ caseId: ids.k }), isCode("NOT_FOUND"));
    await assert.rejects(as(board2).radscore.latest({ caseId: ids.k }), isCode("NOT_FOUND"));
    assert.deepEqual(await as(board2).meetings.list(), []);
    assert.deepEqual(await as(board2).cases.list({}), []);

    const rows = (await t.db.select().from(auditLog).where(eq(auditLog.objectId, ids.mA))).filter((r) => r.action.startsWith("meetings.") && r.action.endsWith("Member"));
    const seen = rows.map((r) => [r.action, r.actorId, r.outcome, (r.detail as { userId?: string }).userId ?? null]);
    assert.deepEqual(
      seen.filter((x) => x[2] === "success"),
      [
        ["meetings.addMember", who.surgeon.id, "success", who.board.id],
        ["meetings.removeMember", who.surgeon.id, "success", board2.id],
      ],
    );
    // the other surgeon's refused attempts are recorded as denied
    assert.deepEqual(
      seen.filter((x) => x[2] === "denied").map((x) => [x[0], x[1]]),
      [
        ["meetings.addMember", other.id],
        ["meetings.removeMember", other.id],
      ],
    );
    const [created] = await t.db.select().from(auditLog).where(eq(auditLog.action, "meetings.create")).orderBy(auditLog.id);
    assert.deepEqual((created.detail as { memberIds: string[] }).memberIds, [who.board.id]);
  });
});
