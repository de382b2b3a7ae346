// Public API of the radiomics engine (browser-safe: no node imports anywhere in lib/radiomics).
export { extract, releaseWorkspace, ExtractError, ENGINE_VERSION } from "./extract.ts";
export type { ExtractOptions, ExtractResult, ExtractSettings, ExtractErrorCode } from "./extract.ts";
export { extractPhantom, PhantomError, FIRSTORDER_IBSI } from "./phantom.ts";
export type { PhantomJson, PhantomResult } from "./phantom.ts";
export { FEATURE_SETS, FEATURE_SET_VERSION, SEED_299_NAMES, IBSI_EXTENDED_NAMES, IBSI_EXTENDED_EXTRA_NAMES, featureNames, isFeatureSetName } from "./sets.ts";
export type { FeatureSetName } from "./sets.ts";
export { polygonToMask, regionGrow, fillHoles, largestComponent, maskBoundingBox, maskFromData, maskArea, RoiError } from "./roi.ts";
export type { BBox, Point, RegionGrowOptions } from "./roi.ts";
export { resampleImage, resampleMask, resampledSize } from "./resample.ts";
export { MAX_LEVELS, DiscretisationError } from "./discretise.ts";
