// Demo cohort generator (issue 5): a SEMI-SYNTHETIC cohort of 147 "patients" built from real mini-MIAS
// lesion images (real pixels, ROIs from the annotated circles refined by thresholding, real seed-299
// features) with clinical factors drawn to match the seed study's Table 1 and ALN status drawn from a
// documented generating logistic model. Everything is seeded; demo/README.md documents the design.
//
//   npx tsx scripts/demo/make-cohort.ts [--mias /work/shared/data/mini-mias] [--out demo] [--seed 20190147]
//
// Writes demo/cohort.csv, demo/features.csv, demo/provenance.csv, demo/generating-model.json,
// demo/images/<case>.png (8-bit crops, chest wall left) and demo/masks/<case>.png (0/255).
// The mini-MIAS folder is read only by this script; the repo keeps the crops it produced.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { PNG } from "pngjs";
import { parseCsv, textColumn } from "../../lib/data/csv.ts";
import { createRng, shuffle, type Rng } from "../../lib/random.ts";
import { regionGrow, largestComponent, fillHoles, maskArea, maskBoundingBox } from "../../lib/radiomics/roi.ts";
import { loadImageFile } from "../../lib/image/load.ts";
import { extract } from "../../lib/radiomics/extract.ts";
import type { Image2D, Mask2D } from "../../lib/image/types.ts";

export const DEMO_SEED = 20190147;
export const N_PATIENTS = 147;
export const CROP_MARGIN = 16; // >= the wavelet box's 8-px growth, so the crop and the full film give the same features
export const SPACING_MM = 0.2; // mini-MIAS Info.txt: 200 micron pixel edge

type Source = {
  kind: "lesion" | "contralateral";
  refnum: string; // image the pixels come from
  lesionRef: string; // the annotated image (same as refnum for kind = lesion)
  row: number; // 1-based row of ground_truth.csv among that image's rows
  cls: string;
  severity: string;
  tissue: string;
  x: number; // Info.txt x (column), origin bottom-left, of the annotated lesion
  y: number;
  radius: number;
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function writeGreyPng(path: string, rows: number, cols: number, pixels: Uint8Array): void {
  const png = new PNG({ width: cols, height: rows, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(pixels);
  writeFileSync(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false }));
}

/** Horizontal flip (right breast -> chest wall left). */
function flipH(img: Image2D): Image2D {
  const out = new Float64Array(img.data.length);
  for (let r = 0; r < img.rows; r++) for (let c = 0; c < img.cols; c++) out[r * img.cols + c] = img.data[r * img.cols + img.cols - 1 - c];
  return { rows: img.rows, cols: img.cols, data: out };
}

function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q; // type 7
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** ROI: the annotated circle refined by thresholding (see demo/README.md, "ROI"). */
export function refineRoi(img: Image2D, cRow: number, cCol: number, radius: number): { mask: Mask2D; method: "threshold" | "circle"; lower: number; upper: number } {
  const { rows, cols } = img;
  const circle = new Uint8Array(rows * cols);
  const vals: number[] = [];
  const r0 = Math.max(0, Math.floor(cRow - radius));
  const r1 = Math.min(rows - 1, Math.ceil(cRow + radius));
  const c0 = Math.max(0, Math.floor(cCol - radius));
  const c1 = Math.min(cols - 1, Math.ceil(cCol + radius));
  for (let r = r0; r <= r1; r++)
    for (let c = c0; c <= c1; c++)
      if ((r - cRow) ** 2 + (c - cCol) ** 2 <= radius * radius) {
        circle[r * cols + c] = 1;
        vals.push(img.data[r * cols + c]);
      }
  const circleMask: Mask2D = { rows, cols, data: circle };
  const sorted = Float64Array.from(vals).sort();
  // bounds from the circle's intensity distribution: the brighter part of the circle (lesions are denser
  // than the surrounding tissue): [P40, max]
  const lower = quantile(sorted, 0.4);
  const upper = sorted[sorted.length - 1];
  // grow only inside the circle: pixels outside it are set below the lower bound
  const inside = new Float64Array(rows * cols).fill(-1);
  for (let i = 0; i < inside.length; i++) if (circle[i]) inside[i] = img.data[i];
  // seed: the centre, or the nearest in-bounds pixel within radius/4 of it
  let seed: { row: number; col: number } | null = null;
  const rc = Math.min(rows - 1, Math.max(0, Math.round(cRow)));
  const cc = Math.min(cols - 1, Math.max(0, Math.round(cCol)));
  const maxD = Math.max(1, Math.floor(radius / 4));
  for (let d = 0; d <= maxD && !seed; d++) {
    let best = Infinity;
    for (let r = rc - d; r <= rc + d; r++)
      for (let c = cc - d; c <= cc + d; c++) {
        if (r < 0 || c < 0 || r >= rows || c >= cols) continue;
        if (Math.max(Math.abs(r - rc), Math.abs(c - cc)) !== d) continue;
        const v = inside[r * cols + c];
        const dist = (r - rc) ** 2 + (c - cc) ** 2;
        if (v >= lower && v <= upper && dist < best) {
          best = dist;
          seed = { row: r, col: c };
        }
      }
  }
  const circleArea = maskArea(circleMask);
  if (seed) {
    const grown = regionGrow({ rows, cols, data: inside }, seed, lower, upper, { connectivity: 8 });
    const refined = fillHoles(largestComponent(grown, 8), 8);
    const area = maskArea(refined);
    // accept a refined ROI of 15%..100% of the circle and at least 30 pixels; otherwise keep the circle
    if (area >= 30 && area >= 0.15 * circleArea) return { mask: refined, method: "threshold", lower, upper };
  }
  return { mask: circleMask, method: "circle", lower, upper };
}

function crop(img: Image2D, mask: Mask2D): { image: Uint8Array; mask: Uint8Array; rows: number; cols: number; top: number; left: number } {
  const bb = maskBoundingBox(mask);
  if (!bb) throw new Error("empty ROI");
  const top = Math.max(0, bb.rowMin - CROP_MARGIN);
  const bottom = Math.min(img.rows - 1, bb.rowMax + CROP_MARGIN);
  const left = Math.max(0, bb.colMin - CROP_MARGIN);
  const right = Math.min(img.cols - 1, bb.colMax + CROP_MARGIN);
  const rows = bottom - top + 1;
  const cols = right - left + 1;
  const im = new Uint8Array(rows * cols);
  const mk = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const src = (r + top) * img.cols + c + left;
      im[r * cols + c] = Math.max(0, Math.min(255, Math.round(img.data[src])));
      mk[r * cols + c] = mask.data[src] ? 255 : 0;
    }
  return { image: im, mask: mk, rows, cols, top, left };
}

