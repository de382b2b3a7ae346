// Seeded mutators for the reliability fuzzing (issue 7, item 1). Shared by the short in-suite run
// (tests/reliability/fuzz.test.ts) and the long run (scripts/fuzz/run.ts): every case is reproducible from
// (seed, index). DICOM mutations: bit flips, truncation, wrong and huge declared lengths, bad VRs, nested
// sequences, wrong transfer syntax, huge declared dimensions, spliced/duplicated regions. CSV mutations:
// quoting, ragged rows, missing/duplicate columns, BOM/NUL/CR, extreme numbers, long fields, random edits.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createRng, type Rng } from "../../lib/random.ts";
import { encodeFileMeta } from "../../lib/dicom/write.ts";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const DICOM_FIXTURES = join(ROOT, "tests", "fixtures", "dicom");

/** DICOM fixture files (relative names + bytes) up to `maxBytes` each, sorted by name (deterministic). */
export function dicomSeeds(maxBytes = 260_000): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith(".dcm") && statSync(p).size <= maxBytes) out.push({ name: relative(DICOM_FIXTURES, p), bytes: new Uint8Array(readFileSync(p)) });
    }
  };
  walk(DICOM_FIXTURES);
  return out;
}

// Transfer syntaxes to swap in: the supported ones (wrong for most files), deflate, retired and garbage UIDs.
const TRANSFER_SYNTAXES = [
  "1.2.840.10008.1.2",
  "1.2.840.10008.1.2.1",
  "1.2.840.10008.1.2.2",
  "1.2.840.10008.1.2.1.99",
  "1.2.840.10008.1.2.4.50",
  "1.2.840.10008.1.2.4.51",
  "1.2.840.10008.1.2.4.57",
  "1.2.840.10008.1.2.4.70",
  "1.2.840.10008.1.2.4.80",
  "1.2.840.10008.1.2.4.81",
  "1.2.840.10008.1.2.4.90",
  "1.2.840.10008.1.2.4.91",
  "1.2.840.10008.1.2.5",
  "1.2.840.10008.1.2.4.100",
  "1.2.3.4.5",
  "",
  "9".repeat(64),
];

const VRS = ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "OV", "SV", "UV"];
const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OW", "SQ", "UC", "UN", "UR", "UT", "OV", "SV", "UV"]);

/** Offsets of plausible explicit-VR element headers (tag group even, known VR) in `b`. */
export function elementOffsets(b: Uint8Array, limit = 4000): number[] {
  const out: number[] = [];
  for (let i = 132; i + 8 <= b.length && out.length < limit; i++) {
    const vr = String.fromCharCode(b[i + 4], b[i + 5]);
    if (!VRS.includes(vr)) continue;
    const group = b[i] | (b[i + 1] << 8);
    if ((group & 1) !== 0 && group !== 0x0009 && group !== 0x0029) continue;
    if (group > 0x7fe0 && group !== 0xfffe) continue;
    out.push(i);
  }
  return out;
}

/** Offsets of a tag (group, element; little endian) in the first `scan` bytes. */
function findTag(b: Uint8Array, group: number, element: number, scan = b.length): number[] {
  const out: number[] = [];
  const g0 = group & 0xff, g1 = group >> 8, e0 = element & 0xff, e1 = element >> 8;
  for (let i = 0; i + 4 <= Math.min(b.length, scan); i++) if (b[i] === g0 && b[i + 1] === g1 && b[i + 2] === e0 && b[i + 3] === e1) out.push(i);
  return out;
}

export function withTransferSyntax(bytes: Uint8Array, ts: string): Uint8Array {
  if (bytes.length < 144 || String.fromCharCode(...bytes.subarray(128, 132)) !== "DICM") return bytes;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLen = dv.getUint32(140, true);
  const metaEnd = Math.min(bytes.length, 144 + metaLen);
  const text = new TextDecoder("latin1").decode(bytes.subarray(132, metaEnd));
  const uids = text.match(/[0-9][0-9.]{5,}/g) ?? [];
  const meta = encodeFileMeta(uids[0] ?? "1.2.3", uids[1] ?? "1.2.3.4", ts);
  const out = new Uint8Array(meta.length + bytes.length - metaEnd);
  out.set(meta, 0);
  out.set(bytes.subarray(metaEnd), meta.length);
  return out;
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];

