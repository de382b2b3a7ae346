// Role matrix: docs/roles.md matches the declared access of every procedure, and calling every
// procedure as anonymous / surgeon / board / admin is denied by the middleware exactly where the
// table says ✗ (and never where it says ✓).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { accessMatrix, readDocSection, renderMatrix, rolesDocPath, WHO, type Who } from "../../server/api/access-matrix.ts";
import { createTestContext } from "../../server/api/context.ts";
import { appRouter, createCaller } from "../../server/api/root.ts";
import { listAudit } from "../../server/audit.ts";
import type { SessionUser } from "../../server/auth/roles.ts";
import { users } from "../../server/db/schema.ts";
import { createTestDb, type TestDb } from "../../server/db/testing.ts";

describe("role matrix", () => {
  let t: TestDb;
  const who: Partial<Record<Who, SessionUser>> = {};
  before(async () => {
    t = await createTestDb({ seed: true });
    for (const u of await t.db.select().from(users)) who[u.role] = { id: u.id, email: u.email, name: u.name, role: u.role };
  });
  after(async () => t.close());

  test("docs/roles.md is up to date (regenerate: npx tsx server/api/access-matrix.ts --write)", () => {
    const doc = readDocSection(readFileSync(rolesDocPath(), "utf8"));
    assert.ok(doc, "docs/roles.md lacks the generated access-matrix section");
    assert.equal(doc, renderMatrix(accessMatrix(appRouter)), "docs/roles.md is stale: run `npx tsx server/api/access-matrix.ts --write`");
  });

  test("every procedure × every role: the middleware denies exactly the ✗ cells", async () => {
    const rows = accessMatrix(appRouter);
    const mismatches: string[] = [];
    for (const row of rows) {
      for (const w of WHO) {
        const user = w === "anonymous" ? null : who[w]!;
        const caller = createCaller(createTestContext({ db: t.db, user, ip: "192.0.2.50" }));
        const fn = row.path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (input?: unknown) => Promise<unknown>;
        const before = (await listAudit(t.db, { action: "trpc.denied", limit: 1000 })).filter((r) => r.objectId === row.path).length;
        let code: string | null = null;
        try {
          // Undefined input: access is decided before input validation, so an allowed call fails
          // later with BAD_REQUEST (or runs, for procedures without required input).
          await Promise.race([fn(undefined), new Promise((res) => setTimeout(res, 5000).unref())]);
        } catch (e) {
          code = e instanceof TRPCError ? e.code : "ERROR";
        }
        const audited = (await listAudit(t.db, { action: "trpc.denied", limit: 1000 })).filter((r) => r.objectId === row.path).length > before;
        const denied = (code === "UNAUTHORIZED" || code === "FORBIDDEN") && audited;
        const expectDenied = !row.allowed[w];
        if (denied !== expectDenied) mismatches.push(`${row.path} as ${w}: expected ${expectDenied ? "denied" : "allowed"}, got ${code ?? "ok"}${audited ? " (audited)" : ""}`);
        if (expectDenied && denied) {
          const want = w === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
          if (code !== want) mismatches.push(`${row.path} as ${w}: expected ${want}, got ${code}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });
});