/** Draw exactly `counts[level]` of each level, shuffled (exact marginals). */
function exactDraw(rng: Rng, counts: Record<string, number>): string[] {
  const out: string[] = [];
  for (const [level, n] of Object.entries(counts)) for (let i = 0; i < n; i++) out.push(level);
  return shuffle(rng, out);
}

const plogis = (x: number): number => 1 / (1 + Math.exp(-x));

// Pooled Table 1 counts of the seed study (shared/spec/baselines.md): primary + validation, both outcomes.
export const TABLE1_POOLED = {
  t_stage: { T1: 25 + 13 + 8 + 4, T2: 32 + 28 + 12 + 7, T3: 4 + 5 + 2 + 2, T4: 0 + 3 + 0 + 2 }, // 50/79/13/5
  location: { UIQ: 14 + 11 + 5 + 3, UOQ: 33 + 28 + 12 + 9, LIQ: 5 + 4 + 2 + 1, LOQ: 9 + 6 + 3 + 2 }, // 33/82/12/20
  er: { positive: 20 + 14 + 7 + 3, negative: 147 - 44 },
  pr: { positive: 26 + 24 + 9 + 7, negative: 147 - 66 },
  us_aln: { positive: 35 + 14 + 19 + 8, negative: 147 - 76 },
};
// age: the four groups' means/SDs pooled (weights 61, 49, 22, 15)
export const AGE = { mean: 55.4, sd: 11.1, min: 28, max: 85 };

/** The generating model (documented in demo/README.md). z_k = standardised feature (over all 147). */
export const GENERATING = {
  featureCoefficients: [1.6, -1.5, 1.4], // per SD of the three chosen real features (z clamped to [-3, 3]), in CHOSEN order
  usAlnPositive: 1.5, // log OR for ultrasound ALN+ (Table 1: 54/83 vs 22/64 -> OR about 3.5)
  // log OR of each T stage against T1. A step at T2 (where most patients are) rather than a per-step slope: with
  // only 13 T3 and 5 T4 patients a steep slope separates T4 and its Wald test collapses, so backward AIC drops T stage.
  // This size keeps T stage in the demo nomogram, so the surgeon's nomogram has a T-stage axis.
  tStageLogOr: { T1: 0, T2: 1.9, T3: 2.2, T4: 2.5 } as Record<string, number>,
  events: 83,
};

