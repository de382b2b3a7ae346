// Shared in-memory image types. Pixels are typed arrays, row-major, top row first; no per-pixel objects.

/** A single-channel image of intensities (after the Modality LUT and MONOCHROME1 inversion). */
export type Image2D = {
  rows: number;
  cols: number;
  /** rows*cols values, row-major */
  data: Float64Array;
};

/** A binary ROI mask: 1 = inside, 0 = outside. Same size as its image. */
export type Mask2D = {
  rows: number;
  cols: number;
  data: Uint8Array;
};

/** Pixel spacing in mm as [row spacing sy, column spacing sx], and where it came from. */
export type Spacing = {
  mm: [number, number];
  source: "PixelSpacing" | "ImagerPixelSpacing" | "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor" | "SpatialResolution" | "user" | "default";
};

/** An image read from a file (DICOM, PNG or PGM), ready for radiomics. */
export type LoadedImage = {
  image: Image2D;
  /** null when the file declares no spacing (PNG, PGM, DICOM without spacing tags) */
  spacing: Spacing | null;
  format: "dicom" | "png" | "pgm";
  /** true when MONOCHROME1 was inverted into MONOCHROME2 sense */
  inverted: boolean;
  laterality: "L" | "R" | null;
  view: "CC" | "MLO" | null;
  /** DICOM only: the flip applied to reach the chest-wall-left frame (feature-set.md step 3) */
  orientation?: { flipHorizontal: boolean; flipVertical: boolean; source: "PatientOrientation" | "Laterality" | "none" };
  /** DICOM only: default display window in the units of `image` (header window, else min/max) */
  window?: { center: number; width: number };
};
