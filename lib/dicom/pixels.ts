// Pixel Data (7FE0,0010) -> stored values (uint8/uint16/int16), frames concatenated, pixel-interleaved
// samples, before any Modality LUT or MONOCHROME1 inversion. Every length is checked against the buffer;
// the total size is capped; codec calls are wrapped so a corrupt stream gives a DicomError.
import type { DataSet, Element } from "dicom-parser";
import { DicomError } from "./errors.ts";
import { TRANSFER_SYNTAXES, num, str, tag, us, type DicomFile } from "./parse.ts";
import { decodeJpeg2000, decodeJpegBaseline8, decodeJpegDct, decodeJpegLossless, decodeJpegLs, decodeRle, type DecodedFrame } from "./codecs.ts";

export type StoredPixels = {
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: 0 | 1;
  /** Photometric Interpretation of `data` (colour JPEG is returned as RGB) */
  photometric: string;
  /** declared in the header (may differ from `photometric` for colour JPEG) */
  declaredPhotometric: string;
  transferSyntaxUid: string;
  lossy: boolean;
  /** rows*columns*frames*samplesPerPixel stored values */
  data: Uint8Array | Uint16Array | Int16Array;
};

export type DecodeOptions = {
  /** cap on rows*columns*frames*samplesPerPixel (default 2^27 = 134M values, ~1 GB as float64) */
  maxValues?: number;
};

const PIXEL_DATA = tag(0x7fe0, 0x0010);

export type PixelHeader = Omit<StoredPixels, "data" | "photometric" | "lossy">;

/** Validated image-pixel-module attributes; throws MISSING_ATTRIBUTE / UNSUPPORTED_PIXEL_FORMAT / TOO_LARGE. */
export function readPixelHeader(file: DicomFile, opts: DecodeOptions = {}): PixelHeader {
  const ds = file.dataSet;
  const need = (t: string, name: string) => {
    const v = us(ds, t);
    if (v === undefined) throw new DicomError("MISSING_ATTRIBUTE", `missing required attribute ${name} (${t.slice(1, 5)},${t.slice(5)})`);
    return v;
  };
  const rows = need(tag(0x0028, 0x0010), "Rows");
  const columns = need(tag(0x0028, 0x0011), "Columns");
  const bitsAllocated = need(tag(0x0028, 0x0100), "BitsAllocated");
  const bitsStored = us(ds, tag(0x0028, 0x0101)) ?? bitsAllocated;
  const highBit = us(ds, tag(0x0028, 0x0102)) ?? bitsStored - 1;
  const pr = us(ds, tag(0x0028, 0x0103)) ?? 0;
  const spp = us(ds, tag(0x0028, 0x0002)) ?? 1;
  const frames = Math.trunc(num(ds, tag(0x0028, 0x0008)) ?? 1);
  const photometric = (str(ds, tag(0x0028, 0x0004)) ?? (spp === 1 ? "MONOCHROME2" : "RGB")).toUpperCase();
  if (rows === 0 || columns === 0) throw new DicomError("BAD_ATTRIBUTE", `image has zero size: Rows ${rows}, Columns ${columns}`);
  if (bitsAllocated !== 8 && bitsAllocated !== 16)
    throw new DicomError("UNSUPPORTED_PIXEL_FORMAT", `BitsAllocated ${bitsAllocated} is not supported (8 or 16)`);
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new DicomError("BAD_ATTRIBUTE", `BitsStored ${bitsStored} is not within 1..BitsAllocated (${bitsAllocated})`);
  if (pr !== 0 && pr !== 1) throw new DicomError("BAD_ATTRIBUTE", `PixelRepresentation ${pr} is not 0 or 1`);
  if (spp !== 1 && spp !== 3) throw new DicomError("UNSUPPORTED_PIXEL_FORMAT", `SamplesPerPixel ${spp} is not supported (1 or 3)`);
  if (spp === 3 && pr === 1) throw new DicomError("UNSUPPORTED_PIXEL_FORMAT", "signed colour pixel data is not supported");
  if (!Number.isFinite(frames) || frames < 1) throw new DicomError("BAD_ATTRIBUTE", `NumberOfFrames ${frames} is not a positive integer`);
  if (photometric === "PALETTE COLOR") throw new DicomError("UNSUPPORTED_PIXEL_FORMAT", "PALETTE COLOR images are not supported");
  const maxValues = opts.maxValues ?? 2 ** 27;
  const total = rows * columns * frames * spp;
  if (total > maxValues)
    throw new DicomError("TOO_LARGE", `image is too large: ${rows} x ${columns} x ${frames} frame(s) x ${spp} sample(s) exceeds the limit of ${maxValues} values`);
  return {
    rows,
    columns,
    frames,
    samplesPerPixel: spp,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: pr as 0 | 1,
    declaredPhotometric: photometric,
    transferSyntaxUid: file.transferSyntaxUid,
  };
}

