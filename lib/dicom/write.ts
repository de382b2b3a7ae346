// Minimal DICOM Part 10 writer: Explicit VR Little Endian data set (or implicit / big endian element
// encoding for the de-identifier's replacement elements), 128-byte zero preamble, "DICM", group 0002.
// Used by the fixture scripts (wrapping a grey image as DICOM) and by deidentify.ts.
import { DICT, UID, type Keyword } from "./dictionary.ts";

export type ElementValue = string | number | number[] | Uint8Array | Uint16Array | Int16Array | WriteElement[][];

export type WriteElement = {
  group: number;
  element: number;
  vr: string;
  /** strings are joined with "\" by the caller; numbers/arrays for US/SS/UL/SL/FL/FD; items for SQ */
  value: ElementValue;
};

export type Encoding = { explicit: boolean; littleEndian: boolean };
export const EXPLICIT_LE: Encoding = { explicit: true, littleEndian: true };

const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"]);

export function el(keyword: Keyword, value: ElementValue): WriteElement {
  const [group, element, vr] = DICT[keyword];
  return { group, element, vr, value };
}

function valueBytes(e: WriteElement, enc: Encoding): Uint8Array {
  const v = e.value;
  const le = enc.littleEndian;
  if (typeof v === "string") {
    const b = new TextEncoder().encode(v);
    if (b.length % 2 === 0) return b;
    const pad = new Uint8Array(b.length + 1);
    pad.set(b);
    pad[b.length] = e.vr === "UI" || e.vr === "OB" ? 0 : 0x20; // UI padded with NUL, text with space
    return pad;
  }
  if (v instanceof Uint8Array) {
    if (v.length % 2 === 0) return v;
    const pad = new Uint8Array(v.length + 1);
    pad.set(v);
    return pad;
  }
  if (v instanceof Uint16Array || v instanceof Int16Array) {
    const out = new Uint8Array(v.length * 2);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < v.length; i++) dv.setUint16(2 * i, v[i] & 0xffff, le);
    return out;
  }
  if (typeof v === "number" || (Array.isArray(v) && (v.length === 0 || typeof v[0] === "number"))) {
    const arr = typeof v === "number" ? [v] : (v as number[]);
    if (["DS", "IS"].includes(e.vr)) return valueBytes({ ...e, value: arr.map((x) => String(x)).join("\\") }, enc);
    const size = e.vr === "US" || e.vr === "SS" ? 2 : e.vr === "FD" ? 8 : 4;
    const out = new Uint8Array(arr.length * size);
    const dv = new DataView(out.buffer);
    arr.forEach((x, i) => {
      if (e.vr === "US") dv.setUint16(i * 2, x, le);
      else if (e.vr === "SS") dv.setInt16(i * 2, x, le);
      else if (e.vr === "UL") dv.setUint32(i * 4, x, le);
      else if (e.vr === "SL") dv.setInt32(i * 4, x, le);
      else if (e.vr === "FL") dv.setFloat32(i * 4, x, le);
      else dv.setFloat64(i * 8, x, le);
    });
    return out;
  }
  // SQ: defined-length items
  const items = v as WriteElement[][];
  const parts: Uint8Array[] = [];
  for (const item of items) {
    const body = encodeElements(item, enc);
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, 0xfffe, le);
    dv.setUint16(2, 0xe000, le);
    dv.setUint32(4, body.length, le);
    parts.push(head, body);
  }
  return concat(parts);
}

/** Encode one element (header + value) in the given encoding. */
export function encodeElement(e: WriteElement, enc: Encoding = EXPLICIT_LE): Uint8Array {
  const val = valueBytes(e, enc);
  const le = enc.littleEndian;
  const long = LONG_VRS.has(e.vr);
  const headLen = !enc.explicit ? 8 : long ? 12 : 8;
  const out = new Uint8Array(headLen + val.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, e.group, le);
  dv.setUint16(2, e.element, le);
  if (!enc.explicit) dv.setUint32(4, val.length, le);
  else {
    out[4] = e.vr.charCodeAt(0);
    out[5] = e.vr.charCodeAt(1);
    if (long) dv.setUint32(8, val.length, le);
    else {
      if (val.length > 0xffff) throw new Error(`value of (${e.group.toString(16)},${e.element.toString(16)}) is too long for VR ${e.vr}`);
      dv.setUint16(6, val.length, le);
    }
  }
  out.set(val, headLen);
  return out;
}

