import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createHash } from "node:crypto";
import { canonicalJson } from "../../../lib/model/canonical.ts";
import { hashArtefact, verifyArtefact, sha256Hex, ArtefactHashMismatchError } from "../../../lib/model/hash.ts";
import { parseArtefact, ArtefactSchemaError, DEMO_LABEL } from "../../../lib/model/artefact.ts";
import { ROOT } from "../pipeline/helpers.ts";

const demoModel = (): Record<string, unknown> => JSON.parse(readFileSync(resolve(ROOT, "demo/model.json"), "utf8"));

test("hash: SHA-256 matches the FIPS 180-2 test vector and node:crypto", () => {
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); // FIPS 180-2 appendix B.1
  const text = canonicalJson({ b: 1, a: [1, 2.5, "x"] });
  assert.equal(text, '{"a":[1,2.5,"x"],"b":1}');
  assert.equal(sha256Hex(text), createHash("sha256").update(text).digest("hex"));
});

test("canonical JSON: key order does not matter, non-finite numbers and -0 are canonical", () => {
  assert.equal(canonicalJson({ x: { b: 2, a: 1 }, y: [Infinity, -Infinity, NaN, -0] }), canonicalJson({ y: [Infinity, -Infinity, NaN, 0], x: { a: 1, b: 2 } }));
  assert.equal(canonicalJson([Infinity, -Infinity, NaN]), '["Inf","-Inf","NaN"]');
  assert.equal(canonicalJson({ a: undefined, b: Float64Array.from([1, 2]) }), '{"b":[1,2]}');
});

test("artefact: the committed demo model verifies, parses, and carries the demo label", () => {
  const a = demoModel();
  assert.equal(verifyArtefact(a), a.hash);
  const p = parseArtefact(a);
  assert.equal(p.demo, true);
  assert.equal(p.label, DEMO_LABEL);
  assert.equal(p.label, "Demo model — not for clinical use");
  // reordering keys leaves the hash unchanged
  const reordered = Object.fromEntries(Object.entries(a).reverse());
  assert.equal(hashArtefact(reordered), a.hash);
});

test("artefact: changing one coefficient is detected (hash mismatch error naming both hashes)", () => {
  const a = demoModel() as { hash: string; lasso: { coefficients: number[] }; nomogram: { coefficients: Record<string, number> } };
  const t1 = structuredClone(a);
  t1.lasso.coefficients[0] += 1e-9;
  assert.throws(
    () => verifyArtefact(t1),
    (e: unknown) => e instanceof ArtefactHashMismatchError && e.message === `model artefact hash mismatch: stored ${a.hash}, computed ${hashArtefact(t1)}` && e.stored === a.hash,
  );
  const t2 = structuredClone(a);
  t2.nomogram.coefficients.Intercept = 0;
  assert.throws(() => verifyArtefact(t2), /^ArtefactHashMismatchError|model artefact hash mismatch: stored [0-9a-f]{64}, computed [0-9a-f]{64}$/);
  assert.throws(() => verifyArtefact(a, "0".repeat(64)), ArtefactHashMismatchError);
  const noHash = structuredClone(a) as Partial<typeof a>;
  delete noHash.hash;
  assert.throws(() => verifyArtefact(noHash), /stored \(none\)/);
});

test("artefact: schema rejects another schema version and malformed content with a clear message", () => {
  const a = demoModel();
  assert.throws(() => parseArtefact({ ...a, schemaVersion: 2 }), (e: unknown) => e instanceof ArtefactSchemaError && /schemaVersion 2 is not supported/.test((e as Error).message));
  const bad = structuredClone(a) as { scaler: { min: unknown } };
  bad.scaler.min = "x";
  assert.throws(() => parseArtefact(bad), /not a valid model artefact: scaler\.min/);
});

test("compatibility: features from another set, Ng or spacing are refused with every reason listed", async () => {
  const { featureCompatibility, assertCompatible, ModelCompatibilityError } = await import("../../../lib/model/compat.ts");
  const a = parseArtefact(demoModel());
  assert.deepEqual(featureCompatibility(a, { set: "seed-299", ng: 32, spacing_mm: [0.2, 0.2] }), []);
  const p = featureCompatibility(a, { set: "ibsi-extended", ng: 64, spacing_mm: [0.1, 0.1] });
  assert.equal(p.length, 3);
  assert.throws(() => assertCompatible(a, { set: "seed-299", ng: 16 }), (e: unknown) => e instanceof ModelCompatibilityError && /Ng = 16/.test((e as Error).message));
});
