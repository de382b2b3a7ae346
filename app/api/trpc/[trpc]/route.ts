// HTTP entry point of tRPC. Mutations are accepted only as same-origin JSON POSTs (CSRF guard:
// browsers must send an Origin matching the host, and JSON content type forces a CORS preflight).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContextFromSession } from "@/server/api/context";
import { clientIp } from "@/server/auth/options";
import { getSessionUser } from "@/server/auth/session";
import { logger } from "@/server/log";

export const dynamic = "force-dynamic";
const log = logger("trpc");

function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return true; // non-browser clients; browsers always send Origin on POST
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

async function handler(req: Request) {
  if (req.method === "POST") {
    const ct = req.headers.get("content-type") ?? "";
    if (!sameOrigin(req) || !ct.startsWith("application/json")) {
      return Response.json({ error: "cross-site request refused" }, { status: 403 });
    }
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => createContextFromSession(await getSessionUser(), clientIp(req.headers)),
    onError({ path, error }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("procedure failed", { path, error });
    },
  });
}

export { handler as GET, handler as POST };
