// One-time seed: three demo accounts (DEMO ONLY — documented in README) and the literature
// baselines of the comparison panel (shared spec baselines.md). A settings row "seed.version"
// marks the database as seeded, so a second start never re-seeds (nor resurrects edited rows).
import { eq } from "drizzle-orm";
import { hashPassword } from "../auth/password.ts";
import type { Db } from "./index.ts";
import { baselines, settings, users, type Role } from "./schema.ts";

export const DEMO_USERS: ReadonlyArray<{ email: string; name: string; role: Role; password: string }> = [
  { email: "surgeon@demo.axilla", name: "Demo Surgeon", role: "surgeon", password: "surgeon-demo" },
  { email: "board@demo.axilla", name: "Demo Board Member", role: "board", password: "board-demo" },
  { email: "admin@demo.axilla", name: "Demo Admin", role: "admin", password: "admin-demo" },
];

const YANG = "Yang J, Wang T, Yang L, et al. Sci Rep 2019";
export const BASELINES: ReadonlyArray<{ name: string; metric: string; value: string; citation: string }> = [
  { name: "Study radiomics signature (SVM), primary cohort", metric: "AUC", value: "0.895", citation: `${YANG}, Table 2 and Results` },
  { name: "Study radiomics signature (SVM), primary cohort", metric: "ACC", value: "84.0%", citation: `${YANG}, Table 2 and Results` },
  { name: "Study radiomics signature (SVM), primary cohort", metric: "TPR", value: "83.6%", citation: `${YANG}, Table 2 and Results` },
  { name: "Study radiomics signature (SVM), primary cohort", metric: "TNR", value: "83.7%", citation: `${YANG}, Table 2 and Results` },
  { name: "Study radiomics signature (SVM), validation cohort", metric: "AUC", value: "0.875", citation: `${YANG}, Table 2` },
  { name: "Study radiomics signature (SVM), validation cohort", metric: "ACC", value: "80.0%", citation: `${YANG}, Table 2` },
  { name: "Study radiomics signature (SVM), validation cohort", metric: "TPR", value: "81.8%", citation: `${YANG}, Table 2` },
  { name: "Study radiomics signature (SVM), validation cohort", metric: "TNR", value: "80.0%", citation: `${YANG}, Table 2` },
  { name: "Study nomogram, primary cohort", metric: "C-index", value: "0.779 (Table 2 lists 0.820)", citation: `${YANG}, Abstract, Table 2` },
  { name: "Study nomogram, validation cohort", metric: "C-index", value: "0.809", citation: `${YANG}, Abstract, Table 2` },
  { name: "Study nomogram, primary cohort", metric: "Accuracy", value: "74.5%", citation: `${YANG}, Table 2` },
  { name: "Study nomogram, validation cohort", metric: "Accuracy", value: "73.0%", citation: `${YANG}, Table 2` },
  { name: "SLNB", metric: "Sensitivity", value: "77.1%", citation: `${YANG}, ref. [32]` },
  { name: "Ultrasound alone", metric: "Accuracy", value: "71.9%", citation: `${YANG}, ref. [33]` },
  { name: "Mammography alone", metric: "Accuracy", value: "78.4%", citation: `${YANG}, ref. [33]` },
  { name: "Ultrasound-guided needle biopsy", metric: "Sensitivity", value: "79.6%", citation: `${YANG}, ref. [34]` },
  { name: "MSKCC clinical nomogram (Klar et al., 3786 patients)", metric: "AUC", value: "0.754", citation: `${YANG}, ref. [43]` },
  { name: "MRI radiomics for SLN metastasis (Dong et al.), primary", metric: "AUC", value: "0.863", citation: `${YANG}, ref. [6]` },
  { name: "MRI radiomics for SLN metastasis (Dong et al.), validation", metric: "AUC", value: "0.805", citation: `${YANG}, ref. [6]` },
  { name: "Accreditation criteria for clinical use", metric: "Accuracy", value: "94–98.6%", citation: `${YANG}, ref. [49]` },
  { name: "Accreditation criteria for clinical use", metric: "Sensitivity", value: "77.1–93.3%", citation: `${YANG}, ref. [49]` },
];

const SEED_KEY = "seed.version";
const SEED_VERSION = 1;

/** Seed once. Returns true when it seeded, false when the database was already seeded. */
export async function seed(db: Db): Promise<boolean> {
  const done = await db.select().from(settings).where(eq(settings.key, SEED_KEY));
  if (done.length > 0) return false;
  const hashed = await Promise.all(DEMO_USERS.map(async (u) => ({ ...u, passwordHash: await hashPassword(u.password) })));
  return db.transaction(async (tx) => {
    // The marker insert doubles as a lock: a concurrent seeder hits the primary key and rolls back.
    const marker = await tx
      .insert(settings)
      .values({ key: SEED_KEY, value: { version: SEED_VERSION, at: new Date().toISOString() } })
      .onConflictDoNothing()
      .returning();
    if (marker.length === 0) return false;
    await tx
      .insert(users)
      .values(hashed.map(({ email, name, role, passwordHash }) => ({ email, name, role, passwordHash })))
      .onConflictDoNothing();
    await tx.insert(baselines).values(BASELINES.map((b, i) => ({ ...b, position: i })));
    return true;
  });
}
