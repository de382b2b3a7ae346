// JPEG baseline / extended sequential Huffman DCT decoder (ITU T.81 processes 1, 2 and 4), 8- and 12-bit.
//
// Why our own: DICOM 1.2.840.10008.1.2.4.51 (the WG04 *_JPLY files) is 12-bit JPEG. The cornerstone
// libjpeg-turbo WASM build is 8-bit only; the 12-bit decoder inside @cornerstonejs/dicom-image-loader
// (pdf.js-derived) is not an exported module and drags in the whole browser loader (cornerstone core,
// workers); daikon bundles its own copy of the same pdf.js code plus jQuery-era globals; jpeg-js clamps
// output to 8 bits. T.81 sequential Huffman decoding is compact (~300 lines), so it lives here, with
// every length guarded against the buffer. Progressive and arithmetic-coded JPEG are rejected.
// The IDCT is the exact separable float form (A.3.3), not an integer approximation.

export class JpegError extends Error {
  override name = "JpegError";
}

type Huffman = { maxcode: Int32Array; valptr: Int32Array; mincode: Int32Array; values: Uint8Array; lut: Uint16Array };
const LUT_BITS = 9; // codes up to 9 bits resolve with one table look-up: (length << 8) | symbol
type Component = {
  id: number;
  h: number;
  v: number;
  tq: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  coeffs: Int16Array | Int32Array; // blocksPerColumn*blocksPerLine*64, zig-zag order resolved to natural order
  pred: number;
  dcTable?: Huffman;
  acTable?: Huffman;
};

export type JpegFrame = {
  width: number;
  height: number;
  precision: number;
  components: number;
  /** component-interleaved samples (pixel-interleaved for >1 component), full resolution, no colour transform */
  data: Uint16Array;
};

const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42,
  49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

// IDCT basis: COS[x*8+u] = C(u) * cos((2x+1) u pi / 16) / 2, C(0) = 1/sqrt(2), else 1 (T.81 A.3.3)
const COS = new Float64Array(64);
for (let x = 0; x < 8; x++)
  for (let u = 0; u < 8; u++) COS[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  // T.81 Annex C / F.2.2.3: canonical codes, maxcode/valptr per code length
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valptr[len] = k;
    mincode[len] = code;
    code += n;
    k += n;
    maxcode[len] = n > 0 ? code - 1 : -1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  const lut = new Uint16Array(1 << LUT_BITS);
  for (let len = 1; len <= LUT_BITS; len++) {
    for (let i = 0; i < counts[len - 1]; i++) {
      const code = mincode[len] + i;
      const sym = values[valptr[len] + i] ?? 0;
      const shift = LUT_BITS - len;
      for (let f = 0; f < 1 << shift; f++) lut[(code << shift) | f] = (len << 8) | sym;
    }
  }
  return { maxcode, valptr, mincode, values, lut };
}

