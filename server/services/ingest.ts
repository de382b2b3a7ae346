// Mammogram ingest: chunked upload sessions (in memory, never on disk before de-identification), validation
// with clear refusals, questions the user must answer (not a mammogram? missing spacing? view/laterality?),
// de-identification (DICOM PS3.15 basic profile via lib/dicom), content-addressed storage of the de-identified
// file only, and a display/ROI pixel cache in the chest-wall-left frame (feature-set.md "Image preparation").
// Nothing from a header is ever logged: ids, sizes and error codes only.
import { createHmac, randomUUID } from "node:crypto";
import {
  applyFlip,
  deidentifyPart10,
  DicomError,
  parseDicomBytes,
  readDicom,
  readDicomHeader,
  summariseHeader,
  toIntensities,
  defaultWindow,
  type DicomImage,
  type HeaderSummary,
} from "../../lib/dicom/index.ts";
import type { Image2D } from "../../lib/image/types.ts";
import { authSecret, env } from "../env.ts";
import { logger } from "../log.ts";
import { storage as defaultStorage, type Storage } from "../storage/index.ts";

const log = logger("ingest");

// ---------------------------------------------------------------------------------------------------------------
// errors

export type IngestErrorCode =
  | "NOT_DICOM"
  | "TRUNCATED"
  | "UNSUPPORTED_TRANSFER_SYNTAX"
  | "UNSUPPORTED_IMAGE"
  | "NOT_A_MAMMOGRAM"
  | "TOO_LARGE"
  | "BAD_UPLOAD"
  | "BAD_INPUT";

/** A refused upload: `message` is shown to the user as it is. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "IngestError";
  }
}

function fromDicomError(e: DicomError): IngestError {
  switch (e.code) {
    case "NOT_DICOM":
      return new IngestError("NOT_DICOM", `This file is not a DICOM file (${e.message}). Please upload the mammogram as exported from the PACS (DICOM).`);
    case "TRUNCATED":
      return new IngestError("TRUNCATED", `This DICOM file is incomplete or damaged (${e.message}). Please export it again.`);
    case "UNSUPPORTED_TRANSFER_SYNTAX":
      return new IngestError("UNSUPPORTED_TRANSFER_SYNTAX", `This DICOM file uses a compression Axilla cannot read (${e.message}). Please export it uncompressed or as JPEG / JPEG 2000 / JPEG-LS / RLE.`);
    case "TOO_LARGE":
      return new IngestError("TOO_LARGE", `This image is too large (${e.message}).`);
    case "BAD_PIXEL_DATA":
      return new IngestError("TRUNCATED", `The pixel data of this DICOM file cannot be decoded (${e.message}); the file may be incomplete or damaged.`);
    default:
      return new IngestError("UNSUPPORTED_IMAGE", `This DICOM file cannot be used (${e.message}).`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// upload sessions (chunked base64 over tRPC JSON; the route's CSRF guard accepts JSON POSTs only)

export const CHUNK_BYTES = 1024 * 1024;
const SESSION_TTL_MS = 30 * 60 * 1000;
const MAX_OPEN_SESSIONS_PER_USER = 8;

type Session = { id: string; userId: string; caseId: string; size: number; buf: Uint8Array; received: number; touched: number };
type G = typeof globalThis & { __axillaUploads?: Map<string, Session> };

function sessions(): Map<string, Session> {
  const g = globalThis as G;
  g.__axillaUploads ??= new Map();
  const m = g.__axillaUploads;
  const now = Date.now();
  for (const [k, s] of m) if (now - s.touched > SESSION_TTL_MS) m.delete(k); // expire abandoned uploads
  return m;
}

export function maxUploadBytes(): number {
  return Math.round(env().UPLOAD_MAX_MB * 1024 * 1024);
}

export function beginUpload(userId: string, caseId: string, size: number): { uploadId: string; chunkBytes: number } {
  const max = maxUploadBytes();
  if (!Number.isInteger(size) || size < 1) throw new IngestError("BAD_UPLOAD", "The file is empty.");
  if (size > max) throw new IngestError("TOO_LARGE", `The file is ${(size / 1048576).toFixed(1)} MB; the upload limit is ${env().UPLOAD_MAX_MB} MB.`);
  const m = sessions();
  const mine = [...m.values()].filter((s) => s.userId === userId);
  if (mine.length >= MAX_OPEN_SESSIONS_PER_USER) {
    mine.sort((a, b) => a.touched - b.touched);
    m.delete(mine[0].id); // drop the oldest unfinished upload of this user
  }
  const id = randomUUID();
  m.set(id, { id, userId, caseId, size, buf: new Uint8Array(size), received: 0, touched: Date.now() });
  return { uploadId: id, chunkBytes: CHUNK_BYTES };
}

function session(userId: string, uploadId: string): Session {
  const s = sessions().get(uploadId);
  if (!s || s.userId !== userId) throw new IngestError("BAD_UPLOAD", "This upload has expired or does not exist; please choose the file again.");
  s.touched = Date.now();
  return s;
}

/** Append one chunk (chunks arrive in order). */
export function appendChunk(userId: string, uploadId: string, offset: number, bytes: Uint8Array): { received: number; size: number } {
  const s = session(userId, uploadId);
  if (offset !== s.received) throw new IngestError("BAD_UPLOAD", `chunk at byte ${offset} arrived out of order (expected byte ${s.received})`);
  if (bytes.byteLength > CHUNK_BYTES || offset + bytes.byteLength > s.size) throw new IngestError("BAD_UPLOAD", "the upload is larger than announced");
  s.buf.set(bytes, offset);
  s.received += bytes.byteLength;
  return { received: s.received, size: s.size };
}