/** The three generating features: chosen from seed-299 by a rule that looks only at the features (never at
 *  outcomes, which do not exist yet): one feature from each of three families (original first-order or shape,
 *  original GLCM, wavelet), each the seeded pick among features with no near-duplicate (max |Spearman r|
 *  with any other feature < 0.8), at least 100 distinct values across the 147 ROIs and a roughly symmetric
 *  distribution (|skewness| < 1, so a linear effect is not carried by a handful of extreme ROIs). */
function chooseGeneratingFeatures(rng: Rng, names: string[], X: number[][]): string[] {
  const n = X.length;
  const ranks = names.map((_, j) => {
    const col = X.map((row) => row[j]);
    const idx = col.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const rk = new Float64Array(n);
    for (let i = 0; i < n; ) {
      let k = i;
      while (k + 1 < n && idx[k + 1][0] === idx[i][0]) k++;
      for (let t = i; t <= k; t++) rk[idx[t][1]] = (i + k) / 2 + 1;
      i = k + 1;
    }
    const m = (n + 1) / 2;
    let s = 0;
    for (let i = 0; i < n; i++) s += (rk[i] - m) ** 2;
    const sd = Math.sqrt(s);
    return rk.map((v) => (v - m) / (sd || 1));
  });
  const distinct = names.map((_, j) => new Set(X.map((row) => row[j])).size);
  const skew = names.map((_, j) => {
    const v = X.map((row) => row[j]);
    const m = v.reduce((a, b) => a + b, 0) / n;
    const m2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / n;
    const m3 = v.reduce((a, b) => a + (b - m) ** 3, 0) / n;
    return m2 > 0 ? m3 / m2 ** 1.5 : Infinity; // population skewness m3 / m2^1.5
  });
  const maxCorr = names.map((_, j) => {
    let best = 0;
    for (let k = 0; k < names.length; k++) {
      if (k === j) continue;
      let s = 0;
      for (let i = 0; i < n; i++) s += ranks[j][i] * ranks[k][i];
      if (Math.abs(s) > best) best = Math.abs(s);
    }
    return best;
  });
  const families = [
    (f: string) => f.startsWith("original_firstorder_") || f.startsWith("original_shape2D_"),
    (f: string) => f.startsWith("original_glcm_"),
    (f: string) => f.startsWith("wavelet-"),
  ];
  const chosen: string[] = [];
  for (const fam of families) {
    const cands = names.filter((f, j) => fam(f) && maxCorr[j] < 0.8 && distinct[j] >= 100 && Math.abs(skew[j]) < 1 && !chosen.includes(f)).sort();
    if (cands.length === 0) throw new Error("no candidate generating feature in a family");
    chosen.push(cands[rng.int(cands.length)]);
  }
  return chosen;
}