/** Decode one JPEG (SOF0/SOF1) codestream. Throws JpegError on anything malformed or unsupported. */
export function decodeJpegExtended(buf: Uint8Array, maxPixels = 2 ** 28): JpegFrame {
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new JpegError(`JPEG stream is truncated at byte ${pos} (need ${n} more, have ${buf.length - pos})`);
  };
  const u16 = () => {
    need(2);
    const v = (buf[pos] << 8) | buf[pos + 1];
    pos += 2;
    return v;
  };
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw new JpegError("not a JPEG stream (no SOI marker)");
  pos = 2;
  const qt: (Int32Array | undefined)[] = [];
  const dcT: (Huffman | undefined)[] = [];
  const acT: (Huffman | undefined)[] = [];
  let frame: { width: number; height: number; precision: number; comps: Component[]; hmax: number; vmax: number; mcusX: number; mcusY: number } | null = null;
  let restartInterval = 0;
  let sawScan = false;

  for (;;) {
    need(2);
    if (buf[pos] !== 0xff) {
      // tolerate fill bytes / garbage between segments by scanning to the next marker
      pos++;
      continue;
    }
    const marker = buf[pos + 1];
    pos += 2;
    if (marker === 0xff || marker === 0x00) {
      pos--;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    if (marker >= 0xd0 && marker <= 0xd7) continue; // stray RST
    const len = u16();
    if (len < 2) throw new JpegError(`bad JPEG segment length ${len}`);
    need(len - 2);
    const end = pos + len - 2;
    switch (marker) {
      case 0xdb: {
        // DQT
        while (pos < end) {
          const pq = buf[pos] >> 4;
          const tq = buf[pos] & 15;
          pos++;
          if (tq > 3) throw new JpegError(`bad quantisation table id ${tq}`);
          const t = new Int32Array(64);
          for (let i = 0; i < 64; i++) {
            if (pq === 0) {
              if (pos + 1 > end) throw new JpegError("DQT segment is truncated");
              t[ZIGZAG[i]] = buf[pos++];
            } else {
              if (pos + 2 > end) throw new JpegError("DQT segment is truncated");
              t[ZIGZAG[i]] = (buf[pos] << 8) | buf[pos + 1];
              pos += 2;
            }
          }
          qt[tq] = t;
        }
        break;
      }
      case 0xc4: {
        // DHT
        while (pos < end) {
          if (pos + 17 > end) throw new JpegError("DHT segment is truncated");
          const tc = buf[pos] >> 4;
          const th = buf[pos] & 15;
          const counts = buf.subarray(pos + 1, pos + 17);
          let total = 0;
          for (let i = 0; i < 16; i++) total += counts[i];
          pos += 17;
          if (total > 256 || pos + total > end) throw new JpegError("DHT segment is truncated or has too many codes");
          if (th > 3 || tc > 1) throw new JpegError(`bad Huffman table id ${tc}/${th}`);
          const table = buildHuffman(new Uint8Array(counts), buf.slice(pos, pos + total));
          pos += total;
          (tc === 0 ? dcT : acT)[th] = table;
        }
        break;
      }
      case 0xc0:
      case 0xc1: {
        if (frame) throw new JpegError("more than one frame header");
        if (len < 8) throw new JpegError("SOF segment is truncated");
        const precision = buf[pos];
        const height = (buf[pos + 1] << 8) | buf[pos + 2];
        const width = (buf[pos + 3] << 8) | buf[pos + 4];
        const nc = buf[pos + 5];
        pos += 6;
        if (precision !== 8 && precision !== 12) throw new JpegError(`JPEG sample precision ${precision} is not 8 or 12`);
        if (width === 0 || height === 0) throw new JpegError("JPEG frame has zero width or height (DNL not supported)");
        if (width * height > maxPixels) throw new JpegError(`JPEG frame ${width}x${height} exceeds the size limit`);
        if (nc < 1 || nc > 4 || len !== 8 + 3 * nc) throw new JpegError(`bad JPEG component count ${nc}`);
        const comps: Component[] = [];
        let hmax = 1;
        let vmax = 1;
        for (let i = 0; i < nc; i++) {
          const h = buf[pos + 1] >> 4;
          const v = buf[pos + 1] & 15;
          if (h < 1 || h > 4 || v < 1 || v > 4) throw new JpegError("bad JPEG sampling factors");
          comps.push({ id: buf[pos], h, v, tq: buf[pos + 2] & 3, blocksPerLine: 0, blocksPerColumn: 0, coeffs: new Int16Array(0), pred: 0 });
          hmax = Math.max(hmax, h);
          vmax = Math.max(vmax, v);
          pos += 3;
        }
        const mcusX = Math.ceil(width / (8 * hmax));
        const mcusY = Math.ceil(height / (8 * vmax));
        for (const c of comps) {
          c.blocksPerLine = mcusX * c.h;
          c.blocksPerColumn = mcusY * c.v;
          c.coeffs = precision === 8 ? new Int16Array(c.blocksPerLine * c.blocksPerColumn * 64) : new Int32Array(c.blocksPerLine * c.blocksPerColumn * 64);
        }
        frame = { width, height, precision, comps, hmax, vmax, mcusX, mcusY };
        break;
      }
      case 0xc2:
      case 0xc6:
      case 0xca:
      case 0xce:
        throw new JpegError("progressive JPEG is not supported");
      case 0xc3:
      case 0xc7:
      case 0xcb:
      case 0xcf:
        throw new JpegError("lossless JPEG must go to the lossless decoder");
      case 0xc5:
      case 0xc9:
      case 0xcd:
        throw new JpegError("hierarchical or arithmetic-coded JPEG is not supported");
      case 0xdd:
        if (len !== 4) throw new JpegError("bad DRI segment");
        restartInterval = (buf[pos] << 8) | buf[pos + 1];
        break;
      case 0xda: {
        if (!frame) throw new JpegError("scan before frame header");
        const ns = buf[pos];
        if (ns < 1 || ns > 4 || len !== 6 + 2 * ns) throw new JpegError("bad SOS segment");
        const scomps: Component[] = [];
        for (let i = 0; i < ns; i++) {
          const c = frame.comps.find((x) => x.id === buf[pos + 1 + 2 * i]);
          if (!c) throw new JpegError("scan refers to an unknown component");
          c.dcTable = dcT[buf[pos + 2 + 2 * i] >> 4];
          c.acTable = acT[buf[pos + 2 + 2 * i] & 15];
          if (!c.dcTable || !c.acTable) throw new JpegError("scan uses an undefined Huffman table");
          scomps.push(c);
        }
        pos = end;
        pos = decodeScan(buf, pos, frame, scomps, restartInterval);
        sawScan = true;
        continue;
      }
      default:
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
          throw new JpegError(`unsupported JPEG process (SOF marker 0x${marker.toString(16)})`);
      // APPn, COM, DNL etc.: skip
    }
    pos = end;
    if (pos >= buf.length) break;
  }
  if (!frame || !sawScan) throw new JpegError("JPEG stream has no frame or no scan");
  return reconstruct(frame, qt);
}

