import { getDb } from "@/server/db/index";
import { checkHealth } from "@/server/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const h = await checkHealth(getDb);
  return Response.json(h.body, { status: h.status, headers: { "cache-control": "no-store" } });
}