/** A nest of `depth` sequences (undefined or defined lengths), optionally unterminated or with bogus items. */
function nestedSequences(rng: Rng, depth: number): Uint8Array {
  const parts: number[] = [];
  const closes: number[][] = [];
  for (let d = 0; d < depth; d++) {
    const undefinedLen = rng.uniform() < 0.8;
    // (0008,1115) ReferencedSeriesSequence SQ, then an item
    parts.push(0x08, 0x00, 0x15, 0x11, 0x53, 0x51, 0, 0, ...(undefinedLen ? le32(0xffffffff) : le32(rng.int(2) ? 0x7ffffff0 : 8 + rng.int(64))));
    parts.push(0xfe, 0xff, 0x00, 0xe0, ...(undefinedLen ? le32(0xffffffff) : le32(rng.int(1000))));
    if (rng.uniform() < 0.2) parts.push(0x10, 0x00, 0x10, 0x00, 0x50, 0x4e, ...le16(4), 0x41, 0x5e, 0x42, 0x20); // PatientName "A^B "
    closes.push(undefinedLen ? [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0] : []);
  }
  const mode = rng.int(3); // 0 closed, 1 unterminated, 2 closes shuffled (delimiters out of place)
  if (mode === 0) for (let d = closes.length - 1; d >= 0; d--) parts.push(...closes[d]);
  else if (mode === 2) for (let d = 0; d < closes.length; d += 2) parts.push(...closes[d].slice(0, 8));
  return Uint8Array.from(parts);
}

export type DicomMutation =
  | "bitflip-header"
  | "bitflip-any"
  | "truncate"
  | "length-wrong"
  | "length-huge"
  | "bad-vr"
  | "nested-sequences"
  | "transfer-syntax"
  | "huge-dimensions"
  | "splice"
  | "combo";
export const DICOM_MUTATIONS: DicomMutation[] = ["bitflip-header", "bitflip-any", "truncate", "length-wrong", "length-huge", "bad-vr", "nested-sequences", "transfer-syntax", "huge-dimensions", "splice", "combo"];