/** Encode elements sorted by tag. */
export function encodeElements(elements: WriteElement[], enc: Encoding = EXPLICIT_LE): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.group - b.group || a.element - b.element);
  return concat(sorted.map((e) => encodeElement(e, enc)));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** 128-byte preamble + "DICM" + file meta group (0002) with its group length. Meta is always explicit LE. */
export function encodeFileMeta(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string): Uint8Array {
  const meta = encodeElements([
    el("FileMetaInformationVersion", new Uint8Array([0, 1])),
    el("MediaStorageSOPClassUID", sopClassUid),
    el("MediaStorageSOPInstanceUID", sopInstanceUid),
    el("TransferSyntaxUID", transferSyntaxUid),
    el("ImplementationClassUID", UID.AxillaImplementationClass),
    el("ImplementationVersionName", "AXILLA_0_1"),
  ]);
  const groupLen = encodeElement(el("FileMetaInformationGroupLength", meta.length));
  const pre = new Uint8Array(132);
  pre.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([pre, groupLen, meta]);
}

/**
 * A complete Part 10 file in Explicit VR Little Endian. `elements` must include SOPClassUID and
 * SOPInstanceUID (0008,0016/0018); group 0002 elements in the list are ignored (the meta is generated).
 */
export function writePart10(elements: WriteElement[]): Uint8Array {
  const get = (g: number, e: number) => elements.find((x) => x.group === g && x.element === e)?.value;
  const sopClass = get(0x0008, 0x0016);
  const sopInst = get(0x0008, 0x0018);
  if (typeof sopClass !== "string" || typeof sopInst !== "string") throw new Error("writePart10 needs SOPClassUID and SOPInstanceUID");
  const body = encodeElements(elements.filter((e) => e.group !== 0x0002));
  return concat([encodeFileMeta(sopClass, sopInst, UID.ExplicitVRLittleEndian), body]);
}

export type GreyImageInput = {
  rows: number;
  cols: number;
  /** stored values, row-major; Uint8Array -> BitsAllocated 8, Uint16Array -> 16 unsigned, Int16Array -> 16 signed */
  data: Uint8Array | Uint16Array | Int16Array;
  bitsStored?: number;
  photometric?: "MONOCHROME1" | "MONOCHROME2";
};

/** Wrap a single-frame grey image as DICOM with the given extra attributes (which win over defaults). */
export function wrapGreyImage(img: GreyImageInput, attributes: WriteElement[]): Uint8Array {
  const bitsAllocated = img.data instanceof Uint8Array ? 8 : 16;
  const bitsStored = img.bitsStored ?? bitsAllocated;
  if (img.data.length !== img.rows * img.cols) throw new Error(`pixel array has ${img.data.length} values, expected ${img.rows * img.cols}`);
  const base: WriteElement[] = [
    el("SamplesPerPixel", 1),
    el("PhotometricInterpretation", img.photometric ?? "MONOCHROME2"),
    el("Rows", img.rows),
    el("Columns", img.cols),
    el("BitsAllocated", bitsAllocated),
    el("BitsStored", bitsStored),
    el("HighBit", bitsStored - 1),
    el("PixelRepresentation", img.data instanceof Int16Array ? 1 : 0),
    { ...el("PixelData", img.data), vr: bitsAllocated === 8 ? "OB" : "OW" },
  ];
  const key = (e: WriteElement) => e.group * 0x10000 + e.element;
  const map = new Map<number, WriteElement>();
  for (const e of base) map.set(key(e), e);
  for (const e of attributes) map.set(key(e), e);
  return writePart10([...map.values()]);
}
