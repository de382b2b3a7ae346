// Test helper: a fresh, migrated, isolated database per call.
//   const t = await createTestDb();  ... t.db ...  await t.close();
// On in-memory PGlite by default; when TEST_DATABASE_URL (postgres://…, a role with CREATEDB) is
// set, a new database is created on that server for the caller and dropped on close().
// Pass { seed: true } to get the demo users and baselines.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPglite, openPostgres, type DbHandle } from "./index.ts";
import { seed as seedDb } from "./seed.ts";

export interface TestDb extends DbHandle {
  /** "pglite" or "pg" — handy in test names. */
  label: string;
}

let template: Promise<Blob | File> | undefined;
/** A migrated, empty PGlite data dir, made once per test process and copied for each test DB. */
function pgliteTemplate(): Promise<Blob | File> {
  template ??= (async () => {
    const h = await openPglite();
    try {
      return await h.dump!();
    } finally {
      await h.close();
    }
  })();
  return template;
}

export const testDatabaseUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined;

export async function createTestDb(opts: { seed?: boolean; backend?: "pglite" | "pg" } = {}): Promise<TestDb> {
  const backend = opts.backend ?? (testDatabaseUrl() ? "pg" : "pglite");
  let handle: DbHandle;
  let drop = async () => {};
  if (backend === "pg") {
    const base = testDatabaseUrl();
    if (!base) throw new Error("createTestDb({ backend: 'pg' }) needs TEST_DATABASE_URL");
    const name = `axilla_t_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    handle = await openPostgres(u.toString(), { max: 5 });
    drop = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await c.end();
    };
  } else {
    handle = await openPglite(undefined, { loadDataDir: await pgliteTemplate() });
  }
  if (opts.seed) await seedDb(handle.db);
  return {
    ...handle,
    label: backend,
    close: async () => {
      await handle.close();
      await drop();
    },
  };
}

/** Make `getDb()` return this handle (for testing code that uses the process-wide database). */
export function useAsProcessDb(handle: DbHandle): void {
  (globalThis as typeof globalThis & { __axillaDb?: Promise<DbHandle> }).__axillaDb = Promise.resolve(handle);
}

/** Backends to run data-layer tests on: always PGlite, plus PostgreSQL when TEST_DATABASE_URL is set. */
export function testBackends(): Array<"pglite" | "pg"> {
  return testDatabaseUrl() ? ["pglite", "pg"] : ["pglite"];
}