/** The complete bytes of an upload (for ingest) and its case. */
export function takeUpload(userId: string, uploadId: string): { bytes: Uint8Array; caseId: string } {
  const s = session(userId, uploadId);
  if (s.received !== s.size) throw new IngestError("BAD_UPLOAD", `the upload is incomplete (${s.received} of ${s.size} bytes received)`);
  return { bytes: s.buf, caseId: s.caseId };
}

/** Forget an upload; with `userId`, only that user's own (another user's upload id is ignored). */
export function discardUpload(uploadId: string, userId?: string): void {
  const m = sessions();
  if (userId !== undefined && m.get(uploadId)?.userId !== userId) return;
  m.delete(uploadId);
}

// ---------------------------------------------------------------------------------------------------------------
// validation

/** Modalities of projection radiographs that may hold a (digitised) mammogram — accepted only after confirmation. */
export const CONFIRMABLE_MODALITIES = ["RG", "CR", "DX", "OT", "DG", "SC"] as const;

export type SpacingMm = [number, number];

/** What the user has to answer before the image is stored. */
export type IngestQuestions = {
  /** the image does not declare itself a mammogram: the user must confirm it is one */
  confirmNotMammogram: { modality: string | null; sopClass: string | null } | null;
  /** no Pixel Spacing / Imager Pixel Spacing: the user gives it (prefill = suggestion, e.g. Spatial Resolution) */
  spacing: { suggestion: SpacingMm | null; suggestionSource: string | null } | null;
  view: boolean;
  laterality: boolean;
};

export type IngestDecisions = {
  confirmNotMammogram?: boolean;
  spacingMm?: SpacingMm;
  view?: "CC" | "MLO";
  laterality?: "L" | "R";
};

const SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

/** Header-only check: throws IngestError for a refusal; returns the summary and the open questions. */
export function analyse(bytes: Uint8Array): { header: HeaderSummary; questions: IngestQuestions } {
  let header: HeaderSummary;
  try {
    header = readDicomHeader(bytes);
  } catch (e) {
    if (e instanceof DicomError) throw fromDicomError(e);
    throw new IngestError("UNSUPPORTED_IMAGE", "This DICOM file cannot be read.");
  }
  const modality = (header.modality ?? "").toUpperCase() || null;
  const isSc = header.sopClassUid?.startsWith(SECONDARY_CAPTURE) ?? false;
  if (!header.isMammogram) {
    const confirmable = modality === null ? isSc : (CONFIRMABLE_MODALITIES as readonly string[]).includes(modality);
    if (!confirmable)
      throw new IngestError(
        "NOT_A_MAMMOGRAM",
        `This is a ${modality ?? "non-radiograph"} image (DICOM Modality "${modality ?? "none"}"), not a mammogram. Axilla accepts mammograms (Modality MG) and, after confirmation, digitised film mammograms (RG, CR, DX, secondary capture).`,
      );
  }
  if (header.frames > 1) throw new IngestError("UNSUPPORTED_IMAGE", `This DICOM file holds ${header.frames} frames; a mammogram view is a single frame. Please upload each view as its own file.`);
  if (header.samplesPerPixel !== null && header.samplesPerPixel !== 1)
    throw new IngestError("UNSUPPORTED_IMAGE", "This is a colour image; mammograms are greyscale. Please upload the original greyscale DICOM.");
  const questions: IngestQuestions = {
    confirmNotMammogram: header.isMammogram ? null : { modality, sopClass: isSc ? "Secondary Capture" : header.sopClassUid },
    spacing: header.spacing
      ? null
      : { suggestion: header.spacingSuggestion ? [header.spacingSuggestion.mm[0], header.spacingSuggestion.mm[1]] : null, suggestionSource: header.spacingSuggestion?.source ?? null },
    view: header.view === null,
    laterality: header.laterality === null,
  };
  return { header, questions };
}

