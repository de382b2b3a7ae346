// DICOM Part 10 parsing (dicom-parser) with checks a hostile upload cannot get past: preamble + "DICM",
// capped inflation of deflated files, every error turned into a typed DicomError.
import dicomParser from "dicom-parser";
import type { DataSet, Element } from "dicom-parser";
import { inflateRawSync } from "node:zlib";
import { DicomError, wrapError } from "./errors.ts";

export type { DataSet, Element };

/** Transfer syntaxes whose pixel data we can decode, with how. */
export const TRANSFER_SYNTAXES: Record<string, { name: string; kind: "native" | "rle" | "jpeg-dct" | "jpeg-lossless" | "jpeg-ls" | "j2k"; lossy: boolean }> = {
  "1.2.840.10008.1.2": { name: "Implicit VR Little Endian", kind: "native", lossy: false },
  "1.2.840.10008.1.2.1": { name: "Explicit VR Little Endian", kind: "native", lossy: false },
  "1.2.840.10008.1.2.1.99": { name: "Deflated Explicit VR Little Endian", kind: "native", lossy: false },
  "1.2.840.10008.1.2.2": { name: "Explicit VR Big Endian", kind: "native", lossy: false },
  "1.2.840.10008.1.2.5": { name: "RLE Lossless", kind: "rle", lossy: false },
  "1.2.840.10008.1.2.4.50": { name: "JPEG Baseline (Process 1)", kind: "jpeg-dct", lossy: true },
  "1.2.840.10008.1.2.4.51": { name: "JPEG Extended (Process 2 and 4)", kind: "jpeg-dct", lossy: true },
  "1.2.840.10008.1.2.4.57": { name: "JPEG Lossless, Non-Hierarchical (Process 14)", kind: "jpeg-lossless", lossy: false },
  "1.2.840.10008.1.2.4.70": { name: "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", kind: "jpeg-lossless", lossy: false },
  "1.2.840.10008.1.2.4.80": { name: "JPEG-LS Lossless Image Compression", kind: "jpeg-ls", lossy: false },
  "1.2.840.10008.1.2.4.81": { name: "JPEG-LS Lossy (Near-Lossless) Image Compression", kind: "jpeg-ls", lossy: true },
  "1.2.840.10008.1.2.4.90": { name: "JPEG 2000 Image Compression (Lossless Only)", kind: "j2k", lossy: false },
  "1.2.840.10008.1.2.4.91": { name: "JPEG 2000 Image Compression", kind: "j2k", lossy: true },
};

const UNSUPPORTED_NAMES: Record<string, string> = {
  "1.2.840.10008.1.2.4.52": "JPEG Extended 3 & 5, retired",
  "1.2.840.10008.1.2.4.53": "JPEG Spectral Selection, retired",
  "1.2.840.10008.1.2.4.55": "JPEG Full Progression, retired",
  "1.2.840.10008.1.2.4.92": "JPEG 2000 Part 2 Multi-component Lossless",
  "1.2.840.10008.1.2.4.93": "JPEG 2000 Part 2 Multi-component",
  "1.2.840.10008.1.2.4.94": "JPIP Referenced",
  "1.2.840.10008.1.2.4.95": "JPIP Referenced Deflate",
  "1.2.840.10008.1.2.4.100": "MPEG2 Main Profile",
  "1.2.840.10008.1.2.4.101": "MPEG2 High Profile",
  "1.2.840.10008.1.2.4.102": "MPEG-4 AVC/H.264",
  "1.2.840.10008.1.2.4.103": "MPEG-4 AVC/H.264 BD-compatible",
  "1.2.840.10008.1.2.4.107": "HEVC/H.265",
  "1.2.840.10008.1.2.4.110": "JPEG XL Lossless",
  "1.2.840.10008.1.2.4.112": "JPEG XL",
  "1.2.840.10008.1.2.4.201": "High-Throughput JPEG 2000 Lossless",
  "1.2.840.10008.1.2.4.202": "High-Throughput JPEG 2000 RPCL Lossless",
  "1.2.840.10008.1.2.4.203": "High-Throughput JPEG 2000",
  "1.2.840.10008.1.2.6.1": "RFC 2557 MIME encapsulation",
};

export type ParseOptions = {
  /** cap on the inflated size of a deflated data set (default 512 MiB) */
  maxInflatedBytes?: number;
};

export type DicomFile = {
  bytes: Uint8Array;
  dataSet: DataSet;
  transferSyntaxUid: string;
};

/** Tag string as dicom-parser spells it: "x" + group + element, lower-case hex. */
export const tag = (group: number, element: number) =>
  "x" + group.toString(16).padStart(4, "0") + element.toString(16).padStart(4, "0");

