// De-identification following DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile.
// We go further than the profile's action table by WHITELISTING: only attributes known to be technical
// and safe are kept (everything else, including every private tag and any free text, is removed), the
// profile's "Z" attributes (PatientName, PatientID, PatientBirthDate, PatientSex, StudyDate, StudyTime,
// ReferringPhysicianName, StudyID, AccessionNumber) are present but empty (PatientName/PatientID may
// carry the caller's pseudonym), and the "U" attributes (Study/Series/SOP Instance/Frame of Reference
// UIDs) are replaced by a keyed hash (HMAC-SHA-256 -> "2.25.<decimal>", consistent within one secret).
// PatientIdentityRemoved (0012,0062) = YES and DeidentificationMethod (0012,0063) are added (E.1.1).
import { createHmac } from "node:crypto";
import type { DataSet, Element } from "dicom-parser";
import { DicomError } from "./errors.ts";
import { DICT, tagOf, type Keyword } from "./dictionary.ts";
import { TRANSFER_SYNTAXES, num, parseDicomBytes, str, tag, type DicomFile, type ParseOptions } from "./parse.ts";
import { readLaterality, readOrientation, readRescale, readSpacing, readView, readWindows, type Window, type Rescale } from "./image.ts";
import type { Spacing } from "../image/types.ts";
import { lutInfo, readModalityLut, readVoiLuts, usesModalityLut, voiInputSigned, type LutInfo } from "./lut.ts";
import { concat, el, encodeElement, encodeFileMeta, type Encoding, type WriteElement } from "./write.ts";

export const DEIDENTIFICATION_METHOD = "DICOM PS3.15 E.1 Basic Profile; Axilla whitelist; UIDs hashed; dates removed";

export type DeidOptions = {
  /** secret for the keyed UID hash; the server passes its own (default "axilla", fine for tests only) */
  uidSecret?: string;
  /** stored as PatientName and PatientID (e.g. the pseudonymous case code); default empty */
  pseudonym?: string;
};

/** Replace a UID by "2.25." + the first 120 bits of HMAC-SHA-256(secret, uid) as a decimal (<= 41 chars). */
export function hashUid(uid: string, secret = "axilla"): string {
  const h = createHmac("sha256", secret).update(uid).digest();
  let n = 0n;
  for (let i = 0; i < 15; i++) n = (n << 8n) | BigInt(h[i]);
  return "2.25." + n.toString();
}

// technical attributes that are safe to keep (besides group 0028, which is all image-pixel/presentation data)
const KEEP = new Set<string>([
  "x00080005", // SpecificCharacterSet
  "x00080008", // ImageType
  "x00080016", // SOPClassUID
  "x00080060", // Modality
  "x00080068", // PresentationIntentType
  "x00080070", // Manufacturer
  "x00081090", // ManufacturerModelName
  "x00180015", // BodyPartExamined
  "x00180060", // KVP
  "x00181050", // SpatialResolution
  "x00181110", // DistanceSourceToDetector
  "x00181111", // DistanceSourceToPatient
  "x00181114", // EstimatedRadiographicMagnificationFactor
  "x00181150", // ExposureTime
  "x00181151", // XRayTubeCurrent
  "x00181152", // Exposure
  "x00181153", // ExposureInuAs
  "x00181164", // ImagerPixelSpacing
  "x00181190", // FocalSpots
  "x00181191", // AnodeTargetMaterial
  "x001811a0", // BodyPartThickness
  "x001811a2", // CompressionForce
  "x00185101", // ViewPosition
  "x00187050", // FilterMaterial
  "x00200011", // SeriesNumber
  "x00200013", // InstanceNumber
  "x00200020", // PatientOrientation
  "x00200060", // Laterality
  "x00200062", // ImageLaterality
  "x00540220", // ViewCodeSequence (codes only)
  "x7fe00010", // PixelData
]);
const HASH_UIDS = new Set<string>(["x00080018", "x0020000d", "x0020000e", "x00200052"]);
const EMPTY_Z: Keyword[] = ["StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName", "PatientBirthDate", "PatientSex", "StudyID"];

function keepTopLevel(t: string): boolean {
  const group = parseInt(t.slice(1, 5), 16);
  if (group % 2 === 1) return false; // private
  if (group === 0x0028) return t !== "x00284000"; // all but free-text image presentation comments
  return KEEP.has(t);
}

const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"]);

/**
 * A de-identified Part 10 byte stream with the same pixel data (and transfer syntax; deflated input is
 * written inflated as Explicit VR Little Endian). Kept elements are copied byte for byte.
 */
