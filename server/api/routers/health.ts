import { eq } from "drizzle-orm";
import { modelVersions } from "../../db/schema.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const healthRouter = createTRPCRouter({
  /** Same figures as GET /api/health. */
  status: publicProcedure.query(async ({ ctx }) => {
    const [m] = await ctx.db.select({ label: modelVersions.label }).from(modelVersions).where(eq(modelVersions.active, true)).limit(1);
    return { db: "ok" as const, model: m?.label ?? null };
  }),
});
