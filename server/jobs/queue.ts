// The job queue: one implementation of JobQueue over the jobs table, with two dispatchers.
//  - inprocess: handlers run in this Node process (async; CPU-heavy handlers should offload to
//    worker_threads so the web server stays responsive). Default on embedded PGlite.
//  - pgboss: job ids are published on pg-boss queues so any process connected to the same
//    PostgreSQL server (the web server or `node scripts/worker.mjs`) can run them.
// The jobs table is the source of truth for status/progress/stage/error in both cases. A worker
// heartbeats every few seconds; it also notices a cancel made by another process on heartbeat.
import { and, desc, eq, inArray, lt, or, isNull, sql, type SQL } from "drizzle-orm";
import type PgBossType from "pg-boss";
import type { Db } from "../db/index.ts";
import { jobs } from "../db/schema.ts";
import { logger } from "../log.ts";
import { INTERRUPTED, type EnqueueOptions, type HandlerOptions, type JobHandler, type JobQueue, type JobRow } from "./types.ts";

export interface QueueOptions {
  db: Db;
  backend: "inprocess" | "pgboss";
  /** postgres:// URL, required for pgboss. */
  url?: string;
  /** Run handlers in this process (default true). A web server may set false to leave work to workers. */
  work?: boolean;
  /** Max jobs running at once in this process (default 1: the machine is small). */
  concurrency?: number;
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this belongs to a dead process (pgboss backend). */
  staleMs?: number;
}

class AbortError extends Error {
  override name = "AbortError";
}

interface Registered {
  handler: JobHandler<unknown, unknown>;
  opts: HandlerOptions;
}

const queueName = (kind: string) => `axilla_${kind.replace(/[^\w-]/g, "_")}`;

