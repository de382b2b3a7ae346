// The active model version: load + verify (content hash) before anything is predicted with it, and the
// first-start import of the demo model (demo/model.json, written by the demo pipeline).
//   const m = await getActiveModel(db);   // throws ModelStoreError (NO_ACTIVE_MODEL | HASH_MISMATCH | BAD_ARTEFACT)
//   await seedDemoModel(db);              // once, when no model version exists at all
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { and, count, eq, sql } from "drizzle-orm";
import { parseArtefact, type ModelArtefact } from "../../lib/model/artefact.ts";
import { ArtefactHashMismatchError, hashArtefact, verifyArtefact } from "../../lib/model/hash.ts";
import { audit } from "../audit.ts";
import type { Db } from "../db/index.ts";
import { modelVersions } from "../db/schema.ts";
import { logger } from "../log.ts";

const log = logger("model-store");

export type ModelStoreErrorCode = "NO_ACTIVE_MODEL" | "HASH_MISMATCH" | "BAD_ARTEFACT";

export class ModelStoreError extends Error {
  constructor(
    readonly code: ModelStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ModelStoreError";
  }
}

export type ModelVersionColumns = Omit<typeof modelVersions.$inferSelect, "artefact">;

export type ActiveModel = {
  id: string;
  label: string;
  contentHash: string;
  artefact: ModelArtefact;
  demo: boolean;
  /** what every UI showing the model shows next to results ("Demo model — not for clinical use" for the demo) */
  displayLabel: string | null;
  /** the row's other columns as read when it was verified (valid while its row version is unchanged) */
  columns: ModelVersionColumns;
};

/** What identifies the active row's current content: id, published hash and row version (PostgreSQL's xmin
 *  system column, which changes with every UPDATE of the row). */
export type ActiveHead = { id: string; contentHash: string; fingerprint: string };

/** The head query on its own (callers on a hot path select the same three columns inside their own query). */
export const activeHeadColumns = { id: modelVersions.id, contentHash: modelVersions.contentHash, fingerprint: sql<string>`${modelVersions}.xmin::text`.as("fingerprint") };
export const activeHeadWhere = and(eq(modelVersions.active, true), eq(modelVersions.status, "published"));

/**
 * The active published model version, its artefact parsed (lib/model schema) and its content hash verified
 * against the stored hash: a mismatch means the stored artefact changed after publication, so nothing is served.
 */
export async function getActiveModel(db: Db): Promise<ActiveModel> {
  const [head] = await db.select(activeHeadColumns).from(modelVersions).where(activeHeadWhere).limit(1);
  return activeModelOf(db, head);
}

/**
 * getActiveModel for a head the caller already read. Cheap per request: the full SHA-256 verification + schema
 * parse runs only when the head changes, so a tampered artefact (any update of the row) is still caught on the
 * next request while an unchanged one is not re-hashed on every prediction (that cost ~20 ms of CPU per request).
 */
export async function activeModelOf(db: Db, head: ActiveHead | null | undefined): Promise<ActiveModel> {
  if (!head?.id) throw new ModelStoreError("NO_ACTIVE_MODEL", "No published model is active. An administrator must publish and activate a model version first.");
  const key = `${head.id}:${head.contentHash}:${head.fingerprint}`;
  if (verified && verified.key === key) return verified.model;
  const [row] = await db.select().from(modelVersions).where(eq(modelVersions.id, head.id)).limit(1);
  if (!row) throw new ModelStoreError("NO_ACTIVE_MODEL", "No published model is active. An administrator must publish and activate a model version first.");
  try {
    verifyArtefact(row.artefact as object, row.contentHash);
  } catch (e) {
    if (e instanceof ArtefactHashMismatchError) {
      log.error("active model artefact failed its hash check", { modelVersionId: row.id });
      throw new ModelStoreError(
        "HASH_MISMATCH",
        `The active model "${row.label}" failed its integrity check (content hash mismatch); it will not be used. An administrator must re-publish it.`,
      );
    }
    throw e;
  }
  let artefact: ModelArtefact;
  try {
    artefact = parseArtefact(row.artefact);
  } catch (e) {
    throw new ModelStoreError("BAD_ARTEFACT", `The active model "${row.label}" cannot be read: ${(e as Error).message}`);
  }
  const { artefact: _raw, ...columns } = row;
  const model: ActiveModel = { id: row.id, label: row.label, contentHash: row.contentHash, artefact, demo: artefact.demo, displayLabel: artefact.label, columns };
  // keyed by the head read BEFORE the row: if the row changed in between, the next request's head differs and re-verifies
  verified = { key, model };
  return model;
}

/** The last active model that passed verification, keyed by id, published hash and row version. */
let verified: { key: string; model: ActiveModel } | null = null;

/** Path of the demo artefact (overridable for tests). */
export function demoModelPath(): string {
  return process.env.AXILLA_DEMO_MODEL ?? join(/* turbopackIgnore: true */ process.cwd(), "demo", "model.json");
}

/**
 * First start: when the database holds no model version at all, import the demo artefact as the published,
 * active version (label from the artefact, comment "demo model"), audited. Returns the new id, or null when it
 * skipped (versions exist, or the demo artefact is missing — logged). Refuses an artefact whose own hash is wrong.
 */
export async function seedDemoModel(db: Db, path = demoModelPath()): Promise<string | null> {
  const [{ n }] = await db.select({ n: count() }).from(modelVersions);
  if (n > 0) return null;
  if (!existsSync(/* turbopackIgnore: true */ path)) {
    log.warn("demo model not imported: the demo artefact file does not exist yet", { file: path });
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(/* turbopackIgnore: true */ path, "utf8"));
  } catch (e) {
    log.error("demo model not imported: the file is not valid JSON", { file: path, error: e as Error });
    return null;
  }
  let artefact: ModelArtefact;
  let hash: string;
  try {
    artefact = parseArtefact(json);
    hash = artefact.hash ? verifyArtefact(artefact) : hashArtefact(artefact);
  } catch (e) {
    log.error("demo model not imported: the artefact is invalid", { file: path, error: e as Error });
    await audit(db, { action: "models.seed-demo", objectType: "model_version", outcome: "failure", detail: { reason: (e as Error).name } });
    return null;
  }
  const stored = { ...artefact, hash };
  // a version label (what "saved with model version …" shows), not the artefact's label, which for the demo is its
  // "not for clinical use" notice — shown next to it by every UI anyway
  const label = `demo-${artefact.software.version}-${hash.slice(0, 8)}`;
  const now = new Date();
  const inserted = await db.transaction(async (tx) => {
    // re-check inside the transaction: two processes starting together must not both import
    const [{ n: again }] = await tx.select({ n: count() }).from(modelVersions);
    if (again > 0) return null;
    const [row] = await tx
      .insert(modelVersions)
      .values({ label, status: "published", active: true, artefact: stored, contentHash: hash, comment: "demo model", publishedAt: now })
      .onConflictDoNothing()
      .returning({ id: modelVersions.id });
    return row?.id ?? null;
  });
  if (inserted) {
    await audit(db, { action: "models.seed-demo", objectType: "model_version", objectId: inserted, outcome: "success", detail: { contentHash: hash, demo: artefact.demo } });
    log.info("demo model imported as the active published version", { modelVersionId: inserted });
  }
  return inserted;
}
