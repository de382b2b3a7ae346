// Content hash of a model artefact: SHA-256 (hex) of the canonical JSON (./canonical.ts) of the artefact
// without its own `hash` field. A published version stores this hash; loading re-computes it and refuses
// to serve on a mismatch (issue 5). Node-only (node:crypto): browser code imports ./predict.ts, not this.
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical.ts";

export class ArtefactHashMismatchError extends Error {
  constructor(
    readonly stored: string,
    readonly computed: string,
  ) {
    super(`model artefact hash mismatch: stored ${stored}, computed ${computed}`);
    this.name = "ArtefactHashMismatchError";
  }
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** sha256 hex of the canonical JSON of `a` without its top-level `hash` member. */
export function hashArtefact(a: object): string {
  const { hash: _ignored, ...rest } = a as { hash?: unknown } & Record<string, unknown>;
  return sha256Hex(canonicalJson(rest));
}

/** Throws ArtefactHashMismatchError when the artefact's content does not hash to `expectedHash`.
 *  `expectedHash` defaults to the artefact's own `hash` field (which must then be present). */
export function verifyArtefact(a: object, expectedHash?: string): string {
  const stored = expectedHash ?? (a as { hash?: unknown }).hash;
  const computed = hashArtefact(a);
  if (typeof stored !== "string" || stored.length === 0) throw new ArtefactHashMismatchError("(none)", computed);
  if (stored.toLowerCase() !== computed) throw new ArtefactHashMismatchError(stored, computed);
  return computed;
}

/** The artefact with its `hash` field set (a new object; the input is not modified). */
export function withHash<T extends object>(a: T): T & { hash: string } {
  return { ...a, hash: hashArtefact(a) };
}