function mutateOnce(rng: Rng, src: Uint8Array, kind: DicomMutation): Uint8Array {
  let b: Uint8Array = src.slice();
  switch (kind) {
    case "bitflip-header":
    case "bitflip-any": {
      const n = 1 + rng.int(12);
      const span = kind === "bitflip-header" ? Math.min(b.length, 1024 + rng.int(2048)) : b.length;
      for (let j = 0; j < n; j++) b[rng.int(span)] ^= 1 << rng.int(8);
      return b;
    }
    case "truncate": {
      const r = rng.uniform();
      const cut = r < 0.3 ? rng.int(Math.min(400, b.length)) : r < 0.6 ? b.length - 1 - rng.int(Math.min(64, b.length - 1)) : rng.int(b.length);
      return b.slice(0, cut);
    }
    case "length-wrong":
    case "length-huge": {
      const offs = elementOffsets(b);
      if (offs.length === 0) return mutateOnce(rng, src, "bitflip-header");
      const n = 1 + rng.int(3);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let j = 0; j < n; j++) {
        const o = offs[rng.int(offs.length)];
        const vr = String.fromCharCode(b[o + 4], b[o + 5]);
        if (LONG_VRS.has(vr) && o + 12 <= b.length) {
          const old = dv.getUint32(o + 8, true);
          const huge = [0xffffffff, 0xfffffff0, 0x7fffffff, 0x80000000, b.length * 4, 0xfffffffe];
          const v = kind === "length-huge" ? huge[rng.int(huge.length)] : Math.max(0, old + rng.int(17) - 8 + (rng.int(2) ? 1 : 0));
          dv.setUint32(o + 8, v >>> 0, true);
        } else if (o + 8 <= b.length) {
          const old = dv.getUint16(o + 6, true);
          const v = kind === "length-huge" ? [0xffff, 0xfffe, 0x8000][rng.int(3)] : Math.max(0, old + rng.int(9) - 4 + 1);
          dv.setUint16(o + 6, v & 0xffff, true);
        }
      }
      return b;
    }
    case "bad-vr": {
      const offs = elementOffsets(b);
      if (offs.length === 0) return mutateOnce(rng, src, "bitflip-header");
      const n = 1 + rng.int(3);
      for (let j = 0; j < n; j++) {
        const o = offs[rng.int(offs.length)];
        const r = rng.uniform();
        const vr = r < 0.4 ? VRS[rng.int(VRS.length)] : r < 0.7 ? "ZZ" : String.fromCharCode(rng.int(256), rng.int(256));
        b[o + 4] = vr.charCodeAt(0) & 0xff;
        b[o + 5] = vr.charCodeAt(1) & 0xff;
      }
      return b;
    }
    case "nested-sequences": {
      const metaEnd = b.length >= 144 ? Math.min(b.length, 144 + new DataView(b.buffer, b.byteOffset).getUint32(140, true)) : 0;
      const offs = elementOffsets(b).filter((o) => o >= metaEnd);
      const at = offs.length ? offs[rng.int(offs.length)] : metaEnd;
      const depth = rng.uniform() < 0.85 ? 1 + rng.int(40) : 1000 + rng.int(30_000);
      const nest = nestedSequences(rng, depth);
      const out = new Uint8Array(b.length + nest.length);
      out.set(b.subarray(0, at), 0);
      out.set(nest, at);
      out.set(b.subarray(at), at + nest.length);
      return out;
    }
    case "transfer-syntax":
      return withTransferSyntax(b, TRANSFER_SYNTAXES[rng.int(TRANSFER_SYNTAXES.length)]);
    case "huge-dimensions": {
      // Rows (0028,0010), Columns (0028,0011), NumberOfFrames (0028,0008), BitsAllocated (0028,0100), SamplesPerPixel (0028,0002)
      const targets = [[0x0028, 0x0010], [0x0028, 0x0011], [0x0028, 0x0100], [0x0028, 0x0002], [0x0028, 0x0101], [0x0028, 0x0103]];
      const [g, e] = targets[rng.int(targets.length)];
      const hits = findTag(b, g, e);
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (const o of hits) {
        const explicit = b[o + 4] === 0x55 && b[o + 5] === 0x53; // "US"
        const at = explicit ? o + 8 : o + 8;
        if (at + 2 <= b.length) dv.setUint16(at, [0xffff, 0, 1, 0x8000, 3, 7, 33, 64][rng.int(8)], true);
      }
      const frames = findTag(b, 0x0028, 0x0008);
      for (const o of frames) if (rng.int(2) && o + 8 + 4 <= b.length) b.set([0x39, 0x39, 0x39, 0x39].slice(0, Math.min(4, (b[o + 6] | (b[o + 7] << 8)) || 2)), o + 8);
      return b;
    }
    case "splice": {
      if (b.length < 16) return b;
      const a = rng.int(b.length);
      const len = 1 + rng.int(Math.min(512, b.length - a));
      const r = rng.uniform();
      if (r < 0.33) {
        // delete a region
        return Uint8Array.from([...b.subarray(0, a), ...b.subarray(a + len)]);
      } else if (r < 0.66) {
        // duplicate a region
        const out = new Uint8Array(b.length + len);
        out.set(b.subarray(0, a + len), 0);
        out.set(b.subarray(a, a + len), a + len);
        out.set(b.subarray(a + len), a + 2 * len);
        return out;
      }
      // overwrite with random bytes
      for (let j = 0; j < len; j++) b[a + j] = rng.int(256);
      return b;
    }
    case "combo": {
      const n = 2 + rng.int(3);
      for (let j = 0; j < n; j++) b = mutateOnce(rng, b, DICOM_MUTATIONS[rng.int(DICOM_MUTATIONS.length - 1)]);
      return b;
    }
  }
}

