// Next.js 16 proxy (formerly middleware): an optimistic first gate. Requests for pages without a
// session cookie go to /login before any rendering. It does NOT verify the session — every page
// still calls requireUser() and every tRPC procedure has the access middleware; this only makes
// a forgotten check fail closed for signed-out visitors.
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];
const PUBLIC = [/^\/login\/?$/, /^\/api\//, /^\/_next\//, /^\/favicon\.ico$/, /^\/icon\.svg$/, /^\/robots\.txt$/];

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (PUBLIC.some((re) => re.test(pathname))) return NextResponse.next();
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name) || request.cookies.has(`${name}.0`));
  if (!hasSession) return NextResponse.redirect(new URL("/login", request.url));
  return NextResponse.next();
}

export const config = {
  // API routes check the session themselves (tRPC access middleware, pixel route): the proxy is not run for them
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
