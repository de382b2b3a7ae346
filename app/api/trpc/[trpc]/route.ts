// HTTP entry point of tRPC. Request bodies are capped at the upload limit (413). Mutations are accepted only as same-origin JSON POSTs (CSRF guard:
// browsers must send an Origin matching the host, and JSON content type forces a CORS preflight).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createContextFromSession } from "@/server/api/context";
import { clientIp } from "@/server/auth/options";
import { env } from "@/server/env";
import { sessionUserFromRequest } from "@/server/auth/session";
import { logger } from "@/server/log";

export const dynamic = "force-dynamic";
const log = logger("trpc");

function sameOrigin(req: Request): boolean {
  // Fetch metadata (all current browsers): anything but a same-origin request (or a user-typed "none") is refused.
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  const origin = req.headers.get("origin");
  if (!origin) return true; // non-browser clients; browsers always send Origin on POST
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Largest accepted request body: UPLOAD_MAX_MB as base64 (4/3) plus 1 MB of JSON around it. */
const maxBodyBytes = () => Math.ceil((env().UPLOAD_MAX_MB * 1024 * 1024 * 4) / 3) + 1024 * 1024;

/** The body read up to `max` bytes, or null when it is larger (for requests without a Content-Length). */
async function readCapped(req: Request, max: number): Promise<Buffer<ArrayBuffer> | null> {
  if (!req.body) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    n += chunk.byteLength;
    if (n > max) return null;
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Refusals sent before the request body was read: the connection is closed after them, so that the unread rest of
 *  the body is never taken for the client's next request on a kept-alive connection. */
const CLOSE = { connection: "close" };

async function handler(req: Request) {
  if (req.method === "POST") {
    const ct = req.headers.get("content-type") ?? "";
    if (!sameOrigin(req) || !ct.startsWith("application/json")) {
      return Response.json({ error: "cross-site request refused" }, { status: 403, headers: CLOSE });
    }
    const tooLarge = () => Response.json({ error: `request body larger than the upload limit (UPLOAD_MAX_MB=${env().UPLOAD_MAX_MB})` }, { status: 413, headers: CLOSE });
    const declared = Number(req.headers.get("content-length") ?? NaN);
    if (Number.isFinite(declared)) {
      if (declared > maxBodyBytes()) return tooLarge();
    } else {
      const body = await readCapped(req, maxBodyBytes());
      if (!body) return tooLarge();
      req = new Request(req.url, { method: req.method, headers: req.headers, body });
    }
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => createContextFromSession(await sessionUserFromRequest(req), clientIp(req.headers)),
    onError({ path, error }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error("procedure failed", { path, error });
    },
  });
}

export { handler as GET, handler as POST };
