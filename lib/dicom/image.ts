// From stored pixels to radiomics-ready intensities and display: Modality LUT, MONOCHROME1 inversion,
// pixel spacing rules, laterality/view normalisation, chest-wall-left orientation, window/level.
// Spec: shared/spec/feature-set.md "Image preparation" steps 1-4.
import type { DataSet } from "dicom-parser";
import type { Image2D, Spacing } from "../image/types.ts";
import { DicomError } from "./errors.ts";
import { num, numbers, str, tag } from "./parse.ts";
import type { StoredPixels } from "./pixels.ts";
import { lutLookup, type Lut } from "./lut.ts";

// ---------------- spacing (feature-set.md step 4) ----------------

export type SpacingInfo = {
  /** spacing to use, or null when the file declares none (never guessed) */
  spacing: Spacing | null;
  /** a value the UI may prefill when spacing is null (SpatialResolution, or ImagerPixelSpacing when it was not used); never used silently */
  suggestion: Spacing | null;
};

function positivePair(v: number[] | undefined): [number, number] | null {
  if (!v || v.length < 1) return null;
  const a = v[0];
  const b = v.length > 1 ? v[1] : v[0];
  return a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b) ? [a, b] : null;
}

/** PixelSpacing (0028,0030); else ImagerPixelSpacing (0018,1164) / EstimatedRadiographicMagnificationFactor (0018,1114); else null. */
export function readSpacing(ds: DataSet): SpacingInfo {
  const ps = positivePair(numbers(ds, tag(0x0028, 0x0030)));
  if (ps) return { spacing: { mm: ps, source: "PixelSpacing" }, suggestion: null };
  const ips = positivePair(numbers(ds, tag(0x0018, 0x1164)));
  if (ips) {
    const m = num(ds, tag(0x0018, 0x1114));
    if (m !== undefined && m > 0)
      return { spacing: { mm: [ips[0] / m, ips[1] / m], source: "ImagerPixelSpacing/EstimatedRadiographicMagnificationFactor" }, suggestion: null }; // spacing at the object = detector spacing / magnification
    return { spacing: { mm: ips, source: "ImagerPixelSpacing" }, suggestion: null };
  }
  const sr = num(ds, tag(0x0018, 0x1050));
  return { spacing: null, suggestion: sr !== undefined && sr > 0 ? { mm: [sr, sr], source: "SpatialResolution" } : null };
}

// ---------------- laterality / view ----------------

export function readLaterality(ds: DataSet): "L" | "R" | null {
  const v = (str(ds, tag(0x0020, 0x0062)) ?? str(ds, tag(0x0020, 0x0060)) ?? "").toUpperCase();
  return v === "L" || v === "R" ? v : null;
}

/**
 * ViewPosition (0018,5101) normalised to CC / MLO. Oblique views (MLO, SIO, LMO) -> "MLO"; cranio-caudal
 * variants (CC, XCCL, XCCM, FB) -> "CC"; true laterals (ML, LM) and anything else -> null (the user picks).
 * Falls back to ViewCodeSequence (0054,0220) SNOMED codes R-10242 (CC) / R-10226 (MLO).
 */
export function normaliseView(raw: string | undefined | null): "CC" | "MLO" | null {
  const v = (raw ?? "").toUpperCase().replace(/[^A-Z]/g, "");
  if (v === "MLO" || v === "SIO" || v === "LMO" || v === "OBLIQUE" || v === "LATERALOBLIQUE") return "MLO";
  if (v === "CC" || v === "XCCL" || v === "XCCM" || v === "XCC" || v === "FB" || v === "CRANIOCAUDAL") return "CC";
  return null;
}

export function readView(ds: DataSet): { view: "CC" | "MLO" | null; raw: string | null } {
  const raw = str(ds, tag(0x0018, 0x5101)) ?? null;
  let view = normaliseView(raw);
  if (!view) {
    try {
      const seq = ds.elements[tag(0x0054, 0x0220)];
      const item = seq?.items?.[0]?.dataSet;
      const code = item ? str(item, tag(0x0008, 0x0100)) : undefined;
      const meaning = item ? str(item, tag(0x0008, 0x0104)) : undefined;
      if (code === "R-10242" || code === "399162004") view = "CC";
      else if (code === "R-10226" || code === "399368009") view = "MLO";
      else if (meaning) view = /medio-?lateral oblique/i.test(meaning) ? "MLO" : /cranio-?caudal/i.test(meaning) ? "CC" : null;
    } catch {
      /* no usable code sequence */
    }
  }
  return { view, raw };
}

