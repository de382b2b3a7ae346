// Health check used by GET /api/health: 200 {db:"ok", model} or 503 {db:"error"}.
import { eq } from "drizzle-orm";
import type { DbHandle } from "./db/index.ts";
import { modelVersions } from "./db/schema.ts";

export type Health = { status: 200; body: { db: "ok"; model: string | null } } | { status: 503; body: { db: "error" } };

export async function checkHealth(getHandle: () => Promise<DbHandle>, timeoutMs = 3000): Promise<Health> {
  try {
    const work = (async () => {
      const h = await getHandle();
      await h.ping();
      const [m] = await h.db.select({ label: modelVersions.label }).from(modelVersions).where(eq(modelVersions.active, true)).limit(1);
      return m?.label ?? null;
    })();
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error("health check timed out")), timeoutMs).unref());
    const model = await Promise.race([work, timeout]);
    return { status: 200, body: { db: "ok", model } };
  } catch {
    return { status: 503, body: { db: "error" } };
  }
}
