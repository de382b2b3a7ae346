// Pixels of one stored image for the viewer (?preview=1: a reduced copy, at most 1024 px a side, for the first paint): the "AXPX" cache (48-byte header + 16-bit or float32 intensities in
// the chest-wall-left frame, server/services/ingest.ts). Same access rule as the tRPC image procedures.
// Content-addressed, so the browser may cache it; "no-transform" keeps the 26 MB of a 13-Mpixel image from being
// gzipped on the fly (that alone would cost about a second).
import { TRPCError } from "@trpc/server";
import { getDb } from "@/server/db/index";
import { sessionUserFromRequest } from "@/server/auth/session";
import { requireImage } from "@/server/api/routers/cases";
import { storage } from "@/server/storage/index";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ caseId: string; imageId: string }> }) {
  const { caseId, imageId } = await ctx.params;
  const user = await sessionUserFromRequest(req);
  if (!user) return new Response("Please sign in.", { status: 401 });
  const { db } = await getDb();
  try {
    const { image } = await requireImage(db, user, imageId, "read");
    if (image.caseId !== caseId || !image.pixelsPath) return new Response("No such image.", { status: 404 });
    // ?preview=1: the reduced first-paint copy when the image has one (else the full cache)
    const previewPath = (image.headerSummary as { axilla?: { previewPath?: string | null } }).axilla?.previewPath ?? null;
    const path = new URL(req.url).searchParams.get("preview") === "1" && previewPath ? previewPath : image.pixelsPath;
    const bytes = await storage().readStoredFile(path);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(bytes.byteLength),
        "Cache-Control": "private, max-age=31536000, immutable, no-transform",
        ETag: `"${path.split("/").pop()}"`,
      },
    });
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") return new Response("No such image.", { status: 404 });
    throw e;
  }
}
