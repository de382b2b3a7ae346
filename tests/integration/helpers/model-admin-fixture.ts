// Model versions for model-admin / tamper tests: valid artefacts from the predictions fixture (the surgeon
// part-2 teammate's R-checked model), seed varied so each version has its own content hash.
import { readFileSync } from "node:fs";
import { modelVersions } from "../../../server/db/schema.ts";
import type { TestDb } from "../../../server/db/testing.ts";
import { hashArtefact } from "../../../lib/model/hash.ts";

export function fixtureArtefact(seed: number): Record<string, unknown> {
  const a = JSON.parse(readFileSync(new URL("../../fixtures/predictions/model-full.json", import.meta.url), "utf8"));
  a.pipelineBootstrap ??= null; // the fixture predates this (nullable) field
  a.seed = seed;
  delete a.hash;
  return { ...a, hash: hashArtefact(a) };
}

export async function insertVersion(db: TestDb["db"], label: string, status: "draft" | "published", active: boolean, seed: number) {
  const a = fixtureArtefact(seed);
  const [row] = await db
    .insert(modelVersions)
    .values({ label, status, active, artefact: a, contentHash: a.hash as string, publishedAt: status === "published" ? new Date() : null })
    .returning();
  return row;
}