// ---------------- orientation (feature-set.md step 3) ----------------

export type Orientation = {
  /** mirror columns to bring the chest wall to the left (nipple right) */
  flipHorizontal: boolean;
  /** mirror rows (PatientOrientation column direction pointing to the head, "H") */
  flipVertical: boolean;
  /** what decided it */
  source: "PatientOrientation" | "Laterality" | "none";
};

/**
 * Chest wall left / nipple right. PatientOrientation (0020,0020) first value = direction of increasing
 * column: "A" (anterior, towards the nipple) needs no flip, "P" needs a horizontal flip. Second value
 * containing "H" (towards the head) gets a vertical flip so that the feet side is at the bottom.
 * Without PatientOrientation: the common hanging convention (right breast stored facing left, i.e. "P\L";
 * left breast "A\R") -> flip right breasts, source "Laterality" so the UI can show it was assumed.
 * Without laterality, or for a non-breast image (`isBreast` false): no flip, source "none".
 */
export function readOrientation(ds: DataSet, laterality: "L" | "R" | null, isBreast = true): Orientation {
  if (!isBreast) return { flipHorizontal: false, flipVertical: false, source: "none" }; // the rule is about breasts only
  const po = str(ds, tag(0x0020, 0x0020));
  if (po) {
    const [rowDir = "", colDir = ""] = po.toUpperCase().split("\\");
    if (rowDir.startsWith("A") || rowDir.startsWith("P"))
      return { flipHorizontal: rowDir.startsWith("P"), flipVertical: colDir.includes("H"), source: "PatientOrientation" };
  }
  if (laterality) return { flipHorizontal: laterality === "R", flipVertical: false, source: "Laterality" };
  return { flipHorizontal: false, flipVertical: false, source: "none" };
}

/** Mirror an image (new array); the same function maps a mask between frames (it is its own inverse). */
export function applyFlip<T extends { rows: number; cols: number; data: Float64Array | Uint8Array }>(img: T, o: { flipHorizontal: boolean; flipVertical: boolean }): T {
  if (!o.flipHorizontal && !o.flipVertical) return img;
  const { rows, cols } = img;
  const out = new (img.data.constructor as new (n: number) => Float64Array | Uint8Array)(rows * cols);
  for (let r = 0; r < rows; r++) {
    const sr = o.flipVertical ? rows - 1 - r : r;
    for (let c = 0; c < cols; c++) out[r * cols + c] = img.data[sr * cols + (o.flipHorizontal ? cols - 1 - c : c)];
  }
  return { ...img, data: out };
}

// ---------------- Modality LUT, MONOCHROME1, grey conversion ----------------

export type Rescale = { slope: number; intercept: number; type: string | null };

export function readRescale(ds: DataSet): Rescale {
  const slope = num(ds, tag(0x0028, 0x1053));
  const intercept = num(ds, tag(0x0028, 0x1052));
  return { slope: slope !== undefined && slope !== 0 ? slope : 1, intercept: intercept ?? 0, type: str(ds, tag(0x0028, 0x1054)) ?? null };
}

export type IntensityOptions = {
  /** frame index (0-based), default 0 */
  frame?: number;
  /** invert MONOCHROME1 into MONOCHROME2 sense (default true, feature-set.md step 2) */
  invertMonochrome1?: boolean;
  /**
   * Modality LUT Sequence (0028,3000) item (readModalityLut). Used instead of `rescale` (PS3.3 C.11.1: the two are
   * alternatives; callers pass it only when the file has no Rescale Slope/Intercept).
   */
  modalityLut?: Lut | null;
};

