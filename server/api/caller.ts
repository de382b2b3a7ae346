// Server-side tRPC for React Server Components:
//   import { api } from "@/server/api/caller";
//   const me = await (await api()).auth.me();
// Goes through the same access middleware as HTTP calls (with the session of the current request).
import { headers } from "next/headers";
import { cache } from "react";
import { clientIp } from "../auth/options.ts";
import { getSessionUser } from "../auth/session.ts";
import { createCaller } from "./root.ts";
import { createContextFromSession } from "./context.ts";

export const api = cache(async () => {
  const user = await getSessionUser();
  const ip = clientIp(await headers());
  return createCaller(await createContextFromSession(user, ip));
});
