// Pixels of one stored image for the viewer: the "AXPX" cache (48-byte header + 16-bit or float32 intensities in
// the chest-wall-left frame, server/services/ingest.ts). Same access rule as the tRPC image procedures.
// Content-addressed, so the browser may cache it; "no-transform" keeps the 26 MB of a 13-Mpixel image from being
// gzipped on the fly (that alone would cost about a second).
import { TRPCError } from "@trpc/server";
import { getDb } from "@/server/db/index";
import { getSessionUser } from "@/server/auth/session";
import { requireImage } from "@/server/api/routers/cases";
import { storage } from "@/server/storage/index";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, ctx: { params: Promise<{ caseId: string; imageId: string }> }) {
  const { caseId, imageId } = await ctx.params;
  const user = await getSessionUser();
  if (!user) return new Response("Please sign in.", { status: 401 });
  const { db } = await getDb();
  try {
    const { image } = await requireImage(db, user, imageId, "read");
    if (image.caseId !== caseId || !image.pixelsPath) return new Response("No such image.", { status: 404 });
    const bytes = await storage().readStoredFile(image.pixelsPath);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(bytes.byteLength),
        "Cache-Control": "private, max-age=31536000, immutable, no-transform",
        ETag: `"${image.pixelsPath.split("/").pop()}"`,
      },
    });
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") return new Response("No such image.", { status: 404 });
    throw e;
  }
}