/** [lowest, highest] stored value for the pixel format: unsigned 0..2^bs - 1, signed -2^(bs-1)..2^(bs-1) - 1. */
export function storedRange(px: Pick<StoredPixels, "bitsStored" | "pixelRepresentation">): [number, number] {
  return px.pixelRepresentation === 1 ? [-(2 ** (px.bitsStored - 1)), 2 ** (px.bitsStored - 1) - 1] : [0, 2 ** px.bitsStored - 1];
}

/**
 * The constant m with y' = m - y for MONOCHROME1 inversion after a Modality LUT L: m = L(lo) + L(hi) over the stored
 * range. For a linear rescale this is exactly slope*(top - x) + intercept (the same rule as before the LUT).
 */
export function modalityLutMirror(lut: Lut, px: Pick<StoredPixels, "bitsStored" | "pixelRepresentation">): number {
  const [lo, hi] = storedRange(px);
  return lutLookup(lut, lo) + lutLookup(lut, hi);
}

/**
 * Stored values -> float64 intensities for one frame: MONOCHROME1 inversion x' = (2^BitsStored - 1) - x
 * (signed: -1 - x) before the Modality LUT y = slope * x' + intercept. With `opts.modalityLut` the LUT replaces the
 * rescale and the inversion is y' = L(lo) + L(hi) - L(x) (the same mirror for a linear L). Colour (3 samples) -> one grey
 * channel: RGB by ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B, YBR_* by its Y component.
 */
export function toIntensities(px: StoredPixels, rescale: Rescale, opts: IntensityOptions = {}): { image: Image2D; inverted: boolean } {
  const frame = opts.frame ?? 0;
  if (!Number.isInteger(frame) || frame < 0 || frame >= px.frames)
    throw new DicomError("BAD_ATTRIBUTE", `frame ${frame} does not exist (the image has ${px.frames} frame(s))`);
  const n = px.rows * px.columns;
  const spp = px.samplesPerPixel;
  const src = px.data.subarray(frame * n * spp, (frame + 1) * n * spp);
  const data = new Float64Array(n);
  const inverted = px.photometric === "MONOCHROME1" && (opts.invertMonochrome1 ?? true);
  const { slope, intercept } = rescale;
  if (spp === 1 && opts.modalityLut) {
    const lut = opts.modalityLut;
    const m = inverted ? modalityLutMirror(lut, px) : 0;
    for (let i = 0; i < n; i++) {
      const y = lutLookup(lut, src[i]); // y = LUT(x), clamped to the first/last entry (C.11.1.1.1)
      data[i] = inverted ? m - y : y; // MONOCHROME1: y' = L(lo) + L(hi) - y
    }
  } else if (spp === 1) {
    const top = px.pixelRepresentation === 1 ? -1 : 2 ** px.bitsStored - 1; // x' = top - x (MONOCHROME1)
    if (inverted) for (let i = 0; i < n; i++) data[i] = slope * (top - src[i]) + intercept;
    else for (let i = 0; i < n; i++) data[i] = slope * src[i] + intercept;
  } else if (px.photometric.startsWith("YBR")) {
    for (let i = 0; i < n; i++) data[i] = slope * src[3 * i] + intercept;
  } else {
    for (let i = 0; i < n; i++) data[i] = slope * (0.299 * src[3 * i] + 0.587 * src[3 * i + 1] + 0.114 * src[3 * i + 2]) + intercept; // BT.601 luma
  }
  return { image: { rows: px.rows, cols: px.columns, data }, inverted };
}

// ---------------- VOI / window ----------------

export type Window = { center: number; width: number; explanation?: string };

/** WindowCenter/Width (0028,1050/1051) pairs from the header, in rescaled units of the stored photometric. */
export function readWindows(ds: DataSet): Window[] {
  const c = numbers(ds, tag(0x0028, 0x1050)) ?? [];
  const w = numbers(ds, tag(0x0028, 0x1051)) ?? [];
  const expl = (str(ds, tag(0x0028, 0x1055)) ?? "").split("\\");
  const out: Window[] = [];
  for (let i = 0; i < Math.min(c.length, w.length); i++) if (w[i] >= 1) out.push({ center: c[i], width: w[i], ...(expl[i] ? { explanation: expl[i] } : {}) });
  return out;
}

