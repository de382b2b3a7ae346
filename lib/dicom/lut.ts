// DICOM lookup tables: Modality LUT Sequence (PS3.3 C.11.1) and VOI LUT Sequence (C.11.2).
// A LUT maps an input value x through LUT Descriptor (0028,3002) = [entries (0 means 65536), first mapped input
// value, bits per entry] and LUT Data (0028,3006): x < first -> data[0]; x >= first + entries - 1 -> data[last];
// else data[x - first] (C.11.1.1.1 / C.11.2.1.1). Hand-written: dicom-parser only parses, it does not apply LUTs.
import type { DataSet } from "dicom-parser";
import { DicomError } from "./errors.ts";
import { str, tag } from "./parse.ts";

export type LutKind = "Modality LUT" | "VOI LUT";

/** One decoded LUT: descriptor, entries (one per input value from firstMapped) and explanation. */
export type Lut = {
  kind: LutKind;
  /** number of entries (descriptor value 0 already turned into 65536) */
  entries: number;
  /** first input value mapped (stored value for a Modality LUT, modality-output value for a VOI LUT) */
  firstMapped: number;
  /** bits per entry (8..16): the output range is 0 .. 2^bits - 1 */
  bitsPerEntry: number;
  data: Uint16Array;
  explanation: string | null;
  /** Modality LUT Type (0028,3004), e.g. "OD" or "US"; null for VOI LUTs */
  lutType: string | null;
};

/** What the header summary stores about a LUT (JSON-friendly: no data array). */
export type LutInfo = Omit<Lut, "data"> & { min: number; max: number };

export function lutInfo(l: Lut): LutInfo {
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = 0; i < l.data.length; i++) {
    if (l.data[i] < mn) mn = l.data[i];
    if (l.data[i] > mx) mx = l.data[i];
  }
  return { kind: l.kind, entries: l.entries, firstMapped: l.firstMapped, bitsPerEntry: l.bitsPerEntry, explanation: l.explanation, lutType: l.lutType, min: mn, max: mx };
}

const T_DESCRIPTOR = tag(0x0028, 0x3002);
const T_EXPLANATION = tag(0x0028, 0x3003);
const T_MODALITY_TYPE = tag(0x0028, 0x3004);
const T_DATA = tag(0x0028, 0x3006);

/**
 * Decode one LUT item. `signedInput`: the descriptor's second value is read as a signed 16-bit number (its VR is
 * SS, or the input values are signed: PixelRepresentation 1). Throws DicomError("BAD_ATTRIBUTE") naming the problem.
 */
export function readLutItem(item: DataSet, kind: LutKind, index: number, signedInput: boolean): Lut {
  const where = `${kind} Sequence item ${index + 1}`;
  const d = item.elements[T_DESCRIPTOR];
  if (!d) throw new DicomError("MISSING_ATTRIBUTE", `${where} has no LUT Descriptor (0028,3002)`);
  if (d.length !== 6) throw new DicomError("BAD_ATTRIBUTE", `${kind} Descriptor (0028,3002) must have 3 values (6 bytes), it has ${d.length} bytes`);
  const rawEntries = item.uint16(T_DESCRIPTOR, 0) ?? 0;
  const rawFirst = item.uint16(T_DESCRIPTOR, 1) ?? 0;
  const bits = item.uint16(T_DESCRIPTOR, 2) ?? 0;
  const entries = rawEntries === 0 ? 65536 : rawEntries; // C.11.1.1.1: 0 means 2^16 entries
  const firstMapped = signedInput || d.vr === "SS" ? (rawFirst << 16) >> 16 : rawFirst; // SS: two's complement
  if (bits < 8 || bits > 16) throw new DicomError("BAD_ATTRIBUTE", `${kind} Descriptor says ${bits} bits per entry; DICOM allows 8 to 16`);
  const dataEl = item.elements[T_DATA];
  if (!dataEl || dataEl.length === 0) throw new DicomError("MISSING_ATTRIBUTE", `${where} has no LUT Data (0028,3006)`);
  const words = dataEl.length >> 1;
  const data = new Uint16Array(entries);
  if (words >= entries) {
    for (let i = 0; i < entries; i++) data[i] = item.uint16(T_DATA, i) ?? 0; // one entry per 16-bit word (byte order of the transfer syntax)
  } else if (bits === 8 && dataEl.length >= entries) {
    // 8-bit entries packed two per OW word (C.11.1.1.1 allows 8-bit LUT Data); little endian: first entry in the low byte
    const bytes = item.byteArray;
    for (let i = 0; i < entries; i++) data[i] = bytes[dataEl.dataOffset + i];
  } else {
    throw new DicomError("BAD_ATTRIBUTE", `${kind} Descriptor says ${entries} entries but LUT Data has ${words}`);
  }
  const top = 2 ** bits - 1;
  for (let i = 0; i < entries; i++)
    if (data[i] > top) throw new DicomError("BAD_ATTRIBUTE", `${kind} Data entry ${i} is ${data[i]}, more than the ${bits} bits per entry the Descriptor declares allow (max ${top})`);
  return {
    kind,
    entries,
    firstMapped,
    bitsPerEntry: bits,
    data,
    explanation: str(item, T_EXPLANATION) ?? null,
    lutType: kind === "Modality LUT" ? (str(item, T_MODALITY_TYPE) ?? null) : null,
  };
}