/** Questions still open after the user's decisions (null when none). */
export function openQuestions(q: IngestQuestions, d: IngestDecisions): IngestQuestions | null {
  const open: IngestQuestions = {
    confirmNotMammogram: q.confirmNotMammogram && d.confirmNotMammogram !== true ? q.confirmNotMammogram : null,
    spacing: q.spacing && !d.spacingMm ? q.spacing : null,
    view: q.view && !d.view,
    laterality: q.laterality && !d.laterality,
  };
  return open.confirmNotMammogram || open.spacing || open.view || open.laterality ? open : null;
}

// ---------------------------------------------------------------------------------------------------------------
// orientation + pixel cache

export type EffectiveOrientation = { flipHorizontal: boolean; flipVertical: boolean; source: string };

/**
 * Flip to chest wall left (feature-set.md step 3): Patient Orientation when the header has it; otherwise the
 * hanging convention by the (header or user-given) laterality — right breasts are mirrored.
 */
export function effectiveOrientation(header: HeaderSummary, laterality: "L" | "R" | null): EffectiveOrientation {
  if (header.orientation.source === "PatientOrientation") return header.orientation;
  if (laterality) return { flipHorizontal: laterality === "R", flipVertical: false, source: header.laterality ? "Laterality" : "Laterality (user)" };
  return { flipHorizontal: false, flipVertical: false, source: "none" };
}

// Pixel cache ("AXPX" v1): 48-byte header + row-major little-endian values of the radiomics intensities (after
// the Modality LUT and MONOCHROME1 inversion) in the chest-wall-left frame. dtype 1 = uint16, 2 = int16,
// 3 = float32 (only when intensities are not integers in a 16-bit range). The viewer window/levels this buffer
// and runs region growing on it, so the outline matches what the server extracts from.
export const PX_HEADER_BYTES = 48;

export function encodePixelCache(img: Image2D, window: { center: number; width: number }): Uint8Array {
  const n = img.rows * img.cols;
  const d = img.data;
  let mn = Infinity;
  let mx = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = d[i];
    if (v < mn) mn = v;
    if (v > mx) mx = v;
    if (integral && v !== Math.round(v)) integral = false;
  }
  const dtype = integral && mn >= 0 && mx <= 65535 ? 1 : integral && mn >= -32768 && mx <= 32767 ? 2 : 3;
  const bpv = dtype === 3 ? 4 : 2;
  const out = new Uint8Array(PX_HEADER_BYTES + n * bpv);
  const dv = new DataView(out.buffer);
  out.set([0x41, 0x58, 0x50, 0x58], 0); // "AXPX"
  dv.setUint8(4, 1);
  dv.setUint8(5, dtype);
  dv.setUint32(8, img.rows, true);
  dv.setUint32(12, img.cols, true);
  dv.setFloat64(16, window.center, true);
  dv.setFloat64(24, window.width, true);
  dv.setFloat64(32, n ? mn : 0, true);
  dv.setFloat64(40, n ? mx : 0, true);
  const body = dtype === 1 ? new Uint16Array(n) : dtype === 2 ? new Int16Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) body[i] = d[i];
  out.set(new Uint8Array(body.buffer), PX_HEADER_BYTES); // host order = little-endian on every supported platform
  return out;
}

/** Longest side of the quick first-paint preview; images larger than this also get a reduced copy. */
export const PREVIEW_MAX_SIDE = 1024;

/**
 * Reduced copy for a fast first paint: k x k box averages (k = ceil(longest side / 1024)), rounded when the
 * intensities are integers, in the same "AXPX" format with k in byte 6. Null when the image is small already.
 */
