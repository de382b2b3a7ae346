// Public API of lib/dicom. Server upload, viewer and radiomics code import from here.
import { createHash } from "node:crypto";
import type { Image2D, LoadedImage } from "../image/types.ts";
import { DicomError } from "./errors.ts";
import { parseDicomBytes, type DicomFile, type ParseOptions } from "./parse.ts";
import { decodeStoredPixels, readPixelHeader, type DecodeOptions, type StoredPixels } from "./pixels.ts";
import { summariseHeader, type DeidOptions, type HeaderSummary } from "./deidentify.ts";
import { applyFlip, fullRangeWindow, modalityLutMirror, toIntensities, voiLutToDisplay, windowForInverted, windowToDisplay, type Orientation, type Window } from "./image.ts";
import { readModalityLut, readVoiLuts, usesModalityLut, voiInputSigned, type Lut } from "./lut.ts";

export { DicomError, type DicomErrorCode } from "./errors.ts";
export { parseDicomBytes, TRANSFER_SYNTAXES, type DicomFile, type ParseOptions } from "./parse.ts";
export { decodeStoredPixels, readPixelHeader, type StoredPixels, type DecodeOptions, type PixelHeader } from "./pixels.ts";
export {
  applyFlip,
  fullRangeWindow,
  normaliseView,
  readLaterality,
  readOrientation,
  readRescale,
  readSpacing,
  readView,
  readWindows,
  modalityLutMirror,
  storedRange,
  toIntensities,
  voiLutToDisplay,
  windowForInverted,
  windowToDisplay,
  type Orientation,
  type Rescale,
  type SpacingInfo,
  type Window,
} from "./image.ts";
export { deidentifyPart10, hashUid, summariseHeader, DEIDENTIFICATION_METHOD, type DeidOptions, type HeaderSummary } from "./deidentify.ts";
export { el, writePart10, wrapGreyImage, type WriteElement, type GreyImageInput } from "./write.ts";
export { UID } from "./dictionary.ts";
export { lutInfo, lutLookup, readLutItem, readModalityLut, readVoiLuts, usesModalityLut, type Lut, type LutInfo, type LutKind } from "./lut.ts";

export type ReadOptions = ParseOptions & DecodeOptions & DeidOptions;

/** A decoded DICOM image: parsed file, stored pixels (all frames), de-identified header summary. */
export type DicomImage = {
  file: DicomFile;
  pixels: StoredPixels;
  header: HeaderSummary;
};

/** Parse + validate the header only (no pixel decoding): fast path for upload validation. */
export function readDicomHeader(bytes: Uint8Array, opts: ReadOptions = {}): HeaderSummary {
  const file = parseDicomBytes(bytes, opts);
  readPixelHeader(file, opts); // throws MISSING_ATTRIBUTE / UNSUPPORTED_PIXEL_FORMAT / TOO_LARGE
  return summariseHeader(file, opts);
}

/** Parse and decode every frame. Throws DicomError. */
export async function readDicom(bytes: Uint8Array, opts: ReadOptions = {}): Promise<DicomImage> {
  const file = parseDicomBytes(bytes, opts);
  const pixels = await decodeStoredPixels(file, opts);
  return { file, pixels, header: summariseHeader(file, opts) };
}

export type ToLoadedOptions = {
  frame?: number;
  /** flip into the chest-wall-left frame (feature-set.md step 3); default true */
  orient?: boolean;
};

/** The file's Modality LUT when it is used (present, no rescale), and its VOI LUTs (full data). Throws DicomError when malformed. */
export function readLuts(img: DicomImage): { modalityLut: Lut | null; voiLuts: Lut[] } {
  const ds = img.file.dataSet;
  const modalityLut = usesModalityLut(ds) ? readModalityLut(ds, img.pixels.pixelRepresentation) : null;
  return { modalityLut, voiLuts: readVoiLuts(ds, voiInputSigned(ds, img.pixels.pixelRepresentation, modalityLut)) };
}

export type LoadedDicom = LoadedImage & {
  orientation: Orientation;
  window: Window;
  /** VOI LUT Sequence items; display one with voiLutDisplay (the header window stays the default: see defaultWindow) */
  voiLuts: Lut[];
  /** MONOCHROME1 only: the m of x' = m - x used for the inversion (so VOI LUTs can be applied to the file's values) */
  inversionMirror: number | null;
  /** "rescale" (Rescale Slope/Intercept or identity) or "Modality LUT Sequence" */
  modalityTransform: "rescale" | "Modality LUT Sequence";
};

