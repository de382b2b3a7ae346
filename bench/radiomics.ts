// Radiomics benchmark (`npm run bench -- radiomics`): seed-299 extraction time on real mammogram ROIs
// (mini-MIAS mdb001, 1024x1024 8-bit, 200 um; J Suckling et al (1994) "The Mammographic Image Analysis Society
// Digital Mammogram Database", Excerpta Medica ICS 1069 pp375-378, research use only) — disc ROIs of diameter
// 129, 257 and 513 px (bounding boxes ~128^2, 256^2, 512^2) centred on the lesion — plus peak memory for a synthetic
// 13-Mpixel 16-bit image with a 1000x1000 ROI, and region growing over a 1000x1000 region.
// Times are in-process medians after a warm-up (decode excluded), as `axilla extract --repeat` reports them.
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { loadImageFile } from "../lib/image/load.ts";
import { extract, releaseWorkspace } from "../lib/radiomics/extract.ts";
import { regionGrow } from "../lib/radiomics/roi.ts";
import type { Image2D, Mask2D } from "../lib/image/types.ts";

const here = dirname(fileURLToPath(import.meta.url));

function disc(rows: number, cols: number, cr: number, cc: number, diameter: number): Mask2D {
  const data = new Uint8Array(rows * cols);
  const R = (diameter - 1) / 2;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if ((r - cr) * (r - cr) + (c - cc) * (c - cc) <= R * R) data[r * cols + c] = 1;
  }
  return { rows, cols, data };
}

function timeIt(fn: () => void, runs: number, warm = 3): { median: number; min: number; max: number; cpuMedian: number } {
  for (let i = 0; i < warm; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mid = runs >> 1;
  return { median: wall[mid], min: wall[0], max: wall[runs - 1], cpuMedian: cpu[mid] };
}

const MB = 1024 * 1024;

export async function benchRadiomics(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const loaded = await loadImageFile(join(here, "..", "tests", "fixtures", "radiomics", "mdb001.png"));
  const img = loaded.image;
  // lesion centre of mdb001 (Info.txt x=535, y=425 from the bottom -> row 1024-425 = 599)
  for (const d of [129, 257, 513]) {
    const mask = disc(img.rows, img.cols, 599, 535, d);
    let n = 0;
    for (let i = 0; i < mask.data.length; i++) n += mask.data[i];
    const t = timeIt(() => extract(img, mask, { spacing: [0.2, 0.2] }), 21);
    out[`seed299_mdb001_disc${d}_pixels`] = n;
    out[`seed299_mdb001_disc${d}_median_ms`] = t.median;
    out[`seed299_mdb001_disc${d}_min_ms`] = t.min;
    out[`seed299_mdb001_disc${d}_cpu_median_ms`] = t.cpuMedian;
  }
  out["target_disc257_median_ms"] = 22;
  out["target_disc513_median_ms"] = 62;
  out["load_average_1min"] = (await import("node:os")).loadavg()[0];

  // region growing (viewer's live outline): a 1000-px disc in a 1200x1200 image
  {
    const N = 1200;
    const im: Image2D = { rows: N, cols: N, data: new Float64Array(N * N) };
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) im.data[r * N + c] = (r - 600) ** 2 + (c - 600) ** 2 <= 500 * 500 ? 1000 + ((r * 31 + c * 17) % 200) : (r + c) % 300;
    }
    const t = timeIt(() => regionGrow(im, { row: 600, col: 600 }, 1000, 1199), 11);
    out["regionGrow_1000px_disc_median_ms"] = t.median;
  }

  // memory: synthetic 13-Mpixel 16-bit image (4096 x 3200), ROI = 1000x1000 square, seed-299
  {
    releaseWorkspace();
    const before = process.memoryUsage();
    const rows = 4096;
    const cols = 3200;
    const data = new Float64Array(rows * cols);
    let s = 12345;
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0; // deterministic LCG texture
      data[i] = 20000 + ((s >>> 16) & 0x0fff) + ((i % cols) >> 3);
    }
    const image: Image2D = { rows, cols, data };
    const mask: Mask2D = { rows, cols, data: new Uint8Array(rows * cols) };
    for (let r = 1500; r < 2500; r++) mask.data.fill(1, r * cols + 1100, r * cols + 2100);
    const loadedRss = process.memoryUsage().rss;
    const t0 = performance.now();
    const res = extract(image, mask, { spacing: [0.1, 0.1] });
    const ms = performance.now() - t0;
    const after = process.memoryUsage();
    out["mem13M_image_pixels"] = rows * cols;
    out["mem13M_roi_pixels"] = res.settings.roi_pixels;
    out["mem13M_extract_first_call_ms"] = ms;
    const t1 = performance.now();
    extract(image, mask, { spacing: [0.1, 0.1] });
    out["mem13M_extract_second_call_ms"] = performance.now() - t1;
    out["mem13M_rss_before_image_MB"] = before.rss / MB;
    out["mem13M_rss_with_image_MB"] = loadedRss / MB;
    out["mem13M_rss_after_extract_MB"] = after.rss / MB;
    out["mem13M_arrayBuffers_after_MB"] = after.arrayBuffers / MB;
    out["peak_rss_process_MB"] = process.resourceUsage().maxRSS / 1024;
    out["mem_limit_MB"] = 1024;
    releaseWorkspace();
  }
  return out;
}