/** Case `index` of a run: deterministic from (seed, index). */
export function dicomCase(seeds: { name: string; bytes: Uint8Array }[], seed: number, index: number): { seedFile: string; kind: DicomMutation; bytes: Uint8Array } {
  const rng = createRng((seed * 1_000_003 + index) >>> 0);
  const s = seeds[rng.int(seeds.length)];
  const kind = DICOM_MUTATIONS[index % DICOM_MUTATIONS.length];
  return { seedFile: s.name, kind, bytes: mutateOnce(rng, s.bytes, kind) };
}

// ---------------------------------------------------------------- cohort CSV

const T = ["T1", "T2", "T3", "T4"];
const LOC = ["UIQ", "UOQ", "LIQ", "LOQ", "central"];
const PN = ["positive", "negative"];

/** A valid cohort CSV (cli.md "Pipeline" columns) and a matching features CSV, `n` rows. */
export function baseCohort(rng: Rng, n: number): { cohort: string; features: string } {
  const rows = ["case_code,aln,age,t_stage,location,er,pr,us_aln,split,site"];
  const feats = ["case_code,f_mean,f_var,glcm_contrast"];
  for (let i = 0; i < n; i++) {
    const code = `FZ-${String(i + 1).padStart(4, "0")}`;
    rows.push([code, rng.int(2), 30 + rng.int(50), T[rng.int(4)], LOC[rng.int(5)], PN[rng.int(2)], PN[rng.int(2)], PN[rng.int(2)], i % 3 === 0 ? "validation" : "primary", "site-a"].join(","));
    feats.push([code, (rng.normal() * 10).toFixed(4), Math.abs(rng.normal()).toFixed(5), (rng.uniform() * 3).toExponential(3)].join(","));
  }
  return { cohort: rows.join("\n") + "\n", features: feats.join("\n") + "\n" };
}

export type CsvMutation = "char-edit" | "quote" | "ragged" | "columns" | "control" | "numbers" | "long" | "lines" | "combo";
export const CSV_MUTATIONS: CsvMutation[] = ["char-edit", "quote", "ragged", "columns", "control", "numbers", "long", "lines", "combo"];