/** Radiomics-ready image: Modality LUT (rescale or LUT sequence), MONOCHROME1 inversion, orientation; spacing null when undeclared. */
export function dicomToLoadedImage(img: DicomImage, opts: ToLoadedOptions = {}): LoadedDicom {
  const { modalityLut, voiLuts } = readLuts(img);
  const { image, inverted } = toIntensities(img.pixels, img.header.rescale, { frame: opts.frame, modalityLut });
  const o: Orientation = opts.orient === false ? { flipHorizontal: false, flipVertical: false, source: "none" } : (img.header.orientation as Orientation);
  const oriented = applyFlip(image, o);
  const top = img.pixels.pixelRepresentation === 1 ? -1 : 2 ** img.pixels.bitsStored - 1;
  const r = img.header.rescale;
  const inversionMirror = !inverted ? null : modalityLut ? modalityLutMirror(modalityLut, img.pixels) : r.slope * top + 2 * r.intercept; // y' = m - y
  return {
    image: oriented,
    spacing: img.header.spacing,
    format: "dicom",
    inverted,
    laterality: img.header.laterality,
    view: img.header.view,
    orientation: o,
    window: defaultWindow(img, oriented, inverted, inversionMirror),
    voiLuts,
    inversionMirror,
    modalityTransform: modalityLut ? "Modality LUT Sequence" : "rescale",
  };
}

/**
 * The header's first window in the sense of the returned intensities (inverted for MONOCHROME1), else min/max.
 * Choice (PS3.3 C.11.2): when a file has both Window Center/Width and a VOI LUT Sequence, the window is the default
 * display and a VOI LUT is applied only when the user picks it (voiLutDisplay); with a VOI LUT and no window the
 * default is still min/max here, and the viewer offers the LUT by its explanation.
 * `mirror`: the m of the MONOCHROME1 inversion y' = m - y (given when a Modality LUT Sequence was used).
 */
export function defaultWindow(img: DicomImage, intensities: Image2D, inverted: boolean, mirror?: number | null): Window {
  const w = img.header.windows[0];
  if (!w) return fullRangeWindow(intensities);
  if (!inverted) return w;
  if (mirror !== undefined && mirror !== null) return { ...w, center: mirror - w.center };
  const top = img.pixels.pixelRepresentation === 1 ? -1 : 2 ** img.pixels.bitsStored - 1;
  return windowForInverted(w, img.header.rescale, top);
}

/** 8-bit display through the loaded image's VOI LUT number `index` (PS3.3 C.11.2.1.1; MONOCHROME1 handled). */
export function voiLutDisplay(loaded: LoadedDicom, index = 0, opts: { invert?: boolean; out?: Uint8ClampedArray } = {}): Uint8ClampedArray {
  const lut = loaded.voiLuts[index];
  if (!lut) throw new DicomError("BAD_ATTRIBUTE", `VOI LUT ${index + 1} does not exist (the file has ${loaded.voiLuts.length})`);
  return voiLutToDisplay(loaded.image, lut, { ...opts, mirror: loaded.inversionMirror });
}

/** SHA-256 (hex) of the stored values as little-endian integers of the stored type, frames concatenated. */
export function pixelSha256(px: StoredPixels): string {
  const d = px.data;
  let bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (!le && d.BYTES_PER_ELEMENT === 2) {
    bytes = bytes.slice();
    for (let i = 0; i < bytes.length; i += 2) [bytes[i], bytes[i + 1]] = [bytes[i + 1], bytes[i]];
  }
  return createHash("sha256").update(bytes).digest("hex");
}

/** What `axilla dicom --info FILE` prints. */
export async function dicomInfo(bytes: Uint8Array, opts: ReadOptions = {}): Promise<Record<string, unknown>> {
  const img = await readDicom(bytes, opts);
  const d = img.pixels.data;
  let mn = Infinity;
  let mx = -Infinity;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < mn) mn = v;
    if (v > mx) mx = v;
    sum += v;
  }
  const h = img.header;
  return {
    rows: img.pixels.rows,
    columns: img.pixels.columns,
    frames: img.pixels.frames,
    samples_per_pixel: img.pixels.samplesPerPixel,
    transfer_syntax_uid: h.transferSyntaxUid,
    transfer_syntax: h.transferSyntaxName,
    photometric_interpretation: h.photometricInterpretation,
    decoded_photometric: img.pixels.photometric,
    bits_allocated: img.pixels.bitsAllocated,
    bits_stored: img.pixels.bitsStored,
    pixel_representation: img.pixels.pixelRepresentation,
    modality: h.modality,
    spacing: h.spacing,
    spacing_suggestion: h.spacingSuggestion,
    laterality: h.laterality,
    view: h.view,
    orientation: h.orientation,
    window: h.windows,
    rescale: h.rescale,
    lossy: img.pixels.lossy,
    // statistics of the stored values (before rescale/inversion), all frames and samples
    min: d.length ? mn : null,
    max: d.length ? mx : null,
    mean: d.length ? sum / d.length : null,
    decoded_pixels_sha256_le: pixelSha256(img.pixels),
  };
}

export function isDicomError(e: unknown): e is DicomError {
  return e instanceof DicomError;
}

/** Convenience for one call: DICOM bytes -> radiomics-ready image. */
export async function loadDicomImage(bytes: Uint8Array, opts: ReadOptions & ToLoadedOptions = {}): Promise<LoadedDicom> {
  return dicomToLoadedImage(await readDicom(bytes, opts), opts);
}

/** 8-bit display buffer for the viewer (chest wall left, MONOCHROME1 already inverted). */
export function displayBuffer(loaded: { image: Image2D }, window: Window, opts: Parameters<typeof windowToDisplay>[2] = {}): Uint8ClampedArray {
  return windowToDisplay(loaded.image, window, opts);
}