function hasDicmPrefix(b: Uint8Array): boolean {
  return b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

/** Parse a DICOM Part 10 byte stream. Throws DicomError (NOT_DICOM, TRUNCATED, PARSE_ERROR, TOO_LARGE). */
export function parseDicomBytes(input: Uint8Array, opts: ParseOptions = {}): DicomFile {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 132)
    throw new DicomError("NOT_DICOM", `not a DICOM Part 10 file: ${bytes.length} bytes is too short for the 128-byte preamble and "DICM" prefix`);
  if (!hasDicmPrefix(bytes)) throw new DicomError("NOT_DICOM", 'not a DICOM Part 10 file: no "DICM" prefix at byte 128');
  // the meta group first: refuse an unsupported transfer syntax by name before parsing its data set
  let metaTs: string | undefined;
  try {
    const meta = dicomParser.readPart10Header(bytes);
    metaTs = meta.string(tag(0x0002, 0x0010))?.replace(/\0/g, "").trim();
  } catch {
    metaTs = undefined; // damaged meta group: the full parse below reports it
  }
  if (metaTs && !TRANSFER_SYNTAXES[metaTs]) {
    const known = UNSUPPORTED_NAMES[metaTs] ?? (/^1\.2\.840\.10008\.1\.2\./.test(metaTs) ? "a DICOM transfer syntax Axilla does not decode" : "not a standard DICOM transfer syntax");
    throw new DicomError("UNSUPPORTED_TRANSFER_SYNTAX", `transfer syntax ${metaTs} (${known}) is not supported`);
  }
  const maxInflated = opts.maxInflatedBytes ?? 512 * 1024 * 1024;
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      inflater: (arr: Uint8Array, position: number) => {
        let inflated: Buffer;
        try {
          inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: maxInflated });
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          if (/maxOutputLength|buffer/i.test(msg)) throw new DicomError("TOO_LARGE", `deflated data set inflates to more than ${maxInflated} bytes`);
          throw new DicomError("BAD_PIXEL_DATA", `deflated data set could not be inflated: ${msg}`);
        }
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position), 0);
        full.set(inflated, position);
        return full;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (err) {
    const inner = err && typeof err === "object" && "exception" in err ? (err as { exception: unknown }).exception : err;
    if (inner instanceof DicomError) throw inner;
    const text = inner instanceof Error ? inner.message : String(inner);
    if (/Maximum call stack/i.test(text)) throw new DicomError("PARSE_ERROR", "DICOM data set has sequences nested too deeply to parse", { cause: inner });
    if (/past end of buffer|overrun|eof|end of buffer|cannot seek|beyond|truncat|greater than or equal to 'byteArray/i.test(text))
      throw new DicomError("TRUNCATED", `DICOM file is truncated or has a length beyond the end of the data (${text.replace(/^dicomParser[.:]\w*:\s*/, "")})`, { cause: inner });
    if (/missing required meta header attribute 0002,0010/.test(text))
      throw new DicomError("MISSING_ATTRIBUTE", "DICOM file meta information has no Transfer Syntax UID (0002,0010)", { cause: inner });
    if (/transfer syntax/i.test(text)) throw wrapError(inner, "UNSUPPORTED_TRANSFER_SYNTAX", "unsupported transfer syntax");
    throw wrapError(inner, "PARSE_ERROR", "DICOM data set could not be parsed");
  }
  const ts = (dataSet.string(tag(0x0002, 0x0010)) ?? "").replace(/\0/g, "").trim();
  if (!ts) throw new DicomError("MISSING_ATTRIBUTE", "DICOM file meta information has no Transfer Syntax UID (0002,0010)");
  return { bytes, dataSet, transferSyntaxUid: ts };
}

// ---- attribute accessors (undefined when absent or empty) ----

export function str(ds: DataSet, t: string, index?: number): string | undefined {
  try {
    const el = ds.elements[t];
    if (!el || el.length === 0) return undefined;
    const v = index === undefined ? ds.string(t) : ds.string(t, index);
    const s = v?.replace(/\0/g, "").trim();
    return s ? s : undefined;
  } catch {
    return undefined;
  }
}

export function us(ds: DataSet, t: string): number | undefined {
  try {
    const el = ds.elements[t];
    if (!el || el.length < 2) return undefined;
    return ds.uint16(t);
  } catch {
    return undefined;
  }
}

/** Decimal String / Integer String value (index = value number), NaN-safe. */
export function num(ds: DataSet, t: string, index = 0): number | undefined {
  const s = str(ds, t, index);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function numbers(ds: DataSet, t: string): number[] | undefined {
  const s = str(ds, t);
  if (s === undefined) return undefined;
  const parts = s.split("\\").map((x) => Number(x.trim()));
  return parts.every((x) => Number.isFinite(x)) ? parts : undefined;
}
