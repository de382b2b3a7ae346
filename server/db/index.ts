// Database access. `getDb()` returns the process-wide handle: drizzle over embedded PGlite
// (DATA_DIR/pg) by default, or over a node-postgres pool when DATABASE_URL is set. The first call
// applies the drizzle/ migrations and seeds demo users + baselines once. Use `handle.db` for queries:
//   const { db } = await getDb();  const rows = await db.select().from(schema.cases);
// Tests use `createTestDb()` from server/db/testing.ts instead (fresh, migrated, isolated).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { env } from "../env.ts";
import { logger } from "../log.ts";
import * as schema from "./schema.ts";
import { seed } from "./seed.ts";

export { schema };
/** The drizzle database type shared by both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "pg";
  /** postgres:// URL when kind === "pg" (pg-boss needs it). */
  url?: string;
  /** Cheap liveness check (SELECT 1); throws when the database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: a tarball of the data directory (used for test templates). */
  dump?: () => Promise<Blob | File>;
}

const log = logger("db");

export function migrationsFolder(): string {
  return join(process.cwd(), "drizzle");
}

/**
 * Open (and migrate) an embedded PGlite database. `dir` undefined -> in memory. `loadDataDir`
 * starts from a dump (tests use a migrated template: much faster than migrating each time).
 */
export async function openPglite(dir?: string, opts: { loadDataDir?: Blob | File } = {}): Promise<DbHandle> {
  let release = () => {};
  if (dir) {
    mkdirSync(/* turbopackIgnore: true */ dir, { recursive: true });
    release = lockDir(dir);
  }
  try {
    const client = opts.loadDataDir ? await PGlite.create({ dataDir: dir, loadDataDir: opts.loadDataDir }) : await PGlite.create(dir);
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    await migratePglite(drizzlePglite({ client }), { migrationsFolder: migrationsFolder() });
    return {
      db,
      kind: "pglite",
      dump: () => client.dumpDataDir("none"),
      ping: async () => {
        await client.query("select 1");
      },
      close: async () => {
        if (!client.closed) await client.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/** Open (and migrate) a PostgreSQL server database through a node-postgres pool. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<DbHandle> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  pool.on("error", (e) => log.warn("idle pg client error", { error: e }));
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  // Serialise migrations across processes (web server + workers starting together).
  const conn = await pool.connect();
  try {
    await conn.query("select pg_advisory_lock(724001)");
    await migratePg(drizzlePg({ client: conn }), { migrationsFolder: migrationsFolder() });
  } finally {
    await conn.query("select pg_advisory_unlock(724001)").catch(() => {});
    conn.release();
  }
  let closed = false;
  return {
    db,
    kind: "pg",
    url,
    ping: async () => {
      if (closed) throw new Error("database pool closed");
      await pool.query("select 1");
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** A PGlite data directory may be opened by one process only: a pid lock file guards it. */
function lockDir(dir: string): () => void {
  const file = join(/* turbopackIgnore: true */ dir, "..", `${dir.split(/[\\/]/).pop()}.lock`);
  if (existsSync(/* turbopackIgnore: true */ file)) {
    const pid = Number(readFileSync(/* turbopackIgnore: true */ file, "utf8"));
    let alive = false;
    if (pid && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (alive) {
      throw new Error(
        `The embedded database ${dir} is in use by another process (pid ${pid}). ` +
          "Stop it, or set DATABASE_URL to share a PostgreSQL server between processes.",
      );
    }
  }
  writeFileSync(/* turbopackIgnore: true */ file, String(process.pid));
  return () => rmSync(/* turbopackIgnore: true */ file, { force: true });
}

/** Open the configured database, migrate, seed once. */
export async function openConfiguredDb(): Promise<DbHandle> {
  const e = env();
  const t0 = Date.now();
  const handle = e.DATABASE_URL ? await openPostgres(e.DATABASE_URL) : await openPglite(join(/* turbopackIgnore: true */ e.dataDir, "pg"));
  const seeded = await seed(handle.db);
  log.info("database ready", { kind: handle.kind, ms: Date.now() - t0, seeded });
  return handle;
}

type G = typeof globalThis & { __axillaDb?: Promise<DbHandle> };

/**
 * The process-wide database (a globalThis singleton, so every Next.js bundle and the
 * instrumentation hook share one PGlite owner). Migrates and seeds on first call.
 */
export function getDb(): Promise<DbHandle> {
  const g = globalThis as G;
  if (!g.__axillaDb) {
    g.__axillaDb = openConfiguredDb();
    g.__axillaDb.catch(() => {
      g.__axillaDb = undefined; // let a later call retry (e.g. PostgreSQL not yet up)
    });
  }
  return g.__axillaDb;
}

/** Close the process-wide database (tests, shutdown). */
export async function closeDb(): Promise<void> {
  const g = globalThis as G;
  const p = g.__axillaDb;
  g.__axillaDb = undefined;
  if (p) await (await p).close();
}

