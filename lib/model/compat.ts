// Compatibility checks between a model artefact and what is fed to it: a feature vector is only scored by a model
// trained on the same feature set with the same extraction settings (feature-set.md "Image preparation" 7), and an
// artefact is only read by software that knows its schema version. Browser-safe.
import { ARTEFACT_SCHEMA_VERSION, type ModelArtefact } from "./artefact.ts";

/** The extraction settings a feature vector was computed with (lib/radiomics extract()'s `settings`, or a subset). */
export type FeatureProvenance = {
  set: string;
  ng?: number | null;
  spacing_mm?: [number, number] | null;
  bin_width?: number | null;
};

export class ModelCompatibilityError extends Error {
  constructor(readonly problems: string[]) {
    super(`the features do not match the model: ${problems.join("; ")}`);
    this.name = "ModelCompatibilityError";
  }
}

/** Problems (empty when compatible) between a model and the provenance of a feature vector. */
export function featureCompatibility(artefact: Pick<ModelArtefact, "schemaVersion" | "featureSet">, features: FeatureProvenance): string[] {
  const problems: string[] = [];
  if (artefact.schemaVersion !== ARTEFACT_SCHEMA_VERSION) problems.push(`artefact schema version ${artefact.schemaVersion} is not ${ARTEFACT_SCHEMA_VERSION}`);
  if (features.set !== artefact.featureSet.name) problems.push(`feature set "${features.set}" differs from the model's "${artefact.featureSet.name}"`);
  const s = artefact.featureSet.settings as { ng?: number | null; spacingMm?: number | null };
  if (s.ng != null && features.ng != null && features.ng !== s.ng) problems.push(`grey levels Ng = ${features.ng} differ from the model's ${s.ng}`);
  if (features.bin_width != null) problems.push(`fixed bin width ${features.bin_width} was used; the model was trained with fixed bin number`);
  if (s.spacingMm != null && features.spacing_mm) {
    const [sy, sx] = features.spacing_mm;
    const rel = (a: number): number => Math.abs(a - s.spacingMm!) / s.spacingMm!;
    if (rel(sy) > 0.05 || rel(sx) > 0.05) problems.push(`pixel spacing ${sy} x ${sx} mm differs from the model's ${s.spacingMm} mm by more than 5% (shape features depend on it)`);
  }
  return problems;
}

/** Throws ModelCompatibilityError listing every problem. */
export function assertCompatible(artefact: Pick<ModelArtefact, "schemaVersion" | "featureSet">, features: FeatureProvenance): void {
  const p = featureCompatibility(artefact, features);
  if (p.length) throw new ModelCompatibilityError(p);
}
