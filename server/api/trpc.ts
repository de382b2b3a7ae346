// tRPC core: context, the ONE access middleware, and the procedure builders.
//
// Every procedure must be built from one of:
//   publicProcedure            anyone, signed in or not
//   authedProcedure            any signed-in user (ctx.user is non-null)
//   roleProcedure("admin", …)  signed-in user with one of the listed roles
// Each builder declares its access in `.meta({ access })`; `accessMiddleware` (attached to the base
// procedure) enforces it for every call: UNAUTHORIZED when signed out, FORBIDDEN for a wrong role
// (both audited as outcome "denied"). A procedure without declared access is refused
// (INTERNAL_SERVER_ERROR), and tests/integration/trpc-access.test.ts fails the build.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { audit } from "../audit.ts";
import type { SessionUser, Role } from "../auth/roles.ts";
import type { Db } from "../db/index.ts";
import type { JobQueue } from "../jobs/types.ts";

export type Access = "public" | "authed" | { roles: readonly Role[] };

export interface Meta {
  access?: Access;
  /** Optional human description (shown in docs/roles.md generation). */
  description?: string;
}

export interface Context {
  db: Db;
  user: SessionUser | null;
  /** Client address (only hashed into the audit log). */
  ip: string | null;
  /** Job queue; lazily resolved so routers that do not use jobs do not start it. */
  jobs: () => Promise<JobQueue>;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      // an input that failed its zod schema: the message is the issues' own messages (zod's is a JSON dump)
      const issues = error.cause instanceof ZodError ? error.cause.issues : null;
      return {
        ...shape,
        message: issues ? issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ") : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          zodError: error.cause instanceof ZodError ? error.cause.issues.map((i) => ({ path: i.path, message: i.message })) : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;

export function describeAccess(a: Access | undefined): string {
  if (!a) return "UNDECLARED";
  if (a === "public" || a === "authed") return a;
  return `roles:${a.roles.join("|")}`;
}

/** The single access decision point for every procedure. */
const accessMiddleware = t.middleware(async ({ ctx, meta, path, type, next }) => {
  const access = meta?.access;
  if (!access) {
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `procedure ${path} declares no access level` });
  }
  if (access !== "public") {
    if (!ctx.user) {
      await audit(ctx.db, { action: "trpc.denied", objectType: "procedure", objectId: path, outcome: "denied", detail: { type, reason: "unauthenticated" }, ip: ctx.ip });
      throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
    }
    if (access !== "authed" && !access.roles.includes(ctx.user.role)) {
      await audit(ctx.db, {
        actorId: ctx.user.id,
        actorRole: ctx.user.role,
        action: "trpc.denied",
        objectType: "procedure",
        objectId: path,
        outcome: "denied",
        detail: { type, reason: "role", required: access.roles },
        ip: ctx.ip,
      });
      throw new TRPCError({ code: "FORBIDDEN", message: "Your role does not allow this action." });
    }
  }
  return next({ ctx });
});

const baseProcedure = t.procedure.use(accessMiddleware);

export const publicProcedure = baseProcedure.meta({ access: "public" });

export const authedProcedure = baseProcedure.meta({ access: "authed" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" }); // unreachable; narrows ctx.user for TypeScript
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export function roleProcedure(...roles: [Role, ...Role[]]) {
  return baseProcedure.meta({ access: { roles } }).use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}

/** Paths of procedures in `router` with no (or an invalid) declared access — must be empty. */
export function undeclaredProcedures(router: { _def: { procedures: object } }): string[] {
  const procs = router._def.procedures as Record<string, { _def: { meta?: Meta } }>;
  return Object.entries(procs)
    .filter(([, p]) => {
      const a = p._def.meta?.access;
      return !(a === "public" || a === "authed" || (typeof a === "object" && a !== null && Array.isArray(a.roles) && a.roles.length > 0));
    })
    .map(([path]) => path);
}
