// Building the tRPC context: from an HTTP request (route handler), for RSC, or for tests.
import type { SessionUser } from "../auth/roles.ts";
import type { Db } from "../db/index.ts";
import { getDb } from "../db/index.ts";
import { getJobs } from "../jobs/index.ts";
import type { JobQueue } from "../jobs/types.ts";
import type { Context } from "./trpc.ts";

export async function createContextFromSession(user: SessionUser | null, ip: string | null): Promise<Context> {
  const { db } = await getDb();
  return { db, user, ip, jobs: getJobs };
}

/** For tests: any db, any user, an optional queue. */
export function createTestContext(opts: { db: Db; user?: SessionUser | null; ip?: string | null; jobs?: JobQueue }): Context {
  return {
    db: opts.db,
    user: opts.user ?? null,
    ip: opts.ip ?? "127.0.0.1",
    jobs: async () => {
      if (!opts.jobs) throw new Error("no job queue in this test context");
      return opts.jobs;
    },
  };
}
