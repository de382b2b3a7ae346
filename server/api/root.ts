// The app's tRPC router. Add a resource router in server/api/routers/<name>.ts and mount it here.
import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { casesRouter } from "./routers/cases.ts";
import { imagesRouter } from "./routers/images.ts";
import { radscoreRouter } from "./routers/radscore.ts";
import { roisRouter } from "./routers/rois.ts";
import { healthRouter } from "./routers/health.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { predictionsRouter } from "./routers/predictions.ts";
import { meetingsRouter } from "./routers/meetings.ts";
import { baselinesRouter } from "./routers/baselines.ts";
import { reportsRouter } from "./routers/reports.ts";
import { cohortsRouter } from "./routers/cohorts.ts";
import { runsRouter } from "./routers/runs.ts";
import { modelsRouter } from "./routers/models.ts";
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
  predictions: predictionsRouter,
  meetings: meetingsRouter,
  baselines: baselinesRouter,
  reports: reportsRouter,
  cohorts: cohortsRouter,
  runs: runsRouter,
  models: modelsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