export function deidentifyPart10(input: Uint8Array | DicomFile, opts: DeidOptions & ParseOptions = {}): Uint8Array {
  const file = input instanceof Uint8Array ? parseDicomBytes(input, opts) : input;
  const ds = file.dataSet;
  const secret = opts.uidSecret ?? "axilla";
  let ts = file.transferSyntaxUid;
  if (ts === "1.2.840.10008.1.2.1.99") ts = "1.2.840.10008.1.2.1";
  const enc: Encoding = ts === "1.2.840.10008.1.2" ? { explicit: false, littleEndian: true } : ts === "1.2.840.10008.1.2.2" ? { explicit: true, littleEndian: false } : { explicit: true, littleEndian: true };
  const buf = ds.byteArray;

  // top-level data-set elements in file order, with their byte ranges [start, next start)
  const top = Object.values(ds.elements)
    .filter((e) => !e.tag.startsWith("x0002"))
    .sort((a, b) => a.dataOffset - b.dataOffset);
  const headLen = (e: Element) => (!enc.explicit ? 8 : LONG_VRS.has(e.vr ?? "") ? 12 : 8);
  const pieces: { tagNum: number; bytes: Uint8Array }[] = [];
  for (let i = 0; i < top.length; i++) {
    const e = top[i];
    const tnum = parseInt(e.tag.slice(1), 16);
    if (HASH_UIDS.has(e.tag)) {
      const uid = str(ds, e.tag);
      if (uid) pieces.push({ tagNum: tnum, bytes: encodeElement({ group: tnum >>> 16, element: tnum & 0xffff, vr: "UI", value: hashUid(uid, secret) }, enc) });
      continue;
    }
    if (!keepTopLevel(e.tag)) continue;
    const start = e.dataOffset - headLen(e);
    const end = i + 1 < top.length ? top[i + 1].dataOffset - headLen(top[i + 1]) : buf.length;
    if (start < 0 || end > buf.length || end < start) throw new DicomError("PARSE_ERROR", `element ${e.tag.slice(1)} has an inconsistent position`);
    pieces.push({ tagNum: tnum, bytes: buf.subarray(start, end) });
  }
  const add = (w: WriteElement) => pieces.push({ tagNum: w.group * 0x10000 + w.element, bytes: encodeElement(w, enc) });
  for (const k of EMPTY_Z) add(el(k, ""));
  add(el("PatientName", opts.pseudonym ?? ""));
  add(el("PatientID", opts.pseudonym ?? ""));
  add(el("PatientIdentityRemoved", "YES"));
  add(el("DeidentificationMethod", DEIDENTIFICATION_METHOD));
  pieces.sort((a, b) => a.tagNum - b.tagNum);

  const sopClass = str(ds, tag(0x0008, 0x0016)) ?? str(ds, tag(0x0002, 0x0002)) ?? "";
  const sopInst = str(ds, tag(0x0008, 0x0018)) ?? str(ds, tag(0x0002, 0x0003)) ?? "";
  const meta = encodeFileMeta(sopClass, sopInst ? hashUid(sopInst, secret) : "", ts);
  return concat([meta, ...pieces.map((p) => p.bytes)]);
}

/** The header facts Axilla stores with an image: technical only, nothing identifying. */
export type HeaderSummary = {
  rows: number | null;
  columns: number | null;
  frames: number;
  samplesPerPixel: number | null;
  bitsAllocated: number | null;
  bitsStored: number | null;
  highBit: number | null;
  pixelRepresentation: number | null;
  photometricInterpretation: string | null;
  transferSyntaxUid: string;
  transferSyntaxName: string | null;
  lossyImageCompression: boolean;
  modality: string | null;
  sopClassUid: string | null;
  isMammogram: boolean;
  bodyPartExamined: string | null;
  manufacturer: string | null;
  manufacturerModelName: string | null;
  laterality: "L" | "R" | null;
  view: "CC" | "MLO" | null;
  viewPositionRaw: string | null;
  patientOrientation: string | null;
  orientation: { flipHorizontal: boolean; flipVertical: boolean; source: string };
  spacing: Spacing | null;
  spacingSuggestion: Spacing | null;
  windows: Window[];
  voiLutFunction: string | null;
  rescale: Rescale;
  /** Modality LUT Sequence (0028,3000) descriptor + explanation when it is used (present and no Rescale Slope/Intercept) */
  modalityLut: LutInfo | null;
  /** VOI LUT Sequence (0028,3010) items (descriptor, explanation, output min/max; data stays in the file) */
  voiLuts: LutInfo[];
  burnedInAnnotation: boolean | null;
  /** keyed hashes (hashUid) so duplicates can be spotted without storing the UIDs */
  sopInstanceUidHash: string | null;
  studyInstanceUidHash: string | null;
  seriesInstanceUidHash: string | null;
  deidentificationMethod: string;
};

