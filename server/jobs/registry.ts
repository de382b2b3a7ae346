// Job handler registry: every job kind the app knows. The web server and scripts/worker.mjs both
// register these on their queue. Teammates add a kind here:
//   import { myHandler } from "../services/training.ts";
//   defineJob("training.run", myHandler, { resumable: false });
import type { HandlerOptions, JobHandler, JobQueue } from "./types.ts";
import { trainingHandler } from "./handlers/training.ts";

const registry = new Map<string, { handler: JobHandler<unknown, unknown>; opts: HandlerOptions }>();

export function defineJob<P, R>(kind: string, handler: JobHandler<P, R>, opts: HandlerOptions = {}): void {
  registry.set(kind, { handler: handler as JobHandler<unknown, unknown>, opts });
}

export function registerAll(q: JobQueue): void {
  for (const [kind, { handler, opts }] of registry) q.registerHandler(kind, handler, opts);
}

// Built-in demo job: counts to `steps` with a pause per step (used by tests and the jobs UI demo).
defineJob<{ steps?: number; stepMs?: number }, { counted: number }>("demo.count", async ({ payload, progress, signal }) => {
  const steps = Math.max(1, Math.min(1000, payload.steps ?? 10));
  for (let i = 1; i <= steps; i++) {
    await new Promise<void>((res, rej) => {
      const t = setTimeout(res, payload.stepMs ?? 100);
      signal.addEventListener("abort", () => (clearTimeout(t), rej(signal.reason)), { once: true });
    });
    await progress((100 * i) / steps, `step ${i} of ${steps}`);
  }
  return { counted: steps };
});

// Model administration (issue 5): extraction + the training pipeline in a worker thread; not resumable.
defineJob("training.run", trainingHandler, { resumable: false });