export class Queue implements JobQueue {
  readonly backend: "inprocess" | "pgboss";
  private db: Db;
  private handlers = new Map<string, Registered>();
  private running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private pending: string[] = [];
  private started = false;
  private stopped = false;
  private boss?: PgBossType;
  private bossQueues = new Set<string>();
  private sweepTimer?: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];
  private log = logger("jobs");
  private opts: Required<Pick<QueueOptions, "work" | "concurrency" | "heartbeatMs" | "staleMs">> & QueueOptions;

  constructor(opts: QueueOptions) {
    this.backend = opts.backend;
    this.db = opts.db;
    this.opts = { work: true, concurrency: 1, heartbeatMs: 5_000, staleMs: 60_000, ...opts };
    if (opts.backend === "pgboss" && !opts.url) throw new Error("the pgboss job backend needs a postgres:// URL");
  }

  registerHandler<P, R>(kind: string, handler: JobHandler<P, R>, opts: HandlerOptions = {}): void {
    this.handlers.set(kind, { handler: handler as JobHandler<unknown, unknown>, opts });
    if (this.started && this.boss && this.opts.work) void this.bossWork(kind);
  }

  async enqueue(kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const [row] = await this.db
      .insert(jobs)
      .values({ kind, payload: (payload ?? {}) as object, createdBy: opts.createdBy ?? null })
      .returning({ id: jobs.id });
    try {
      await this.dispatch(row.id, kind);
    } catch (e) {
      // Never leave a row queued that no worker will ever see.
      await this.finish(row.id, { status: "failed", error: `could not queue the job: ${(e as Error).message}` }, ["queued"]);
      throw e;
    }
    return row.id;
  }

  async cancel(id: string): Promise<boolean> {
    const rows = await this.db
      .update(jobs)
      .set({ status: "cancelled", finishedAt: new Date(), stage: "cancelled" })
      .where(and(eq(jobs.id, id), inArray(jobs.status, ["queued", "running"])))
      .returning({ id: jobs.id });
    this.running.get(id)?.controller.abort(new AbortError("job cancelled"));
    return rows.length > 0;
  }

  async get(id: string): Promise<JobRow | null> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
    return row ?? null;
  }

  async list(q: { limit?: number; status?: JobRow["status"]; kind?: string; createdBy?: string } = {}): Promise<JobRow[]> {
    const where: SQL[] = [];
    if (q.status) where.push(eq(jobs.status, q.status));
    if (q.kind) where.push(eq(jobs.kind, q.kind));
    if (q.createdBy) where.push(eq(jobs.createdBy, q.createdBy));
    return this.db
      .select()
      .from(jobs)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(jobs.createdAt))
      .limit(Math.min(q.limit ?? 50, 500));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopped = false;
    if (this.backend === "pgboss") {
      const { default: PgBoss } = await import("pg-boss");
      this.boss = new PgBoss({ connectionString: this.opts.url, max: 4, supervise: true, schedule: false });
      this.boss.on("error", (e: Error) => this.log.warn("pg-boss error", { error: e }));
      await this.boss.start();
    }
    await this.recover();
    if (this.opts.work) {
      if (this.boss) for (const kind of this.handlers.keys()) await this.bossWork(kind);
      // Sweep periodically: stale jobs of dead remote workers (pgboss) / queued rows (inprocess).
      this.sweepTimer = setInterval(() => void this.recover().catch((e) => this.log.warn("sweep failed", { error: e })), this.opts.staleMs / 2);
      this.sweepTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const r of this.running.values()) r.controller.abort(new AbortError("queue stopped"));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    this.pending = [];
    if (this.boss) {
      await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => {});
      this.boss = undefined;
      this.bossQueues.clear();
    }
    this.flushIdle();
  }

  idle(): Promise<void> {
    if (this.running.size === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Mark or re-queue jobs a dead process left "running"; pick up queued rows (inprocess). */
  async recover(): Promise<void> {
    // With the embedded database this process is the only owner, so every "running" row not run
    // here is orphaned. With PostgreSQL other live workers exist: only stale heartbeats count.
    const mine = [...this.running.keys()];
    const orphan: SQL[] = [eq(jobs.status, "running")];
    if (this.backend === "pgboss") {
      const cutoff = new Date(Date.now() - this.opts.staleMs);
      orphan.push(or(isNull(jobs.heartbeatAt), lt(jobs.heartbeatAt, cutoff))!);
    }
    const rows = await this.db.select({ id: jobs.id, kind: jobs.kind }).from(jobs).where(and(...orphan));
    for (const r of rows) {
      if (mine.includes(r.id)) continue;
      const resumable = this.handlers.get(r.kind)?.opts.resumable === true;
      const updated = await this.db
        .update(jobs)
        .set(
          resumable
            ? { status: "queued", stage: "resuming after a server restart", heartbeatAt: null }
            : { status: "failed", error: INTERRUPTED, finishedAt: new Date(), heartbeatAt: null },
        )
        .where(and(eq(jobs.id, r.id), eq(jobs.status, "running")))
        .returning({ id: jobs.id });
      if (updated.length) {
        this.log.warn(resumable ? "re-queued interrupted job" : "marked interrupted job failed", { jobId: r.id, kind: r.kind });
        if (resumable) await this.dispatch(r.id, r.kind);
      }
    }
    if (this.backend === "inprocess" && this.opts.work && !this.stopped) {
      const queued = await this.db.select({ id: jobs.id, kind: jobs.kind }).from(jobs).where(eq(jobs.status, "queued")).orderBy(jobs.createdAt);
      for (const q of queued) if (this.handlers.has(q.kind)) this.schedule(q.id);
    }
  }

  private async dispatch(id: string, kind: string): Promise<void> {
    if (this.backend === "pgboss") {
      if (!this.boss) throw new Error("job queue not started");
      await this.ensureBossQueue(kind);
      // pg-boss caps expiry below 24 h; our jobs row stays authoritative either way.
      await this.boss.send(queueName(kind), { jobId: id }, { retryLimit: 0, expireInHours: 23 });
    } else if (this.started && this.opts.work && this.handlers.has(kind)) {
      this.schedule(id);
    }
  }

  private async ensureBossQueue(kind: string) {
    const name = queueName(kind);
    if (this.bossQueues.has(name) || !this.boss) return;
    await this.boss.createQueue(name);
    this.bossQueues.add(name);
  }

  private async bossWork(kind: string) {
    if (!this.boss) return;
    await this.ensureBossQueue(kind);
    await this.boss.work<{ jobId: string }>(queueName(kind), { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (job?.data?.jobId) await this.runOne(job.data.jobId);
    });
  }

  private schedule(id: string) {
    if (this.running.has(id) || this.pending.includes(id)) return;
    this.pending.push(id);
    this.pump();
  }

  private pump() {
    while (!this.stopped && this.running.size < this.opts.concurrency && this.pending.length > 0) {
      const id = this.pending.shift()!;
      void this.runOne(id).finally(() => this.pump());
    }
    this.flushIdle();
  }

  private flushIdle() {
    if (this.running.size === 0 && this.pending.length === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Claim a queued row and run its handler, recording status/progress/result/error. */
  private async runOne(id: string): Promise<void> {
    if (this.running.has(id)) return;
    const controller = new AbortController();
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    this.running.set(id, { controller, done });
    try {
      const [row] = await this.db
        .update(jobs)
        .set({ status: "running", startedAt: new Date(), heartbeatAt: new Date(), attempts: sql`${jobs.attempts} + 1`, error: null })
        .where(and(eq(jobs.id, id), eq(jobs.status, "queued")))
        .returning();
      if (!row) return; // cancelled, or claimed elsewhere
      const reg = this.handlers.get(row.kind);
      if (!reg) {
        await this.finish(id, { status: "failed", error: `no handler registered for job kind "${row.kind}"` });
        return;
      }
      const log = logger(`job:${row.kind}`);
      const heartbeat = setInterval(() => void this.beat(id, controller), this.opts.heartbeatMs);
      heartbeat.unref();
      try {
        const result = await reg.handler({
          jobId: id,
          payload: row.payload,
          attempt: row.attempts,
          signal: controller.signal,
          log,
          progress: async (pct, stage) => {
            if (controller.signal.aborted) throw controller.signal.reason ?? new AbortError("job aborted");
            const p = Math.max(0, Math.min(100, Math.round(Number.isFinite(pct) ? pct : 0)));
            await this.db
              .update(jobs)
              .set({ progress: p, ...(stage !== undefined ? { stage } : {}), heartbeatAt: new Date() })
              .where(and(eq(jobs.id, id), eq(jobs.status, "running")));
          },
        });
        if (controller.signal.aborted) return this.afterAbort(id);
        await this.finish(id, { status: "succeeded", progress: 100, result: (result ?? null) as object | null });
      } catch (e) {
        if (controller.signal.aborted) return this.afterAbort(id);
        const msg = e instanceof Error ? e.message : String(e);
        log.error("job failed", { jobId: id, error: e });
        await this.finish(id, { status: "failed", error: msg.slice(0, 2000) });
      } finally {
        clearInterval(heartbeat);
      }
    } finally {
      this.running.delete(id);
      resolveDone();
      this.flushIdle();
    }
  }

  /** Aborted by cancel (row already "cancelled") or by stop (row stays "running" for recovery). */
  private async afterAbort(_id: string): Promise<void> {}

  private async finish(id: string, set: Partial<typeof jobs.$inferInsert>, from: JobRow["status"][] = ["running"]) {
    await this.db
      .update(jobs)
      .set({ ...set, finishedAt: new Date(), heartbeatAt: new Date() })
      .where(and(eq(jobs.id, id), inArray(jobs.status, from)));
  }

  private async beat(id: string, controller: AbortController) {
    try {
      const [row] = await this.db
        .update(jobs)
        .set({ heartbeatAt: new Date() })
        .where(eq(jobs.id, id))
        .returning({ status: jobs.status });
      if (row && row.status !== "running") controller.abort(new AbortError("job cancelled"));
    } catch (e) {
      this.log.warn("heartbeat failed", { jobId: id, error: e });
    }
  }
}

export function createQueue(opts: QueueOptions): JobQueue {
  return new Queue(opts);
}
