import { z } from "zod";
import { listAudit } from "../../audit.ts";
import { createTRPCRouter, roleProcedure } from "../trpc.ts";

export const auditRouter = createTRPCRouter({
  list: roleProcedure("admin")
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(1000).default(100),
          beforeId: z.number().int().positive().optional(),
          action: z.string().max(100).optional(),
          outcome: z.enum(["success", "denied", "failure"]).optional(),
        })
        .default({ limit: 100 }),
    )
    .query(({ ctx, input }) => listAudit(ctx.db, input)),
});
