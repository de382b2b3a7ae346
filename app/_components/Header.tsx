import Link from "next/link";
import { ROLE_LABEL, type SessionUser } from "@/server/auth/roles";
import { SignOutButton } from "./SignOutButton";

/** Role-specific navigation. Teammates: add links for new pages here. */
export const NAV: Record<SessionUser["role"], Array<{ href: string; label: string }>> = {
  surgeon: [{ href: "/cases", label: "Cases" }],
  board: [{ href: "/board", label: "Meetings" }],
  admin: [
    { href: "/admin/models", label: "Models" },
    { href: "/admin/cohorts", label: "Cohorts" },
    { href: "/admin/runs", label: "Training runs" },
    { href: "/admin/baselines", label: "Baselines" },
    { href: "/admin/audit", label: "Audit log" },
  ],
};

export function Header({ user }: { user: SessionUser | null }) {
  return (
    <header className="site-header">
      <div className="brand">
        <Link href="/">Axilla</Link>
        <span className="tagline">ALN metastasis decision support · research prototype</span>
      </div>
      {user && (
        <nav aria-label="Main">
          <ul>
            {NAV[user.role].map((n) => (
              <li key={n.href}>
                <Link href={n.href}>{n.label}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {user && (
        <div className="user">
          {/* role above name (one column): the admin header, with five links, then fits one row at 1280 px */}
          <span style={{ display: "flex", flexDirection: "column", alignItems: "flex-end", lineHeight: 1.2 }}>
            <span data-testid="user-role" aria-label="Signed-in role">
              {ROLE_LABEL[user.role]}
            </span>
            <span className="user-name" style={{ fontSize: "0.85rem" }}>
              {user.name}
            </span>
          </span>
          <SignOutButton />
        </div>
      )}
    </header>
  );
}
