import NextAuth from "next-auth";
import { authOptions } from "@/server/auth/options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  // next-auth 4 route-handler form: NextAuth(req, context, options)
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