function sequenceItems(ds: DataSet, t: string): DataSet[] {
  const seq = ds.elements[t];
  if (!seq) return [];
  return (seq.items ?? []).map((it) => it.dataSet).filter((x): x is DataSet => !!x);
}

/** Modality LUT Sequence (0028,3000), first item (the standard allows exactly one), or null when absent. */
export function readModalityLut(ds: DataSet, pixelRepresentation: number): Lut | null {
  const items = sequenceItems(ds, tag(0x0028, 0x3000));
  if (ds.elements[tag(0x0028, 0x3000)] && items.length === 0) throw new DicomError("BAD_ATTRIBUTE", "Modality LUT Sequence (0028,3000) is present but has no item");
  return items.length ? readLutItem(items[0], "Modality LUT", 0, pixelRepresentation === 1) : null;
}

/**
 * VOI LUT Sequence (0028,3010) items. The input of a VOI LUT is the Modality LUT / rescale output; it is read as
 * signed when that output can be negative (signedInput).
 */
export function readVoiLuts(ds: DataSet, signedInput: boolean): Lut[] {
  const items = sequenceItems(ds, tag(0x0028, 0x3010));
  if (ds.elements[tag(0x0028, 0x3010)] && items.length === 0) throw new DicomError("BAD_ATTRIBUTE", "VOI LUT Sequence (0028,3010) is present but has no item");
  return items.map((it, i) => readLutItem(it, "VOI LUT", i, signedInput));
}

/** y = LUT(x): data[0] below the first mapped value, data[last] above the last, data[round(x) - first] between. */
export function lutLookup(l: Lut, x: number): number {
  const i = Math.round(x) - l.firstMapped; // inputs are integers for stored values; rounded otherwise
  return l.data[i <= 0 ? 0 : i >= l.entries ? l.entries - 1 : i];
}

/** The Modality LUT Sequence is used only when present and the file has no Rescale Slope/Intercept (C.11.1: alternatives). */
export function usesModalityLut(ds: DataSet): boolean {
  const has = (t: string) => (ds.elements[t]?.length ?? 0) > 0;
  return !!ds.elements[tag(0x0028, 0x3000)] && !has(tag(0x0028, 0x1052)) && !has(tag(0x0028, 0x1053));
}

/** Whether VOI LUT input values (the Modality LUT / rescale output) can be negative, so its first mapped value is SS. */
export function voiInputSigned(ds: DataSet, pixelRepresentation: number, modalityLut: Lut | null): boolean {
  if (modalityLut) return false; // a Modality LUT outputs 0 .. 2^bits - 1
  const slope = Number(str(ds, tag(0x0028, 0x1053)) ?? 1);
  const intercept = Number(str(ds, tag(0x0028, 0x1052)) ?? 0);
  return pixelRepresentation === 1 || intercept < 0 || slope < 0;
}
