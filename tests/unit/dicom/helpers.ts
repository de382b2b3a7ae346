// Shared helpers for the DICOM tests: fixture paths, the WG04/pydicom manifest (outside reference), mutations.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCsv } from "./csv-lite.ts";
import { encodeFileMeta } from "../../../lib/dicom/write.ts";

export const FIXTURES = resolve(new URL("../../fixtures/dicom", import.meta.url).pathname);

export type ManifestRow = Record<string, string> & { file: string };

export function manifest(): ManifestRow[] {
  return parseCsv(readFileSync(join(FIXTURES, "dicom_manifest.csv"), "utf8")) as ManifestRow[];
}

/** manifest "file" column is "dicom/<folder>/<name>.dcm" */
export const fixturePath = (manifestFile: string) => join(FIXTURES, manifestFile.replace(/^dicom\//, ""));
export const readFixture = (manifestFile: string) => new Uint8Array(readFileSync(fixturePath(manifestFile)));

/** "MR4_UNC.dcm: max_abs_diff=29" -> { twin: "dicom/<same folder>/MR4_UNC.dcm", maxAbsDiff: 29 } */
export function twinOf(row: ManifestRow): { twin: string; maxAbsDiff: number } | null {
  const m = /^(\S+\.dcm): max_abs_diff=(\d+)/.exec(row.compare_to_reference ?? "");
  if (!m) return null;
  return { twin: row.file.replace(/[^/]+$/, m[1]), maxAbsDiff: Number(m[2]) };
}

export const isLossless = (row: ManifestRow) => row.lossy_image_compression !== "01" && !/4\.(50|51|81|91)$/.test(row.transfer_syntax_uid);

/** Same file with another Transfer Syntax UID in the meta header (data set bytes untouched). */
export function withTransferSyntax(bytes: Uint8Array, ts: string): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLen = dv.getUint32(132 + 8, true);
  const metaEnd = 132 + 12 + metaLen;
  const text = new TextDecoder("latin1").decode(bytes.subarray(132, metaEnd));
  const uids = text.match(/[0-9][0-9.]{5,}/g) ?? [];
  const meta = encodeFileMeta(uids[0] ?? "1.2.3", uids[1] ?? "1.2.3.4", ts);
  const out = new Uint8Array(meta.length + bytes.length - metaEnd);
  out.set(meta, 0);
  out.set(bytes.subarray(metaEnd), meta.length);
  return out;
}
