// Compressed-frame decoders: the cornerstone WASM codecs (OpenJPEG, CharLS, libjpeg-turbo 8-bit),
// jpeg-lossless-decoder-js (process 14, any predictor), our own T.81 DCT decoder for 12-bit JPEG
// and our own RLE decoder. WASM modules are loaded once, from node_modules, without network: the
// .wasm bytes are read from disk and passed as `wasmBinary`.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { decodeJpegExtended } from "./jpeg-extended.ts";
import { DicomError, wrapError } from "./errors.ts";

const require = createRequire(import.meta.url);

/** What every frame decoder returns: samples in stored order (pixel-interleaved if >1 sample). */
export type DecodedFrame = {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  signed: boolean;
  /** Uint8Array for <= 8 bits, Uint16Array/Int16Array for 9-16 bits */
  data: Uint8Array | Uint16Array | Int16Array;
};

type FrameInfo = { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
type WasmDecoder = {
  getEncodedBuffer(n: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  delete(): void;
};
type WasmModule = Record<string, new () => WasmDecoder>;

const modules = new Map<string, Promise<WasmModule>>();

function loadWasm(pkg: string, base: string): Promise<WasmModule> {
  let p = modules.get(pkg);
  if (!p) {
    p = (async () => {
      const dir = dirname(require.resolve(/* turbopackIgnore: true */ pkg)); // package "main" lives in dist/
      // turbopackIgnore: resolved at run time from node_modules (the codec packages are serverExternalPackages)
      const factoryMod = require(/* turbopackIgnore: true */ join(dir, `${base}.js`)) as unknown;
      const factory = ((factoryMod as { default?: unknown }).default ?? factoryMod) as (m: object) => Promise<WasmModule>;
      const wasmBinary = readFileSync(join(dir, `${base}.wasm`));
      // print/printErr silenced: codecs write diagnostics for corrupt streams to stdout otherwise
      return factory({ wasmBinary, print: () => {}, printErr: () => {} });
    })();
    modules.set(pkg, p);
    p.catch(() => modules.delete(pkg));
  }
  return p;
}

async function runWasm(pkg: string, base: string, cls: string, encoded: Uint8Array, what: string): Promise<DecodedFrame> {
  let mod: WasmModule;
  try {
    mod = await loadWasm(pkg, base);
  } catch (e) {
    throw wrapError(e, "UNSUPPORTED_TRANSFER_SYNTAX", `the ${what} codec could not be loaded`);
  }
  const Ctor = mod[cls];
  const dec = new Ctor();
  try {
    dec.getEncodedBuffer(encoded.length).set(encoded);
    dec.decode();
    const info = dec.getFrameInfo();
    const raw = dec.getDecodedBuffer();
    const bytes = raw.slice(); // copy out of WASM memory before delete()
    const bps = info.bitsPerSample;
    let data: Uint8Array | Uint16Array | Int16Array;
    if (bps <= 8) data = bytes;
    else {
      const n = Math.floor(bytes.length / 2);
      data = info.isSigned ? new Int16Array(bytes.buffer, bytes.byteOffset, n) : new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    }
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: bps, signed: !!info.isSigned, data };
  } catch (e) {
    throw wrapError(e, "BAD_PIXEL_DATA", `${what} decoding failed`);
  } finally {
    try {
      dec.delete();
    } catch {
      /* ignore */
    }
  }
}

export function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedFrame> {
  return runWasm("@cornerstonejs/codec-openjpeg", "openjpegwasm_decode", "J2KDecoder", encoded, "JPEG 2000");
}

export function decodeJpegLs(encoded: Uint8Array): Promise<DecodedFrame> {
  return runWasm("@cornerstonejs/codec-charls", "charlswasm_decode", "JpegLSDecoder", encoded, "JPEG-LS");
}

/** 8-bit baseline JPEG via libjpeg-turbo; colour files come back as RGB (libjpeg converts YCbCr). */
export function decodeJpegBaseline8(encoded: Uint8Array): Promise<DecodedFrame> {
  return runWasm("@cornerstonejs/codec-libjpeg-turbo-8bit", "libjpegturbowasm_decode", "JPEGDecoder", encoded, "JPEG baseline");
}

/** 8- or 12-bit sequential DCT JPEG via our own decoder (see jpeg-extended.ts for why). */
export function decodeJpegDct(encoded: Uint8Array, maxPixels: number): DecodedFrame {
  try {
    const f = decodeJpegExtended(encoded, maxPixels);
    const data = f.precision <= 8 ? Uint8Array.from(f.data) : f.data;
    return { width: f.width, height: f.height, components: f.components, bitsPerSample: f.precision, signed: false, data };
  } catch (e) {
    throw wrapError(e, "BAD_PIXEL_DATA", "JPEG decoding failed");
  }
}

type LosslessDecoder = { decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): ArrayBuffer | Uint8Array | Uint16Array; frame?: { precision?: number; dimX?: number; dimY?: number; numComp?: number } };

