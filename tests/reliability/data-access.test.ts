// Issue 7 item 2, data level (the procedure × role table is tests/integration/roles-matrix.test.ts): surgeons see
// only their own cases unless shared with them (sharing is read-only); board members see only cases on
// meetings they are members of; admins see no cases. Checked through every case-scoped read procedure that exists, by list and by id.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { createTestContext } from "../../server/api/context.ts";
import { appRouter, createCaller } from "../../server/api/root.ts";
import type { SessionUser } from "../../server/auth/roles.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { cases, users } from "../../server/db/schema.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";

type Caller = ReturnType<typeof createCaller>;
type Proc = (input: unknown) => Promise<unknown>;
const proc = (c: Caller, path: string): Proc | null => {
  if (!(path in appRouter._def.procedures)) return null;
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c) as Proc;
};

// Case-scoped reads: path -> input for a case id. Only the ones the router has are called (routers still grow).
const CASE_READS: Record<string, (caseId: string) => unknown> = {
  "cases.get": (id) => ({ id }),
  "radscore.latest": (caseId) => ({ caseId }),
  "predictions.list": (caseId) => ({ caseId }),
  "predictions.context": (caseId) => ({ caseId }),
  "meetings.forCase": (caseId) => ({ caseId }),
};
// Case-scoped writes: a reader that is not the owner must get NOT_FOUND (sharing and meetings are read-only).
const CASE_WRITES: Record<string, (caseId: string) => unknown> = {
  "images.uploadBegin": (caseId) => ({ caseId, size: 10 }),
  "radscore.compute": (caseId) => ({ caseId }),
};

/** "ok" | TRPC code; a call that passes the access check but fails later on missing data counts as visible. */
async function outcome(f: Proc, input: unknown): Promise<string> {
  try {
    await f(input);
    return "ok";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `ERROR ${(e as Error).message}`;
  }
}
const hidden = (code: string) => code === "NOT_FOUND" || code === "FORBIDDEN";

describe("row-level access to cases", () => {
  let t: TestDb;
  const u: Record<string, SessionUser> = {};
  const call: Record<string, Caller> = {};
  const ids: Record<string, string> = {};

  before(async () => {
    t = await createTestDb({ seed: true });
    await t.db.insert(users).values({ email: "s2@reliability.test", name: "Second Surgeon", role: "surgeon", passwordHash: await hashPassword("s2-password-x") });
    // b2: a board user who is not a member of the meeting
    await t.db.insert(users).values({ email: "b2@reliability.test", name: "Second Board Member", role: "board", passwordHash: await hashPassword("b2-password-x") });
    const key: Record<string, string> = { "s2@reliability.test": "s2", "b2@reliability.test": "b2" };
    for (const r of await t.db.select().from(users)) u[key[r.email] ?? r.role] = { id: r.id, email: r.email, name: r.name, role: r.role };
    for (const k of Object.keys(u)) call[k] = createCaller(createTestContext({ db: t.db, user: u[k] }));
    // s1 = demo surgeon: private case P, case S shared with s2, case M on a meeting; s2 owns case Q
    ids.P = (await call.surgeon.cases.create({ caseCode: "REL-001" })).id;
    ids.S = (await call.surgeon.cases.create({ caseCode: "REL-002" })).id;
    ids.M = (await call.surgeon.cases.create({ caseCode: "REL-003" })).id;
    ids.Q = (await call.s2.cases.create({ caseCode: "REL-004" })).id;
    await t.db.update(cases).set({ sharedWith: [u.s2.id] }).where(eq(cases.id, ids.S));
    const m = await call.surgeon.meetings.create({ date: new Date("2026-12-01T10:00:00Z"), title: "Reliability board", memberIds: [u.board.id] });
    await call.surgeon.meetings.addCase({ meetingId: m.id, caseId: ids.M });
  });
  after(async () => t.close());

  const listed = async (c: Caller) => new Set((await c.cases.list({})).map((r) => r.id));

  test("lists: surgeon = own + shared, board = on meetings only, admin = refused", async () => {
    assert.deepEqual(await listed(call.surgeon), new Set([ids.P, ids.S, ids.M]));
    assert.deepEqual(await listed(call.s2), new Set([ids.Q, ids.S]));
    assert.deepEqual(await listed(call.board), new Set([ids.M]));
    assert.deepEqual(await listed(call.b2), new Set());
    await assert.rejects(call.admin.cases.list({}), (e) => e instanceof TRPCError && e.code === "FORBIDDEN");
  });

  test("every case-scoped read: visible exactly where the rules say", async () => {
    const expectVisible: Record<string, Record<string, boolean>> = {
      surgeon: { P: true, S: true, M: true, Q: false },
      s2: { P: false, S: true, M: false, Q: true },
      board: { P: false, S: false, M: true, Q: false },
      b2: { P: false, S: false, M: false, Q: false },
      admin: { P: false, S: false, M: false, Q: false },
    };
    const bad: string[] = [];
    let checked = 0;
    for (const [path, mk] of Object.entries(CASE_READS)) {
      for (const who of Object.keys(expectVisible)) {
        const f = proc(call[who], path);
        if (!f) continue;
        // procedures a role may not call at all are the role matrix's business; skip those
        const probe = await outcome(f, mk(ids.M));
        if (probe === "FORBIDDEN") continue;
        for (const c of ["P", "S", "M", "Q"]) {
          const code = await outcome(f, mk(ids[c]));
          checked++;
          const visible = !hidden(code);
          if (visible !== expectVisible[who][c]) bad.push(`${path} as ${who} on case ${c}: ${code}`);
          if (!visible && code !== "NOT_FOUND") bad.push(`${path} as ${who} on case ${c}: ${code} (other rows must answer NOT_FOUND, not reveal existence)`);
        }
      }
    }
    assert.ok(checked >= 20, `only ${checked} checks ran`);
    assert.deepEqual(bad, []);
  });

  test("sharing and meetings are read-only: writes by a non-owner answer NOT_FOUND", async () => {
    const bad: string[] = [];
    for (const [path, mk] of Object.entries(CASE_WRITES)) {
      const f = proc(call.s2, path);
      if (!f) continue;
      for (const c of ["S", "P"]) {
        const code = await outcome(f, mk(ids[c]));
        if (code !== "NOT_FOUND") bad.push(`${path} by s2 on case ${c}: ${code}`);
      }
      const own = await outcome(f, mk(ids.Q));
      if (hidden(own)) bad.push(`${path} by s2 on own case: ${own}`);
    }
    assert.deepEqual(bad, []);
  });

  test("board sees a case on a meeting only while it is on one", async () => {
    assert.deepEqual(await call.b2.meetings.list(), []);
    const [m] = await call.board.meetings.list();
    const meeting = await call.board.meetings.get({ id: m.id });
    assert.deepEqual(meeting.cases.map((c) => c.id), [ids.M]);
    await call.surgeon.meetings.removeCase({ meetingId: m.id, caseId: ids.M });
    await assert.rejects(call.board.cases.get({ id: ids.M }), (e) => e instanceof TRPCError && e.code === "NOT_FOUND");
    assert.deepEqual(await listed(call.board), new Set());
  });
});
