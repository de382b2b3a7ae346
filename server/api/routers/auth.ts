import { createTRPCRouter, publicProcedure } from "../trpc.ts";

export const authRouter = createTRPCRouter({
  /** The signed-in user (id, email, name, role) or null. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
});
