// A tiny HTTP client for a running Axilla server (tests/reliability/*, bench/load.ts): next-auth credentials
// sign-in (CSRF token + session cookie) and tRPC calls in the wire format of @trpc/server 11 + superjson.
export interface Session {
  base: string;
  cookie: string;
}

function cookiesFrom(res: Response, jar: Map<string, string>): void {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const i = pair.indexOf("=");
    jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

/** Sign in with email + password; returns the session (cookie header) or throws with the server's answer. */
export async function signIn(base: string, email: string, password: string, headers: Record<string, string> = {}): Promise<Session> {
  const jar = new Map<string, string>();
  const r1 = await fetch(`${base}/api/auth/csrf`, { headers });
  cookiesFrom(r1, jar);
  const { csrfToken } = (await r1.json()) as { csrfToken: string };
  const r2 = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), origin: base },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${base}/` }),
  });
  cookiesFrom(r2, jar);
  if (![...jar.keys()].some((k) => k.endsWith("next-auth.session-token"))) {
    throw new Error(`sign-in refused (${r2.status}): ${r2.headers.get("location") ?? (await r2.text()).slice(0, 200)}`);
  }
  return { base, cookie: cookieHeader(jar) };
}

export interface TrpcAnswer<T = unknown> {
  status: number;
  data?: T;
  error?: { code: string; message: string };
}

async function answer<T>(res: Response): Promise<TrpcAnswer<T>> {
  const text = await res.text();
  let body: { result?: { data?: { json?: T } }; error?: { json?: { message: string; data?: { code: string } } } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    return { status: res.status, error: { code: `HTTP_${res.status}`, message: text.slice(0, 200) } };
  }
  if (body.error?.json) return { status: res.status, error: { code: body.error.json.data?.code ?? "UNKNOWN", message: body.error.json.message } };
  if (!body.result) return { status: res.status, error: { code: `HTTP_${res.status}`, message: text.slice(0, 200) } };
  return { status: res.status, data: body.result?.data?.json as T };
}

export async function trpcQuery<T = unknown>(s: Session | { base: string; cookie?: string }, path: string, input?: unknown, headers: Record<string, string> = {}): Promise<TrpcAnswer<T>> {
  const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return answer<T>(await fetch(`${s.base}/api/trpc/${path}${q}`, { headers: { ...headers, ...(s.cookie ? { cookie: s.cookie } : {}) } }));
}

export async function trpcMutation<T = unknown>(
  s: Session | { base: string; cookie?: string },
  path: string,
  input?: unknown,
  headers: Record<string, string> = { "content-type": "application/json", origin: s.base },
): Promise<TrpcAnswer<T>> {
  return answer<T>(
    await fetch(`${s.base}/api/trpc/${path}`, {
      method: "POST",
      headers: { ...headers, ...(s.cookie ? { cookie: s.cookie } : {}) },
      body: JSON.stringify({ json: input ?? null }),
    }),
  );
}
