// The app's tRPC router. Add a resource router in server/api/routers/<name>.ts and mount it here.
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { casesRouter } from "./routers/cases.ts";
import { imagesRouter } from "./routers/images.ts";
import { radscoreRouter } from "./routers/radscore.ts";
import { roisRouter } from "./routers/rois.ts";
import { healthRouter } from "./routers/health.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  health: healthRouter,
  audit: auditRouter,
  jobs: jobsRouter,
  cases: casesRouter,
  images: imagesRouter,
  rois: roisRouter,
  radscore: radscoreRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