function storedRange(h: PixelHeader): [number, number] {
  return h.pixelRepresentation === 1 ? [-(2 ** (h.bitsStored - 1)), 2 ** (h.bitsStored - 1) - 1] : [0, 2 ** h.bitsStored - 1];
}

function allocStored(h: PixelHeader, n: number): Uint8Array | Uint16Array | Int16Array {
  if (h.bitsAllocated === 8) return new Uint8Array(n);
  return h.pixelRepresentation === 1 ? new Int16Array(n) : new Uint16Array(n);
}

/** Decode all frames of the pixel data. Async because the WASM codecs load asynchronously. */
export async function decodeStoredPixels(file: DicomFile, opts: DecodeOptions = {}): Promise<StoredPixels> {
  const h = readPixelHeader(file, opts);
  const ts = TRANSFER_SYNTAXES[h.transferSyntaxUid];
  if (!ts) throw new DicomError("UNSUPPORTED_TRANSFER_SYNTAX", `transfer syntax ${h.transferSyntaxUid} is not supported`);
  const el = file.dataSet.elements[PIXEL_DATA];
  if (!el) throw new DicomError("MISSING_ATTRIBUTE", "the file has no Pixel Data (7FE0,0010)");
  const perFrame = h.rows * h.columns * h.samplesPerPixel;
  let photometric = h.declaredPhotometric;
  let out: Uint8Array | Uint16Array | Int16Array;
  if (ts.kind === "native") {
    if (el.encapsulatedPixelData) throw new DicomError("BAD_PIXEL_DATA", `pixel data is encapsulated but transfer syntax ${h.transferSyntaxUid} (${ts.name}) is native`);
    checkNativeLength(file.dataSet, el, h); // before allocating: a tiny file cannot make us allocate a huge buffer
    out = allocStored(h, perFrame * h.frames);
    readNative(file.dataSet, el, h, out);
  } else {
    if (!el.encapsulatedPixelData || !el.fragments)
      throw new DicomError("BAD_PIXEL_DATA", `transfer syntax ${h.transferSyntaxUid} (${ts.name}) requires encapsulated pixel data, but the pixel data is native`);
    const frames = splitFrames(file.dataSet, el, h.frames);
    out = allocStored(h, perFrame * h.frames);
    for (let f = 0; f < h.frames; f++) {
      const enc = frames[f];
      const target = out.subarray(f * perFrame, (f + 1) * perFrame);
      const p = await decodeFrame(ts.kind, h, enc, target, f);
      if (p) photometric = p;
    }
  }
  return { ...h, photometric, lossy: ts.lossy || str(file.dataSet, tag(0x0028, 0x2110)) === "01", data: out };
}

function checkNativeLength(ds: DataSet, el: Element, h: PixelHeader) {
  const expected = h.rows * h.columns * h.samplesPerPixel * h.frames * (h.bitsAllocated / 8);
  const available = Math.max(0, Math.min(el.length, ds.byteArray.length - el.dataOffset));
  if (available < expected || el.dataOffset + expected > ds.byteArray.length)
    throw new DicomError("TRUNCATED", `pixel data is truncated: expected ${expected} bytes, found ${available}`);
}