/** JPEG lossless (process 14, any selection value) via jpeg-lossless-decoder-js. */
export function decodeJpegLossless(encoded: Uint8Array, bytesPerSample: 1 | 2, signed: boolean): DecodedFrame {
  try {
    const lib = require("jpeg-lossless-decoder-js") as { Decoder: new () => LosslessDecoder };
    const dec = new lib.Decoder();
    const copy = encoded.slice();
    const out = dec.decode(copy.buffer, 0, copy.length, bytesPerSample);
    const ab = out instanceof ArrayBuffer ? out : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    const fr = dec.frame ?? {};
    const data = bytesPerSample === 1 ? new Uint8Array(ab) : signed ? new Int16Array(ab) : new Uint16Array(ab);
    return { width: fr.dimX ?? 0, height: fr.dimY ?? 0, components: fr.numComp ?? 1, bitsPerSample: fr.precision ?? bytesPerSample * 8, signed, data };
  } catch (e) {
    throw wrapError(e, "BAD_PIXEL_DATA", "JPEG lossless decoding failed");
  }
}

/**
 * DICOM RLE Lossless (PS3.5 Annex G): 64-byte header (segment count + 15 offsets), one PackBits
 * segment per byte plane, most significant byte plane first. Our own: no npm codec for it in Node.
 */
export function decodeRle(encoded: Uint8Array, rows: number, cols: number, samples: number, bytesPerSample: number): Uint8Array {
  if (encoded.length < 64) throw new DicomError("BAD_PIXEL_DATA", `RLE frame is truncated: header needs 64 bytes, found ${encoded.length}`);
  const dv = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const nseg = dv.getUint32(0, true);
  const expected = samples * bytesPerSample;
  if (nseg !== expected) throw new DicomError("BAD_PIXEL_DATA", `RLE frame has ${nseg} segments, expected ${expected}`);
  const npix = rows * cols;
  const out = new Uint8Array(npix * expected); // little-endian, pixel-interleaved samples
  for (let s = 0; s < nseg; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < nseg ? dv.getUint32(8 + 4 * s, true) : encoded.length;
    if (start < 64 || start > encoded.length || end > encoded.length || end < start)
      throw new DicomError("BAD_PIXEL_DATA", `RLE segment ${s + 1} offset ${start} is outside the frame (${encoded.length} bytes)`);
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // segment 0 = MSB
    const stride = expected;
    let o = sample * bytesPerSample + byteInSample;
    let n = 0;
    let p = start;
    while (p < end && n < npix) {
      const h = encoded[p++];
      if (h < 128) {
        // literal run of h+1 bytes
        const cnt = Math.min(h + 1, end - p, npix - n);
        for (let i = 0; i < cnt; i++, o += stride) out[o] = encoded[p + i];
        p += h + 1;
        n += cnt;
      } else if (h > 128) {
        // replicate next byte 257-h times
        if (p >= end) break;
        const b = encoded[p++];
        const cnt = Math.min(257 - h, npix - n);
        for (let i = 0; i < cnt; i++, o += stride) out[o] = b;
        n += cnt;
      } // h === 128: no-op
    }
    if (n < npix) throw new DicomError("BAD_PIXEL_DATA", `RLE segment ${s + 1} is truncated: decoded ${n} of ${npix} bytes`);
  }
  return out;
}