const DIGITAL_MAMMO_SOP = ["1.2.840.10008.5.1.4.1.1.1.2", "1.2.840.10008.5.1.4.1.1.1.2.1"];

/** Header summary for storage (PS3.15 basic profile: no names, IDs, dates, institution, private tags). */
export function summariseHeader(file: DicomFile, opts: DeidOptions = {}): HeaderSummary {
  const ds: DataSet = file.dataSet;
  const u = (k: Keyword) => {
    try {
      const t = tagOf(k);
      const e = ds.elements[t];
      return e && e.length >= 2 ? (ds.uint16(t) ?? null) : null;
    } catch {
      return null;
    }
  };
  const s = (k: Keyword) => str(ds, tagOf(k)) ?? null;
  const secret = opts.uidSecret ?? "axilla";
  const hashed = (k: Keyword) => {
    const v = s(k);
    return v ? hashUid(v, secret) : null;
  };
  const laterality = readLaterality(ds);
  const view = readView(ds);
  const sp = readSpacing(ds);
  const modality = s("Modality");
  const sopClass = s("SOPClassUID");
  const burned = s("BurnedInAnnotation");
  const isMammogram = modality === "MG" || (sopClass !== null && DIGITAL_MAMMO_SOP.includes(sopClass));
  const isBreast = isMammogram || (s("BodyPartExamined") ?? "").toUpperCase() === "BREAST" || view.view !== null;
  return {
    rows: u("Rows"),
    columns: u("Columns"),
    frames: Math.max(1, Math.trunc(num(ds, tagOf("NumberOfFrames")) ?? 1)),
    samplesPerPixel: u("SamplesPerPixel"),
    bitsAllocated: u("BitsAllocated"),
    bitsStored: u("BitsStored"),
    highBit: u("HighBit"),
    pixelRepresentation: u("PixelRepresentation"),
    photometricInterpretation: s("PhotometricInterpretation"),
    transferSyntaxUid: file.transferSyntaxUid,
    transferSyntaxName: TRANSFER_SYNTAXES[file.transferSyntaxUid]?.name ?? null,
    lossyImageCompression: s("LossyImageCompression") === "01" || !!TRANSFER_SYNTAXES[file.transferSyntaxUid]?.lossy,
    modality,
    sopClassUid: sopClass,
    isMammogram,
    bodyPartExamined: s("BodyPartExamined"),
    manufacturer: s("Manufacturer"),
    manufacturerModelName: s("ManufacturerModelName"),
    laterality,
    view: view.view,
    viewPositionRaw: view.raw,
    patientOrientation: s("PatientOrientation"),
    orientation: readOrientation(ds, laterality, isBreast),
    spacing: sp.spacing,
    spacingSuggestion: sp.suggestion,
    windows: readWindows(ds),
    voiLutFunction: s("VOILUTFunction"),
    rescale: readRescale(ds),
    ...readLutInfos(ds, u("PixelRepresentation") ?? 0),
    burnedInAnnotation: burned === null ? null : burned.toUpperCase() === "YES",
    sopInstanceUidHash: hashed("SOPInstanceUID"),
    studyInstanceUidHash: hashed("StudyInstanceUID"),
    seriesInstanceUidHash: hashed("SeriesInstanceUID"),
    deidentificationMethod: DEIDENTIFICATION_METHOD,
  };
}

/** LUT summaries; malformed LUT sequences throw DicomError (they would decode to wrong intensities). */
function readLutInfos(ds: DataSet, pixelRepresentation: number): { modalityLut: LutInfo | null; voiLuts: LutInfo[] } {
  const m = usesModalityLut(ds) ? readModalityLut(ds, pixelRepresentation) : null;
  return { modalityLut: m ? lutInfo(m) : null, voiLuts: readVoiLuts(ds, voiInputSigned(ds, pixelRepresentation, m)).map(lutInfo) };
}

// exported for tests: which keywords the de-identifier keeps verbatim
export function isKeptAttribute(k: Keyword): boolean {
  return keepTopLevel(tagOf(k));
}
export { DICT };