async function main(): Promise<void> {
  const mias = resolve(arg("mias", "/work/shared/data/mini-mias"));
  const out = resolve(arg("out", "demo"));
  const seed = Number(arg("seed", String(DEMO_SEED)));
  const rng = createRng(seed);
  mkdirSync(join(out, "images"), { recursive: true });
  mkdirSync(join(out, "masks"), { recursive: true });

  // 1. sources: every lesion row with coordinates, plus contralateral films at the mirrored location
  const gt = parseCsv(readFileSync(join(mias, "ground_truth.csv"), "utf8"));
  const ref = textColumn(gt, "refnum");
  const xs = textColumn(gt, "x");
  const ys = textColumn(gt, "y");
  const rad = textColumn(gt, "radius");
  const cls = textColumn(gt, "abnormality_class");
  const sev = textColumn(gt, "severity");
  const tis = textColumn(gt, "background_tissue");
  const rowsOf = new Map<string, number>();
  const lesions: Source[] = [];
  const abnormal = new Set<string>();
  for (let i = 0; i < gt.rows.length; i++) {
    const r = ref[i]!;
    if (cls[i] !== "NORM") abnormal.add(r);
    const k = (rowsOf.get(r) ?? 0) + 1;
    rowsOf.set(r, k);
    if (xs[i] === null || ys[i] === null || rad[i] === null) continue;
    lesions.push({ kind: "lesion", refnum: r, lesionRef: r, row: k, cls: cls[i]!, severity: sev[i] ?? "", tissue: tis[i]!, x: Number(xs[i]), y: Number(ys[i]), radius: Number(rad[i]) });
  }
  const partner = (r: string): string => {
    const num = Number(r.slice(3));
    return `mdb${String(num % 2 === 1 ? num + 1 : num - 1).padStart(3, "0")}`;
  };
  const extraNeeded = N_PATIENTS - lesions.length;
  const candidates = lesions.filter((s) => !abnormal.has(partner(s.refnum)) && existsSync(join(mias, "images", `${partner(s.refnum)}.png`)));
  const picked = shuffle(rng, [...candidates]).slice(0, extraNeeded);
  picked.sort((a, b) => (a.refnum + a.row < b.refnum + b.row ? -1 : 1));
  const sources: Source[] = [...lesions, ...picked.map((s) => ({ ...s, kind: "contralateral" as const, refnum: partner(s.refnum) }))];
  if (sources.length !== N_PATIENTS) throw new Error(`built ${sources.length} sources, need ${N_PATIENTS}`);
  // patient order shuffled so case codes do not reveal the source kind
  const order = shuffle(rng, sources.map((_, i) => i));

  // 2. images, ROIs, crops, features
  const cases: { code: string; src: Source; roi: string; roiPixels: number; circlePixels: number; crop: { rows: number; cols: number; top: number; left: number }; features: Record<string, number> }[] = [];
  const cache = new Map<string, Image2D>();
  let k = 0;
  for (const idx of order) {
    const src = sources[idx];
    const code = `DEMO-${String(++k).padStart(3, "0")}`;
    let img: Image2D;
    const cached = cache.get(src.refnum);
    if (cached) img = cached;
    else {
      const loaded = await loadImageFile(join(mias, "images", `${src.refnum}.png`));
      const right = Number(src.refnum.slice(3)) % 2 === 1; // Info.txt note 1: odd = right breast
      img = right ? flipH(loaded.image) : loaded.image;
      cache.clear();
      cache.set(src.refnum, img);
    }
    // centre in the chest-wall-left frame: row = 1024 - y; the annotated image's x, mirrored when that image is a
    // right breast; the contralateral film (flipped the other way) then shares the same normalised position
    const lesionRight = Number(src.lesionRef.slice(3)) % 2 === 1;
    const cRow = 1024 - src.y;
    const cCol = lesionRight ? 1023 - src.x : src.x;
    const roi = refineRoi(img, cRow, cCol, src.radius);
    const cp = crop(img, roi.mask);
    writeGreyPng(join(out, "images", `${code}.png`), cp.rows, cp.cols, cp.image);
    writeGreyPng(join(out, "masks", `${code}.png`), cp.rows, cp.cols, cp.mask);
    const cropImg: Image2D = { rows: cp.rows, cols: cp.cols, data: Float64Array.from(cp.image) };
    const cropMask: Mask2D = { rows: cp.rows, cols: cp.cols, data: Uint8Array.from(cp.mask, (v) => (v ? 1 : 0)) };
    const fx = extract(cropImg, cropMask, { spacing: [SPACING_MM, SPACING_MM], set: "seed-299", ng: 32 });
    cases.push({ code, src, roi: roi.method, roiPixels: maskArea(cropMask), circlePixels: Math.round(Math.PI * src.radius ** 2), crop: cp, features: fx.features });
    process.stderr.write(`\r${code} ${src.refnum} ${roi.method}      `);
  }
  process.stderr.write("\n");
  const featureNames = Object.keys(cases[0].features);

  // 3. generating features: chosen from the feature table only (no outcome exists yet)
  const X = cases.map((c) => featureNames.map((f) => c.features[f]));
  const chosen = chooseGeneratingFeatures(rng, featureNames, X);
  const z = chosen.map((f) => {
    const v = cases.map((c) => c.features[f]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    return { mean: m, sd, z: v.map((x) => Math.max(-3, Math.min(3, (x - m) / sd))) }; // winsorised at 3 SD so a few extreme ROIs do not dominate
  });

  // 4. clinical factors: exact pooled Table 1 marginals, shuffled; age normal(55.4, 11.1) rounded and clamped
  const tStage = exactDraw(rng, TABLE1_POOLED.t_stage);
  const location = exactDraw(rng, TABLE1_POOLED.location);
  const er = exactDraw(rng, TABLE1_POOLED.er);
  const pr = exactDraw(rng, TABLE1_POOLED.pr);
  const usAln = exactDraw(rng, TABLE1_POOLED.us_aln);
  const age = cases.map(() => Math.min(AGE.max, Math.max(AGE.min, Math.round(AGE.mean + AGE.sd * rng.normal()))));

  // 5. ALN status: logistic generating model; intercept solved so the expected events = 83; draws repeated
  //    until exactly 83 events (conditioning on the study's event count)
  const lpNoIntercept = cases.map((_, i) => {
    let s = 0;
    GENERATING.featureCoefficients.forEach((b, k2) => (s += b * z[k2].z[i]));
    s += usAln[i] === "positive" ? GENERATING.usAlnPositive : 0;
    s += GENERATING.tStageLogOr[tStage[i]];
    return s;
  });
  let lo = -10;
  let hi = 10;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    const e = lpNoIntercept.reduce((a, v) => a + plogis(mid + v), 0);
    if (e < GENERATING.events) lo = mid;
    else hi = mid;
  }
  const intercept = (lo + hi) / 2;
  const prob = lpNoIntercept.map((v) => plogis(intercept + v));
  let aln: number[] = [];
  let attempts = 0;
  for (;;) {
    attempts++;
    aln = prob.map((p) => (rng.uniform() < p ? 1 : 0));
    if (aln.reduce((a, b) => a + b, 0) === GENERATING.events) break;
  }
  // AUC of the true probabilities (Mann-Whitney)
  let conc = 0;
  let pairs = 0;
  for (let i = 0; i < aln.length; i++)
    for (let j = 0; j < aln.length; j++)
      if (aln[i] === 1 && aln[j] === 0) {
        pairs++;
        conc += prob[i] > prob[j] ? 1 : prob[i] === prob[j] ? 0.5 : 0;
      }
  const trueAuc = conc / pairs;

  // 6. split: outcome-stratified 110/37 with 61/22 events (the study's counts)
  const pos = shuffle(rng, aln.map((y, i) => (y === 1 ? i : -1)).filter((i) => i >= 0));
  const neg = shuffle(rng, aln.map((y, i) => (y === 0 ? i : -1)).filter((i) => i >= 0));
  const split = new Array<string>(aln.length).fill("primary");
  for (const i of pos.slice(61)) split[i] = "validation";
  for (const i of neg.slice(110 - 61)) split[i] = "validation";

  // 7. write
  const cohortLines = ["case_code,aln,age,t_stage,location,er,pr,us_aln,split,site,image_cc,mask_cc,image_mlo,mask_mlo,spacing_mm"];
  cases.forEach((c, i) =>
    cohortLines.push([c.code, aln[i], age[i], tStage[i], location[i], er[i], pr[i], usAln[i], split[i], "mini-MIAS", "", "", `images/${c.code}.png`, `masks/${c.code}.png`, SPACING_MM].join(",")),
  );
  writeFileSync(join(out, "cohort.csv"), cohortLines.join("\n") + "\n");
  const featLines = [["case_code", ...featureNames].join(",")];
  for (const c of cases) featLines.push([c.code, ...featureNames.map((f) => String(c.features[f]))].join(","));
  writeFileSync(join(out, "features.csv"), featLines.join("\n") + "\n");
  const provLines = ["case_code,source,image,annotated_image,annotation_row,class,severity,background_tissue,x,y,radius,flipped,roi_method,roi_pixels,circle_pixels,crop_top,crop_left,crop_rows,crop_cols"];
  for (const c of cases)
    provLines.push(
      [c.code, c.src.kind, c.src.refnum, c.src.lesionRef, c.src.row, c.src.cls, c.src.severity, c.src.tissue, c.src.x, c.src.y, c.src.radius, Number(c.src.refnum.slice(3)) % 2 === 1, c.roi, c.roiPixels, c.circlePixels, c.crop.top, c.crop.left, c.crop.rows, c.crop.cols].join(","),
    );
  writeFileSync(join(out, "provenance.csv"), provLines.join("\n") + "\n");
  const gen = {
    seed,
    note: "SEMI-SYNTHETIC demo cohort: real mini-MIAS pixels and features, simulated clinical factors and ALN status. Demo model — not for clinical use.",
    generating_features: chosen.map((f, k2) => ({ name: f, coefficient_per_sd: GENERATING.featureCoefficients[k2], mean: z[k2].mean, sd: z[k2].sd })),
    us_aln_positive: GENERATING.usAlnPositive,
    t_stage_log_or_vs_t1: GENERATING.tStageLogOr,
    intercept,
    events: GENERATING.events,
    draws_until_83_events: attempts,
    true_probability_auc: trueAuc,
    roi_threshold: cases.filter((c) => c.roi === "threshold").length,
    roi_circle: cases.filter((c) => c.roi === "circle").length,
    sources: { lesion: lesions.length, contralateral: picked.length },
  };
  writeFileSync(join(out, "generating-model.json"), JSON.stringify(gen, null, 2) + "\n");
  process.stderr.write(JSON.stringify(gen, null, 2) + "\n");
}

const isEntry = process.argv[1] && /make-cohort\.ts$/.test(process.argv[1]);
if (isEntry) await main();
