// Decoding a full-field mammogram (WG04 MG1, 4664 x 3064, 12 bits): JPEG 2000 lossy (OpenJPEG WASM) and
// 12-bit JPEG Extended (our T.81 decoder). Median wall time of parse + decode of all pixels, and of the
// whole path to radiomics-ready float64 intensities; peak RSS of the process (process.resourceUsage().maxRSS).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { dicomToLoadedImage, readDicom } from "../lib/dicom/index.ts";

const DIR = resolve(new URL("../tests/fixtures/dicom/mammography_wg04_mg1", import.meta.url).pathname);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchDicom(reps = 5): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of ["MG1_J2KI", "MG1_JPLY"]) {
    const bytes = new Uint8Array(readFileSync(join(DIR, `${name}.dcm`)));
    await readDicom(bytes); // warm-up: WASM module load, JIT
    const decode: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const img = await readDicom(bytes);
      const t1 = performance.now();
      dicomToLoadedImage(img);
      const t2 = performance.now();
      decode.push(t1 - t0);
      full.push(t2 - t0);
    }
    out[`${name} decode median ms (n=${reps})`] = median(decode);
    out[`${name} decode+intensities median ms`] = median(full);
    out[`${name} peak RSS MB so far`] = process.resourceUsage().maxRSS / 1024;
  }
  return out;
}