export function encodePreviewCache(img: Image2D, window: { center: number; width: number }): Uint8Array | null {
  const k = Math.ceil(Math.max(img.rows, img.cols) / PREVIEW_MAX_SIDE);
  if (k <= 1) return null;
  const pr = Math.ceil(img.rows / k);
  const pc = Math.ceil(img.cols / k);
  const sum = new Float64Array(pr * pc);
  const cnt = new Uint32Array(pr * pc);
  let integral = true;
  for (let r = 0; r < img.rows; r++) {
    const o = (Math.floor(r / k)) * pc;
    const so = r * img.cols;
    for (let c = 0; c < img.cols; c++) {
      const v = img.data[so + c];
      if (integral && v !== Math.round(v)) integral = false;
      sum[o + Math.floor(c / k)] += v;
      cnt[o + Math.floor(c / k)]++;
    }
  }
  const data = new Float64Array(pr * pc);
  for (let i = 0; i < data.length; i++) data[i] = integral ? Math.round(sum[i] / cnt[i]) : sum[i] / cnt[i]; // box mean
  const out = encodePixelCache({ rows: pr, cols: pc, data }, window);
  out[6] = Math.min(255, k);
  return out;
}

export type PixelCache = { rows: number; cols: number; window: { center: number; width: number }; min: number; max: number; data: Uint16Array | Int16Array | Float32Array };

export function decodePixelCache(bytes: Uint8Array): PixelCache {
  if (bytes.length < PX_HEADER_BYTES || bytes[0] !== 0x41 || bytes[1] !== 0x58 || bytes[2] !== 0x50 || bytes[3] !== 0x58) throw new Error("not an Axilla pixel cache");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dtype = dv.getUint8(5);
  const rows = dv.getUint32(8, true);
  const cols = dv.getUint32(12, true);
  const n = rows * cols;
  const body = bytes.slice(PX_HEADER_BYTES).buffer; // copy: aligned for the typed array
  const data = dtype === 1 ? new Uint16Array(body, 0, n) : dtype === 2 ? new Int16Array(body, 0, n) : new Float32Array(body, 0, n);
  return { rows, cols, window: { center: dv.getFloat64(16, true), width: dv.getFloat64(24, true) }, min: dv.getFloat64(32, true), max: dv.getFloat64(40, true), data };
}

/** Radiomics-ready intensities in the chest-wall-left frame for a decoded image and an orientation. */
export function orientedIntensities(img: DicomImage, o: { flipHorizontal: boolean; flipVertical: boolean }): { image: Image2D; window: { center: number; width: number } } {
  const { image, inverted } = toIntensities(img.pixels, img.header.rescale);
  const oriented = applyFlip(image, o);
  const w = defaultWindow(img, oriented, inverted);
  return { image: oriented, window: { center: w.center, width: w.width } };
}

// ---------------------------------------------------------------------------------------------------------------
// the ingest itself

export type IngestDeps = { storage?: Storage; uidSecret?: string };

/** Secret for the keyed UID hash, derived from the installation's auth secret (never the secret itself). */
export function uidSecret(): string {
  return createHmac("sha256", authSecret()).update("axilla:dicom-uid").digest("hex");
}

export type PreparedImage = {
  header: HeaderSummary; // de-identified summary (of the de-identified file)
  deidentified: Uint8Array;
  pixelCache: Uint8Array;
  previewCache: Uint8Array | null;
  view: "CC" | "MLO" | null;
  laterality: "L" | "R" | null;
  spacing: { rowMm: number; colMm: number; source: string };
  orientation: EffectiveOrientation;
  rows: number;
  cols: number;
};

/**
 * Validate + decode + de-identify. Throws IngestError for a refusal; returns { questions } when the user still has
 * to answer something (nothing stored), else the prepared image (still nothing stored — the caller stores it).
 */