/**
 * A header window expressed for the inverted (MONOCHROME2-sense) intensities: with y = s x + b and
 * x' = top - x, y' = s top + 2b - y, so the centre maps to s top + 2b - c and the width is unchanged.
 */
export function windowForInverted(w: Window, rescale: Rescale, top: number): Window {
  return { ...w, center: rescale.slope * top + 2 * rescale.intercept - w.center };
}

/** Min/max window over an image (used when the header has none). */
export function fullRangeWindow(img: Image2D): Window {
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i];
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  if (!Number.isFinite(mn)) return { center: 0, width: 1 };
  return { center: (mn + mx) / 2, width: Math.max(1, mx - mn) };
}

/**
 * 8-bit display buffer for a window (DICOM PS3.3 C.11.2.1.2 LINEAR):
 * x <= c - 0.5 - (w-1)/2 -> 0; x > c - 0.5 + (w-1)/2 -> 255; else ((x - (c - 0.5)) / (w - 1) + 0.5) * 255.
 * SIGMOID (C.11.2.1.3.1): 255 / (1 + exp(-4 (x - c) / w)). LINEAR_EXACT (C.11.2.1.3.2): (x - c) / w + 0.5.
 * `invert` flips the output (the viewer's invert button).
 */
export function windowToDisplay(
  img: Image2D,
  window: Window,
  opts: { invert?: boolean; fn?: "LINEAR" | "LINEAR_EXACT" | "SIGMOID"; out?: Uint8ClampedArray } = {},
): Uint8ClampedArray {
  const n = img.rows * img.cols;
  const out = opts.out && opts.out.length === n ? opts.out : new Uint8ClampedArray(n);
  const { center: c, width } = window;
  const fn = opts.fn ?? "LINEAR";
  const inv = !!opts.invert;
  const d = img.data;
  if (fn === "SIGMOID") {
    for (let i = 0; i < n; i++) {
      const y = 255 / (1 + Math.exp((-4 * (d[i] - c)) / width));
      out[i] = inv ? 255 - y : y;
    }
  } else if (fn === "LINEAR_EXACT") {
    const w = Math.max(width, 1e-12);
    for (let i = 0; i < n; i++) {
      const y = ((d[i] - c) / w + 0.5) * 255;
      out[i] = inv ? 255 - y : y;
    }
  } else {
    const w = Math.max(width, 1);
    const lo = c - 0.5 - (w - 1) / 2;
    const hi = c - 0.5 + (w - 1) / 2;
    const scale = w > 1 ? 255 / (w - 1) : 0;
    for (let i = 0; i < n; i++) {
      const x = d[i];
      const y = x <= lo ? 0 : x > hi ? 255 : w > 1 ? (x - (c - 0.5)) * scale + 127.5 : 255;
      out[i] = inv ? 255 - y : y; // Uint8ClampedArray rounds half to even and clamps
    }
  }
  return out;
}

/**
 * 8-bit display through a VOI LUT (PS3.3 C.11.2.1.1): v = LUT(x) (clamped at both ends), shown as
 * round(255 * v / (2^bitsPerEntry - 1)). `mirror`: the intensities were MONOCHROME1-inverted as x' = mirror - x, so
 * the LUT (defined on the file's own values) is applied to mirror - x' and its output is inverted as well (in
 * MONOCHROME1 the lowest LUT output is white). `invert` flips the result (the viewer's invert button).
 */
export function voiLutToDisplay(img: Image2D, lut: Lut, opts: { invert?: boolean; mirror?: number | null; out?: Uint8ClampedArray } = {}): Uint8ClampedArray {
  const n = img.rows * img.cols;
  const out = opts.out && opts.out.length === n ? opts.out : new Uint8ClampedArray(n);
  const scale = 255 / (2 ** lut.bitsPerEntry - 1); // LUT bit depth -> 8 bits
  const mirror = opts.mirror ?? null;
  const flip = (mirror !== null) !== !!opts.invert;
  const d = img.data;
  for (let i = 0; i < n; i++) {
    const x = mirror === null ? d[i] : mirror - d[i];
    const y = lutLookup(lut, x) * scale;
    out[i] = flip ? 255 - y : y; // Uint8ClampedArray rounds and clamps
  }
  return out;
}
