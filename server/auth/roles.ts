// Roles and their home pages. Client-safe (no server imports).
export const ROLES = ["surgeon", "board", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_HOME: Record<Role, string> = {
  surgeon: "/cases",
  board: "/board",
  admin: "/admin/models",
};

export const ROLE_LABEL: Record<Role, string> = {
  surgeon: "Surgeon",
  board: "Tumour board",
  admin: "Administrator",
};

export const isRole = (x: unknown): x is Role => typeof x === "string" && (ROLES as readonly string[]).includes(x);

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}
