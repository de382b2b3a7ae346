// Feature-set definitions (feature-set.md): exact names `<image>_<family>_<Feature>[_mean|_range]`.
import { FIRSTORDER_NAMES, WAVELET_FIRSTORDER_NAMES } from "./firstorder.ts";
import { SHAPE2D_NAMES } from "./shape2d.ts";
import { GLCM_EXTENDED_NAMES, GLCM_HARALICK_NAMES } from "./glcm.ts";
import { GLRLM_NAMES } from "./glrlm.ts";
import { GLSZM_NAMES } from "./glszm.ts";
import { GLDM_NAMES } from "./gldm.ts";
import { NGTDM_NAMES } from "./ngtdm.ts";
import { WAVELET_CHANNELS } from "./wavelet.ts";

export const FEATURE_SETS = ["seed-299", "ibsi-extended"] as const;
export type FeatureSetName = (typeof FEATURE_SETS)[number];
/** Version of the set definitions and of this engine's conventions (stored with every vector). */
export const FEATURE_SET_VERSION = "1.0";

function meanRange(prefix: string, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) out.push(`${prefix}${n}_mean`, `${prefix}${n}_range`);
  return out;
}

function buildSeed299(): string[] {
  const names: string[] = [];
  for (const n of FIRSTORDER_NAMES) names.push(`original_firstorder_${n}`);
  for (const n of SHAPE2D_NAMES) names.push(`original_shape2D_${n}`);
  names.push(...meanRange("original_glcm_", GLCM_HARALICK_NAMES));
  for (const ch of WAVELET_CHANNELS) {
    for (const n of WAVELET_FIRSTORDER_NAMES) names.push(`wavelet-${ch}_firstorder_${n}`);
    names.push(...meanRange(`wavelet-${ch}_glcm_`, GLCM_HARALICK_NAMES));
  }
  return names;
}

/** The 299 seed-study feature names in output order. */
export const SEED_299_NAMES: readonly string[] = Object.freeze(buildSeed299());

/** Names ibsi-extended adds after the seed-299 ones, in output order. */
export const IBSI_EXTENDED_EXTRA_NAMES: readonly string[] = Object.freeze([
  ...meanRange("original_glcm_", GLCM_EXTENDED_NAMES),
  ...GLRLM_NAMES.map((n) => `original_glrlm_${n}`),
  ...GLSZM_NAMES.map((n) => `original_glszm_${n}`),
  ...GLDM_NAMES.map((n) => `original_gldm_${n}`),
  ...NGTDM_NAMES.map((n) => `original_ngtdm_${n}`),
]);

export const IBSI_EXTENDED_NAMES: readonly string[] = Object.freeze([...SEED_299_NAMES, ...IBSI_EXTENDED_EXTRA_NAMES]);

/** Feature names of a set, in output order. */
export function featureNames(set: FeatureSetName): readonly string[] {
  return set === "seed-299" ? SEED_299_NAMES : IBSI_EXTENDED_NAMES;
}

export function isFeatureSetName(s: string): s is FeatureSetName {
  return (FEATURE_SETS as readonly string[]).includes(s);
}