function decodeScan(
  buf: Uint8Array,
  start: number,
  frame: { width: number; height: number; comps: Component[]; hmax: number; vmax: number; mcusX: number; mcusY: number },
  comps: Component[],
  restartInterval: number,
): number {
  let pos = start;
  // bit accumulator: the low `nbits` bits of `acc` are unread, most significant first
  let acc = 0;
  let nbits = 0;
  let hitMarker = false;
  const fill = () => {
    while (nbits <= 24) {
      let b = 0;
      if (!hitMarker && pos < buf.length) {
        b = buf[pos];
        if (b === 0xff) {
          const nb = pos + 1 < buf.length ? buf[pos + 1] : 0xd9;
          if (nb === 0) pos += 2; // stuffed zero byte
          else {
            hitMarker = true; // a marker ends the entropy data: feed zeros (as libjpeg does), never loop
            b = 0;
          }
        } else pos++;
      }
      acc = ((acc << 8) | b) >>> 0;
      nbits += 8;
    }
  };
  const receive = (n: number): number => {
    if (n === 0) return 0;
    if (nbits < n) fill();
    nbits -= n;
    return (acc >>> nbits) & ((1 << n) - 1);
  };
  const extend = (v: number, t: number) => (t === 0 ? 0 : v < 1 << (t - 1) ? v - (1 << t) + 1 : v); // T.81 F.2.2.1 EXTEND
  const decodeHuff = (h: Huffman): number => {
    if (nbits < 16) fill();
    const e = h.lut[(acc >>> (nbits - LUT_BITS)) & ((1 << LUT_BITS) - 1)];
    if (e !== 0) {
      nbits -= e >> 8;
      return e & 255;
    }
    for (let len = LUT_BITS + 1; len <= 16; len++) {
      const code = (acc >>> (nbits - len)) & ((1 << len) - 1);
      if (code <= h.maxcode[len]) {
        nbits -= len;
        const idx = h.valptr[len] + code - h.mincode[len];
        return idx < h.values.length ? h.values[idx] : 0;
      }
    }
    nbits -= 16; // invalid code (corrupt data): consume and carry on
    return 0;
  };
  const decodeBlock = (c: Component, offset: number) => {
    const t = decodeHuff(c.dcTable!);
    const diff = t === 0 ? 0 : extend(receive(t), t);
    c.pred += diff;
    const z = c.coeffs;
    z[offset] = c.pred;
    let k = 1;
    while (k < 64) {
      const rs = decodeHuff(c.acTable!);
      const s = rs & 15;
      const r = rs >> 4;
      if (s === 0) {
        if (r === 15) {
          k += 16;
          continue;
        }
        break; // EOB
      }
      k += r;
      if (k > 63) break;
      z[offset + ZIGZAG[k]] = extend(receive(s), s);
      k++;
    }
  };
  const single = comps.length === 1;
  const c0 = comps[0];
  const totalMcus = single
    ? Math.ceil((Math.ceil((frame.width * c0.h) / frame.hmax) / 8)) * Math.ceil((Math.ceil((frame.height * c0.v) / frame.vmax) / 8))
    : frame.mcusX * frame.mcusY;
  const singleCols = single ? Math.ceil(Math.ceil((frame.width * c0.h) / frame.hmax) / 8) : 0;
  for (const c of comps) c.pred = 0;
  let mcu = 0;
  while (mcu < totalMcus) {
    const stop = restartInterval > 0 ? Math.min(totalMcus, mcu + restartInterval) : totalMcus;
    for (; mcu < stop; mcu++) {
      if (single) {
        const br = Math.floor(mcu / singleCols);
        const bc = mcu % singleCols;
        decodeBlock(c0, (br * c0.blocksPerLine + bc) * 64);
      } else {
        const mr = Math.floor(mcu / frame.mcusX);
        const mc = mcu % frame.mcusX;
        for (const c of comps)
          for (let v = 0; v < c.v; v++)
            for (let h = 0; h < c.h; h++) decodeBlock(c, ((mr * c.v + v) * c.blocksPerLine + mc * c.h + h) * 64);
      }
    }
    if (mcu >= totalMcus) break;
    // restart: discard remaining bits, find the RSTn marker, reset predictors
    acc = 0;
    nbits = 0;
    hitMarker = false;
    while (pos + 1 < buf.length && !(buf[pos] === 0xff && buf[pos + 1] >= 0xd0 && buf[pos + 1] <= 0xd7)) {
      if (buf[pos] === 0xff && buf[pos + 1] !== 0 && buf[pos + 1] !== 0xff) break; // other marker: corrupt, stop searching
      pos++;
    }
    if (pos + 1 < buf.length && buf[pos] === 0xff && buf[pos + 1] >= 0xd0 && buf[pos + 1] <= 0xd7) pos += 2;
    for (const c of comps) c.pred = 0;
  }
  // skip to the next marker (not a stuffed 0xFF00 nor an RST)
  while (pos + 1 < buf.length && !(buf[pos] === 0xff && buf[pos + 1] !== 0 && !(buf[pos + 1] >= 0xd0 && buf[pos + 1] <= 0xd7))) pos++;
  return pos >= buf.length - 1 ? buf.length : pos;
}

