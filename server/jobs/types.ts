// Job API shared by both backends. See server/jobs/README in docs/architecture-notes.md.
import type { Logger } from "../log.ts";
import type { jobs } from "../db/schema.ts";

export type JobRow = typeof jobs.$inferSelect;
export type JobStatus = JobRow["status"];

export interface JobContext<P = unknown> {
  jobId: string;
  payload: P;
  /** 1 on the first run, 2 after a resume, … */
  attempt: number;
  /** Report progress (0–100, clamped) and an optional stage text; throws AbortError once cancelled. */
  progress(pct: number, stage?: string): Promise<void>;
  /** Aborted when the job is cancelled or the queue stops; long loops should check it. */
  signal: AbortSignal;
  log: Logger;
}

export type JobHandler<P = unknown, R = unknown> = (ctx: JobContext<P>) => Promise<R>;

export interface HandlerOptions {
  /** true: a job interrupted by a restart is re-queued (and the handler must cope with a partial
   *  earlier run); false (default): it is marked failed "interrupted by a server restart". */
  resumable?: boolean;
}

export interface EnqueueOptions {
  createdBy?: string | null;
}

export interface JobQueue {
  readonly backend: "inprocess" | "pgboss";
  registerHandler<P, R>(kind: string, handler: JobHandler<P, R>, opts?: HandlerOptions): void;
  /** Insert a queued job; returns its id (the jobs table row id). */
  enqueue(kind: string, payload: unknown, opts?: EnqueueOptions): Promise<string>;
  /** Cancel a queued or running job; false when it was already finished or unknown. */
  cancel(id: string): Promise<boolean>;
  get(id: string): Promise<JobRow | null>;
  list(opts?: { limit?: number; status?: JobStatus; kind?: string; createdBy?: string }): Promise<JobRow[]>;
  /** Recover jobs left by a dead process, then start working. Idempotent. */
  start(): Promise<void>;
  /** Stop working: running handlers are aborted; their rows stay "running" (recovered at next start). */
  stop(): Promise<void>;
  /** Resolve when no job is queued or running in this process (tests). */
  idle(): Promise<void>;
}

export const INTERRUPTED = "interrupted by a server restart";
