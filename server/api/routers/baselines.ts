// Literature baselines of the comparison panel (seeded from shared/spec/baselines.md by the foundation):
// anyone signed in reads them; only admins edit them, every edit audited with the values before and after.
import { TRPCError } from "@trpc/server";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../../audit.ts";
import { baselines } from "../../db/schema.ts";
import { authedProcedure, createTRPCRouter, roleProcedure } from "../trpc.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

export const baselinesRouter = createTRPCRouter({
  list: authedProcedure.meta({ description: "literature baselines with citations" }).query(async ({ ctx }) => {
    const rows = await ctx.db.select().from(baselines).orderBy(asc(baselines.position), asc(baselines.name));
    return rows.map((b) => ({ id: b.id, name: b.name, metric: b.metric, value: b.value, citation: b.citation, position: b.position, updatedAt: b.updatedAt.toISOString() }));
  }),
  update: roleProcedure("admin")
    .meta({ description: "edit a literature baseline (admin, audited)" })
    .input(z.object({ id: z.uuid(), name: text(200).optional(), metric: text(100).optional(), value: text(100), citation: text(1000) }))
    .mutation(async ({ ctx, input }) => {
      const [before] = await ctx.db.select().from(baselines).where(eq(baselines.id, input.id));
      if (!before) throw new TRPCError({ code: "NOT_FOUND", message: "No such baseline." });
      const [after] = await ctx.db
        .update(baselines)
        .set({ name: input.name ?? before.name, metric: input.metric ?? before.metric, value: input.value, citation: input.citation, updatedBy: ctx.user.id, updatedAt: new Date() })
        .where(eq(baselines.id, input.id))
        .returning();
      await audit(ctx.db, {
        actorId: ctx.user.id,
        actorRole: ctx.user.role,
        action: "baselines.update",
        objectType: "baseline",
        objectId: input.id,
        outcome: "success",
        detail: {
          from: { name: before.name, metric: before.metric, value: before.value, citation: before.citation },
          to: { name: after.name, metric: after.metric, value: after.value, citation: after.citation },
        },
        ip: ctx.ip,
      });
      return { id: after.id, name: after.name, metric: after.metric, value: after.value, citation: after.citation };
    }),
});
