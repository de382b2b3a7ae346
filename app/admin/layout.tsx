import type { ReactNode } from "react";
import { requireUser } from "@/server/auth/session";

// Every page under /admin requires the admin role (pages may check again; cheap).
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireUser("admin");
  return <>{children}</>;
}