function mutateCsvOnce(rng: Rng, text: string, kind: CsvMutation): string {
  const lines = text.split("\n");
  const pick = () => rng.int(lines.length);
  const pickRow = () => Math.min(lines.length - 1, 1 + rng.int(Math.max(1, lines.length - 2))); // a data row when there is one
  switch (kind) {
    case "char-edit": {
      let s = text;
      const n = 1 + rng.int(10);
      const alphabet = ',"\n\r;\t NA-.e0123456789abcxyzé\u00a0\u2028';
      for (let j = 0; j < n && s.length; j++) {
        const at = rng.int(s.length);
        const r = rng.int(3);
        const c = alphabet[rng.int(alphabet.length)];
        s = r === 0 ? s.slice(0, at) + s.slice(at + 1) : r === 1 ? s.slice(0, at) + c + s.slice(at) : s.slice(0, at) + c + s.slice(at + 1);
      }
      return s;
    }
    case "quote": {
      const i = pick();
      const cells = lines[i].split(",");
      const k = rng.int(cells.length);
      const r = rng.int(4);
      cells[k] = r === 0 ? `"${cells[k]}` : r === 1 ? `"${cells[k]}"x"` : r === 2 ? `"${cells[k]},\n${cells[k]}"` : `${cells[k]}"""`;
      lines[i] = cells.join(",");
      return lines.join("\n");
    }
    case "ragged": {
      const i = pickRow();
      lines[i] = rng.int(2) ? lines[i] + ",extra" : lines[i].split(",").slice(0, -1 - rng.int(3)).join(",");
      return lines.join("\n");
    }
    case "columns": {
      const head = lines[0].split(",");
      const r = rng.int(4);
      if (r === 0) head.splice(rng.int(head.length), 1);
      else if (r === 1) head[rng.int(head.length)] = head[rng.int(head.length)];
      else if (r === 2) head[rng.int(head.length)] = "";
      else head.reverse();
      lines[0] = head.join(",");
      return r === 0 ? lines.map((l, i) => (i === 0 ? l : l)).join("\n") : lines.join("\n");
    }
    case "control": {
      const bad = ["\uFEFF", "\0", "\r", "\r\n", "\x1b[31m", "\uD800", "\u0085", "\t"];
      const c = bad[rng.int(bad.length)];
      const at = rng.int(text.length + 1);
      return rng.int(4) === 0 ? c + text : text.slice(0, at) + c + text.slice(at);
    }
    case "numbers": {
      const extremes = ["1e309", "-1e309", "NaN", "Infinity", "-0", "0x1F", "1_000", "١٢", "999999999999999999999", "4.9e-324", "-", "+", "1e", ".", "121", "-5", "NA", "", " 64 "];
      const i = pickRow();
      const cells = lines[i].split(",");
      cells[1 + rng.int(Math.max(1, cells.length - 1))] = extremes[rng.int(extremes.length)];
      lines[i] = cells.join(",");
      return lines.join("\n");
    }
    case "long": {
      const i = pick();
      const cells = lines[i].split(",");
      const r = rng.int(3);
      // sizes stay below ~1 MB: the import's own request limit is far above, but a fuzz case must stay fast
      if (r === 0) cells[rng.int(cells.length)] = "x".repeat(10_000 + rng.int(60_000));
      else if (r === 1) lines[0] = lines[0] + Array.from({ length: 2000 + rng.int(3000) }, (_, k) => `,c${k}`).join("");
      else if (text.length < 100_000) lines.push(...Array.from({ length: 1000 + rng.int(4000) }, () => lines[pickRow()]));
      if (r === 0) lines[i] = cells.join(",");
      return lines.join("\n");
    }
    case "lines": {
      const r = rng.int(4);
      if (r === 0) return lines.slice(0, 1 + rng.int(2)).join("\n");
      if (r === 1) return "";
      if (r === 2) {
        const i = pick();
        lines.splice(i, 0, lines[i]); // duplicate row (duplicate case code)
        return lines.join("\n");
      }
      return lines.map((l) => l + (rng.int(5) === 0 ? "\r" : "")).join("\n");
    }
    case "combo": {
      let s = text;
      const n = 2 + rng.int(3);
      for (let j = 0; j < n; j++) s = mutateCsvOnce(rng, s, CSV_MUTATIONS[rng.int(CSV_MUTATIONS.length - 1)]);
      return s;
    }
  }
}

/** Mutated CSVs are cut to 1 MB: larger inputs only measure the parser's linear speed. */
export const MAX_CSV_CHARS = 1_000_000;

export function csvCase(seed: number, index: number): { kind: CsvMutation; cohort: string; features: string; target: "cohort" | "features" } {
  const rng = createRng((seed * 7919 + index * 31 + 17) >>> 0);
  const base = baseCohort(rng, 5 + rng.int(40));
  const kind = CSV_MUTATIONS[index % CSV_MUTATIONS.length];
  const target = rng.uniform() < 0.75 ? "cohort" : "features";
  const cap = (s: string) => (s.length > MAX_CSV_CHARS ? s.slice(0, MAX_CSV_CHARS) : s); // a cut is one more mutation
  return target === "cohort"
    ? { kind, target, cohort: cap(mutateCsvOnce(rng, base.cohort, kind)), features: base.features }
    : { kind, target, cohort: base.cohort, features: cap(mutateCsvOnce(rng, base.features, kind)) };
}
