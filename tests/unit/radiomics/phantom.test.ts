// IBSI digital phantom reference values (IBSI manual, via shared/reference/ibsi/reference_values.csv):
// |computed - ref| <= max(tol, half a unit in the 3rd significant digit of ref).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixturePath, readJson } from "./helpers.ts";
import { extractPhantom, type PhantomJson } from "../../../lib/radiomics/phantom.ts";

type Row = Record<string, string>;
function readCsv(name: string): Row[] {
  const lines = readFileSync(fixturePath(name), "utf8").trim().split(/\r?\n/);
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = "";
    let q = false;
    for (const ch of line) {
      if (ch === '"') q = !q;
      else if (ch === "," && !q) {
        out.push(cur);
        cur = "";
      } else cur += ch;
    }
    out.push(cur);
    return out;
  };
  const hdr = split(lines[0]);
  return lines.slice(1).map((l) => {
    const cells = split(l);
    return Object.fromEntries(hdr.map((h, i) => [h, cells[i]]));
  });
}

const rows = readCsv("reference_values.csv");
const result = extractPhantom(readJson<PhantomJson>("phantom.json"));

function within(got: number, ref: number, tol: number): boolean {
  const half = ref === 0 ? 0 : 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(ref))) - 2);
  return Math.abs(got - ref) <= Math.max(tol, half);
}

function check(filter: (r: Row) => boolean, expectCount: number): void {
  const sel = rows.filter(filter);
  const failures: string[] = [];
  let checked = 0;
  for (const r of sel) {
    const got = result.features[r.ibsi_code];
    if (got === undefined) continue; // feature not in our sets
    checked++;
    if (!within(got, Number(r.value), Number(r.tolerance))) failures.push(`${r.family} ${r.ibsi_code} ${r.feature_name}: got ${got}, ref ${r.value}`);
  }
  assert.deepEqual(failures, []);
  assert.equal(checked, expectCount, "number of reference values checked");
}

test("IBSI phantom GLCM 2D_avg: all 25 reference values", () => {
  check((r) => r.family === "glcm" && r.configuration === "2D_avg", 25);
});
test("IBSI phantom GLRLM 2D_avg: all 16 reference values", () => {
  check((r) => r.family === "glrlm" && r.configuration === "2D_avg", 16);
});
test("IBSI phantom GLSZM 2D: all 16 reference values", () => {
  check((r) => r.family === "glszm" && r.configuration === "2D", 16);
});
test("IBSI phantom NGTDM 2D: all 5 reference values", () => {
  check((r) => r.family === "ngtdm" && r.configuration === "2D", 5);
});
test("IBSI phantom NGLDM 2D (PyRadiomics gldm, alpha 0): the 14 features gldm has", () => {
  check((r) => r.family === "ngldm" && r.configuration === "2D", 14);
});
test("IBSI phantom first order over the whole ROI (3D): 18 intensity statistics + entropy, uniformity, mode", () => {
  check((r) => r.family === "intensity_statistics" || (r.family === "intensity_histogram" && ["TLU2", "BJ5W", "AMMC"].includes(r.ibsi_code)), 21);
});
test("IBSI phantom: the reference check can fail (a wrong value is caught)", () => {
  assert.equal(within(0.368 * 1.01, 0.368, 0), false);
  assert.equal(within(0.3684, 0.368, 0), true);
});