function reconstruct(
  frame: { width: number; height: number; precision: number; comps: Component[]; hmax: number; vmax: number },
  qt: (Int32Array | undefined)[],
): JpegFrame {
  const { width, height, precision, comps, hmax, vmax } = frame;
  const maxVal = (1 << precision) - 1;
  const shift = 1 << (precision - 1); // level shift (T.81 A.3.1)
  const nc = comps.length;
  const out = new Uint16Array(width * height * nc);
  const tmp = new Float64Array(64);
  const blk = new Float64Array(64);
  comps.forEach((c, ci) => {
    const q = qt[c.tq];
    if (!q) throw new JpegError(`quantisation table ${c.tq} is not defined`);
    const cw = c.blocksPerLine * 8;
    const plane = new Uint16Array(cw * c.blocksPerColumn * 8);
    for (let br = 0; br < c.blocksPerColumn; br++) {
      for (let bc = 0; bc < c.blocksPerLine; bc++) {
        const off = (br * c.blocksPerLine + bc) * 64;
        const z = c.coeffs;
        for (let i = 0; i < 64; i++) blk[i] = z[off + i] * q[i]; // dequantisation (T.81 A.3.4)
        // separable IDCT: rows (over u) then columns (over v)
        for (let v = 0; v < 8; v++) {
          const r = v * 8;
          if (blk[r + 1] === 0 && blk[r + 2] === 0 && blk[r + 3] === 0 && blk[r + 4] === 0 && blk[r + 5] === 0 && blk[r + 6] === 0 && blk[r + 7] === 0) {
            const dc = blk[r] * COS[0]; // only the u = 0 term: the row is constant (common in lossy data)
            for (let x = 0; x < 8; x++) tmp[r + x] = dc;
            continue;
          }
          for (let x = 0; x < 8; x++) {
            let s = 0;
            for (let u = 0; u < 8; u++) s += COS[x * 8 + u] * blk[r + u];
            tmp[r + x] = s;
          }
        }
        for (let x = 0; x < 8; x++) {
          for (let y = 0; y < 8; y++) {
            let s = 0;
            for (let v = 0; v < 8; v++) s += COS[y * 8 + v] * tmp[v * 8 + x];
            let val = Math.round(s + shift);
            if (val < 0) val = 0;
            else if (val > maxVal) val = maxVal;
            plane[(br * 8 + y) * cw + bc * 8 + x] = val;
          }
        }
      }
    }
    // upsample (replication) and interleave
    const sx = hmax / c.h;
    const sy = vmax / c.v;
    for (let y = 0; y < height; y++) {
      const py = Math.floor(y / sy) * cw;
      for (let x = 0; x < width; x++) out[(y * width + x) * nc + ci] = plane[py + Math.floor(x / sx)];
    }
  });
  return { width, height, precision, components: nc, data: out };
}