function readNative(ds: DataSet, el: Element, h: PixelHeader, out: Uint8Array | Uint16Array | Int16Array) {
  const bytesPer = h.bitsAllocated / 8;
  const n = out.length;
  const buf = ds.byteArray;
  const bigEndian = h.transferSyntaxUid === "1.2.840.10008.1.2.2";
  const [lo, hi] = storedRange(h);
  const planar = h.samplesPerPixel === 3 && (us(ds, tag(0x0028, 0x0006)) ?? 0) === 1;
  const off = el.dataOffset;
  const mask = 2 ** h.bitsStored - 1;
  const signBit = 2 ** (h.bitsStored - 1);
  const perFrame = h.rows * h.columns * h.samplesPerPixel;
  const npix = h.rows * h.columns;
  for (let i = 0; i < n; i++) {
    // source index: planar colour stores R plane, G plane, B plane per frame
    let src = i;
    if (planar) {
      const f = Math.floor(i / perFrame);
      const r = i - f * perFrame;
      const p = Math.floor(r / 3);
      const s = r - p * 3;
      src = f * perFrame + s * npix + p;
    }
    let v: number;
    if (bytesPer === 1) v = buf[off + src];
    else {
      const a = off + 2 * src;
      v = bigEndian ? (buf[a] << 8) | buf[a + 1] : buf[a] | (buf[a + 1] << 8);
    }
    // bits above the high bit are not pixel data (PS3.5 8.1.1): mask, then sign-extend signed data
    if (h.bitsStored < h.bitsAllocated || h.pixelRepresentation === 1) {
      v = v & mask;
      if (h.pixelRepresentation === 1 && v >= signBit) v -= 2 * signBit;
    }
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/** Group fragments into frames: one frame -> all fragments; else offset table, one per frame, or by codestream start markers. */
function splitFrames(ds: DataSet, el: Element, nFrames: number): Uint8Array[] {
  const frags = el.fragments ?? [];
  const buf = ds.byteArray;
  if (frags.length === 0) throw new DicomError("BAD_PIXEL_DATA", "encapsulated pixel data has no fragments");
  const bytesOf = (list: typeof frags) => {
    let total = 0;
    for (const f of list) {
      if (f.position < 0 || f.position + f.length > buf.length)
        throw new DicomError("TRUNCATED", `pixel data is truncated: fragment at byte ${f.position} declares ${f.length} bytes, only ${Math.max(0, buf.length - f.position)} present`);
      total += f.length;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const f of list) {
      out.set(buf.subarray(f.position, f.position + f.length), o);
      o += f.length;
    }
    return out;
  };
  if (nFrames === 1) return [bytesOf(frags)];
  const groups: (typeof frags)[] = [];
  const bot = el.basicOffsetTable ?? [];
  if (bot.length === nFrames) {
    for (let i = 0; i < nFrames; i++) {
      const start = bot[i];
      const end = i + 1 < nFrames ? bot[i + 1] : Infinity;
      groups.push(frags.filter((f) => f.offset >= start && f.offset < end));
    }
  } else if (frags.length === nFrames) {
    for (const f of frags) groups.push([f]);
  } else {
    // a fragment that starts with a codestream marker (JPEG SOI FFD8 / J2K SOC FF4F / JP2 box) opens a new frame
    let cur: typeof frags = [];
    for (const f of frags) {
      const b0 = buf[f.position];
      const b1 = buf[f.position + 1];
      const starts = b0 === 0xff && (b1 === 0xd8 || b1 === 0x4f);
      const jp2 = buf[f.position + 4] === 0x6a && buf[f.position + 5] === 0x50;
      if ((starts || jp2) && cur.length) {
        groups.push(cur);
        cur = [];
      }
      cur.push(f);
    }
    if (cur.length) groups.push(cur);
  }
  if (groups.length < nFrames || groups.slice(0, nFrames).some((g) => g.length === 0))
    throw new DicomError("BAD_PIXEL_DATA", `pixel data holds ${groups.filter((g) => g.length).length} frame(s), NumberOfFrames says ${nFrames}`);
  return groups.slice(0, nFrames).map(bytesOf);
}

/** Scan a JPEG stream's SOF header: [precision, rows, cols, components, sofMarker] or null. Bounded. */
export function jpegSof(b: Uint8Array): [number, number, number, number, number] | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let p = 2;
  while (p + 9 < b.length) {
    if (b[p] !== 0xff) {
      p++;
      continue;
    }
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      return [b[p + 4], (b[p + 5] << 8) | b[p + 6], (b[p + 7] << 8) | b[p + 8], b[p + 9], m];
    if (m === 0xd8 || (m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      p += 2;
      continue;
    }
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  return null;
}

async function decodeFrame(kind: string, h: PixelHeader, enc: Uint8Array, target: Uint8Array | Uint16Array | Int16Array, f: number): Promise<string | undefined> {
  const where = h.frames > 1 ? ` (frame ${f + 1})` : "";
  const spp = h.samplesPerPixel;
  let photometric: string | undefined;
  if (kind === "rle") {
    const bytesPer = h.bitsAllocated / 8;
    const raw = decodeRle(enc, h.rows, h.columns, spp, bytesPer);
    const [lo, hi] = storedRange(h);
    for (let i = 0; i < target.length; i++) {
      let v = bytesPer === 1 ? raw[i] : raw[2 * i] | (raw[2 * i + 1] << 8);
      if (h.pixelRepresentation === 1 && bytesPer === 2 && v >= 0x8000) v -= 0x10000;
      target[i] = v < lo ? lo : v > hi ? hi : v;
    }
    return undefined;
  }
  let dec: DecodedFrame;
  if (kind === "jpeg-dct" || kind === "jpeg-lossless") {
    const sof = jpegSof(enc);
    if (!sof) throw new DicomError("BAD_PIXEL_DATA", `JPEG frame${where} has no SOI/SOF header`);
    const [precision, rows, cols, nc, marker] = sof;
    if (rows !== h.rows || cols !== h.columns)
      throw new DicomError("BAD_PIXEL_DATA", `JPEG frame${where} is ${cols}x${rows}, header says ${h.columns}x${h.rows}`);
    if (nc !== spp) throw new DicomError("BAD_PIXEL_DATA", `JPEG frame${where} has ${nc} component(s), SamplesPerPixel is ${spp}`);
    if (marker === 0xc3) dec = decodeJpegLossless(enc, precision > 8 ? 2 : 1, h.pixelRepresentation === 1);
    else if (precision === 8 && marker === 0xc0 && !(spp === 3 && h.declaredPhotometric === "RGB")) {
      // 8-bit baseline: libjpeg-turbo. It converts YCbCr (YBR_FULL/_422) to RGB, so report RGB for colour.
      dec = await decodeJpegBaseline8(enc);
      if (spp === 3) photometric = "RGB";
    } else {
      // 12-bit (process 2/4), SOF1, or RGB-declared colour: our decoder, which applies no colour transform
      // (libjpeg would treat untransformed RGB components as YCbCr when there is no Adobe marker)
      dec = decodeJpegDct(enc, h.rows * h.columns);
      if (spp === 3 && h.declaredPhotometric.startsWith("YBR")) photometric = "YBR_FULL"; // upsampled, untransformed
    }
  } else if (kind === "jpeg-ls") {
    const dims = jpegLsDims(enc);
    if (dims && (dims[0] !== h.rows || dims[1] !== h.columns))
      throw new DicomError("BAD_PIXEL_DATA", `JPEG-LS frame${where} is ${dims[1]}x${dims[0]}, header says ${h.columns}x${h.rows}`);
    dec = await decodeJpegLs(enc);
  } else {
    const dims = j2kDims(enc);
    if (dims && (dims[0] !== h.rows || dims[1] !== h.columns))
      throw new DicomError("BAD_PIXEL_DATA", `JPEG 2000 frame${where} is ${dims[1]}x${dims[0]}, header says ${h.columns}x${h.rows}`);
    dec = await decodeJpeg2000(enc);
    if (spp === 3 && (h.declaredPhotometric === "YBR_ICT" || h.declaredPhotometric === "YBR_RCT")) photometric = "RGB"; // OpenJPEG applies the MCT
  }
  if (dec.width !== h.columns || dec.height !== h.rows)
    throw new DicomError("BAD_PIXEL_DATA", `decoded frame${where} is ${dec.width}x${dec.height}, header says ${h.columns}x${h.rows}`);
  if (dec.components !== spp) throw new DicomError("BAD_PIXEL_DATA", `decoded frame${where} has ${dec.components} component(s), SamplesPerPixel is ${spp}`);
  const src = dec.data;
  if (src.length < target.length)
    throw new DicomError("BAD_PIXEL_DATA", `decoded frame${where} holds ${src.length} values, expected ${target.length}`);
  // codec values -> stored type: sign-extend unsigned codec output of signed data, then clamp (not mask)
  // lossy output to the BitsStored range (a lossy overshoot must not wrap around)
  const [lo, hi] = storedRange(h);
  const signed = h.pixelRepresentation === 1;
  const bits = h.bitsStored;
  const signBit = 2 ** (bits - 1);
  const codecUnsignedSigned = signed && !dec.signed && bits < 16;
  for (let i = 0; i < target.length; i++) {
    let v = src[i];
    if (signed && !dec.signed && dec.data instanceof Uint16Array && v >= 0x8000 && bits === 16) v -= 0x10000;
    else if (codecUnsignedSigned && v >= signBit && v < 2 * signBit) v -= 2 * signBit;
    target[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return photometric;
}

/** JPEG-LS SOF55 (FFF7) -> [rows, cols] (checked before the codec allocates). */
function jpegLsDims(b: Uint8Array): [number, number] | null {
  for (let p = 2; p + 8 < b.length && p < 65536; p++) if (b[p] === 0xff && b[p + 1] === 0xf7) return [(b[p + 5] << 8) | b[p + 6], (b[p + 7] << 8) | b[p + 8]];
  return null;
}

/** J2K codestream SIZ (FF4F FF51): [Ysiz - YOsiz, Xsiz - XOsiz]; null for a JP2 file wrapper. */
function j2kDims(b: Uint8Array): [number, number] | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0x4f) return null;
  if (b.length < 24 || b[2] !== 0xff || b[3] !== 0x51) throw new DicomError("BAD_PIXEL_DATA", "JPEG 2000 codestream has no SIZ marker after SOC");
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return [dv.getUint32(12) - dv.getUint32(20), dv.getUint32(8) - dv.getUint32(16)];
}