export async function prepareImage(
  bytes: Uint8Array,
  decisions: IngestDecisions,
  opts: { pseudonym: string; uidSecret: string },
): Promise<{ questions: IngestQuestions; header: HeaderSummary } | { prepared: PreparedImage }> {
  const { header, questions } = analyse(bytes);
  const open = openQuestions(questions, decisions);
  if (open) return { questions: open, header };
  if (decisions.spacingMm) {
    const [a, b] = decisions.spacingMm;
    if (!(a > 0 && b > 0 && a < 10 && b < 10)) throw new IngestError("BAD_INPUT", "Pixel spacing must be two positive numbers in millimetres (below 10 mm).");
  }
  let decoded: DicomImage;
  try {
    decoded = await readDicom(bytes); // full decode: a truncated or corrupt pixel stream is refused here
  } catch (e) {
    if (e instanceof DicomError) throw fromDicomError(e);
    throw new IngestError("UNSUPPORTED_IMAGE", "The pixel data of this DICOM file cannot be decoded.");
  }
  let deidentified: Uint8Array;
  let summary: HeaderSummary;
  try {
    deidentified = deidentifyPart10(decoded.file, { uidSecret: opts.uidSecret, pseudonym: opts.pseudonym });
    summary = summariseHeader(parseDicomBytes(deidentified), { uidSecret: opts.uidSecret });
  } catch (e) {
    log.error("de-identification failed", { code: e instanceof DicomError ? e.code : "unknown" });
    throw new IngestError("UNSUPPORTED_IMAGE", "This DICOM file could not be de-identified safely, so it was not stored.");
  }
  // user answers replace only what the header does not say
  const laterality = header.laterality ?? decisions.laterality ?? null;
  const view = header.view ?? decisions.view ?? null;
  const spacing = header.spacing
    ? { rowMm: header.spacing.mm[0], colMm: header.spacing.mm[1], source: header.spacing.source }
    : {
        rowMm: decisions.spacingMm![0],
        colMm: decisions.spacingMm![1],
        source:
          questions.spacing?.suggestion && questions.spacing.suggestion[0] === decisions.spacingMm![0] && questions.spacing.suggestion[1] === decisions.spacingMm![1]
            ? `user (confirmed ${questions.spacing.suggestionSource})`
            : "user",
      };
  const orientation = effectiveOrientation(header, laterality);
  const { image, window } = orientedIntensities(decoded, orientation);
  return {
    prepared: {
      header: summary,
      deidentified,
      pixelCache: encodePixelCache(image, window),
      previewCache: encodePreviewCache(image, window),
      view,
      laterality,
      spacing,
      orientation,
      rows: image.rows,
      cols: image.cols,
    },
  };
}

/** Store the de-identified file and the pixel cache (content-addressed). */
export async function storePrepared(p: PreparedImage, deps: IngestDeps = {}): Promise<{ filePath: string; sha256: string; pixelsPath: string; previewPath: string | null }> {
  const st = deps.storage ?? defaultStorage();
  const f = await st.putFile(p.deidentified, { ext: "dcm" });
  const px = await st.putFile(p.pixelCache, { ext: "px", maxBytes: Number.MAX_SAFE_INTEGER });
  const pv = p.previewCache ? await st.putFile(p.previewCache, { ext: "px", maxBytes: Number.MAX_SAFE_INTEGER }) : null;
  return { filePath: f.path, sha256: f.sha256, pixelsPath: px.path, previewPath: pv?.path ?? null };
}

/** Re-create the pixel cache of a stored image for another orientation (e.g. laterality entered later). */
export async function rebuildPixelCache(filePath: string, o: EffectiveOrientation, deps: IngestDeps = {}): Promise<{ pixelsPath: string; previewPath: string | null }> {
  const st = deps.storage ?? defaultStorage();
  const img = await readDicom(new Uint8Array(await st.readStoredFile(filePath)));
  const { image, window } = orientedIntensities(img, o);
  const pixelsPath = (await st.putFile(encodePixelCache(image, window), { ext: "px", maxBytes: Number.MAX_SAFE_INTEGER })).path;
  const preview = encodePreviewCache(image, window);
  const previewPath = preview ? (await st.putFile(preview, { ext: "px", maxBytes: Number.MAX_SAFE_INTEGER })).path : null;
  return { pixelsPath, previewPath };
}

/** Radiomics-ready image of a stored (de-identified) file, in the chest-wall-left frame. */
export async function loadStoredImage(filePath: string, o: { flipHorizontal: boolean; flipVertical: boolean }, deps: IngestDeps = {}): Promise<Image2D> {
  const st = deps.storage ?? defaultStorage();
  const img = await readDicom(new Uint8Array(await st.readStoredFile(filePath)));
  return orientedIntensities(img, o).image;
}
