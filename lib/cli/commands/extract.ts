// `axilla extract` (cli.md "Radiomics"): features of one image + ROI mask, or the IBSI digital phantom.
//   axilla extract --image FILE --mask MASK [--spacing SY,SX] [--set seed-299|ibsi-extended] [--ng 32]
//                  [--bin-width W [--bin-lower-bound L]] [--resample MM] [--repeat N]
//   --resample MM: resample to MM mm isotropic first (bilinear image, nearest-neighbour mask); the settings JSON
//   then carries resampled_mm, original_spacing_mm and resampling, and spacing_mm is [MM, MM]
//   axilla extract --phantom phantom.json
import { readFile } from "node:fs/promises";
import { CliError, flag, numberFlag, parseArgs, requireFlag } from "../io.ts";
import { extract, type ExtractOptions, type ExtractResult } from "../../radiomics/extract.ts";
import { extractPhantom, PhantomError, type PhantomJson } from "../../radiomics/phantom.ts";
import { isFeatureSetName, FEATURE_SETS } from "../../radiomics/sets.ts";
import { loadImageFile, loadMaskFile } from "../../image/load.ts";

function parseSpacing(s: string): [number, number] {
  const parts = s.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 2 || !parts.every((v) => Number.isFinite(v) && v > 0)) {
    throw new CliError(`--spacing must be two positive numbers in mm "SY,SX" (row, column), got "${s}"`);
  }
  return [parts[0], parts[1]];
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Errors from the libraries that mean "bad input" become one-line CliErrors (exit 2). */
function asCliError(e: unknown): unknown {
  if (e instanceof CliError) return e;
  if (e instanceof Error && /Error$/.test(e.name) && e.name !== "Error" && e.name !== "TypeError" && e.name !== "RangeError") {
    return new CliError(e.message);
  }
  if (e instanceof Error && (e as NodeJS.ErrnoException).code === "ENOENT") return new CliError(e.message);
  return e;
}

async function runPhantom(path: string): Promise<unknown> {
  let json: PhantomJson;
  try {
    json = JSON.parse(await readFile(path, "utf8")) as PhantomJson;
  } catch (e) {
    throw new CliError(`--phantom ${path}: cannot read JSON (${(e as Error).message.split("\n")[0]})`);
  }
  try {
    return extractPhantom(json);
  } catch (e) {
    if (e instanceof PhantomError) throw new CliError(`--phantom ${path}: ${e.message}`);
    throw e;
  }
}

export async function run(argv: string[]): Promise<unknown> {
  const args = parseArgs(argv);
  const phantom = flag(args, "phantom");
  if (phantom !== undefined && phantom !== "true") return runPhantom(phantom);
  if (phantom === "true") throw new CliError("--phantom needs a file: --phantom phantom.json");
  const imagePath = requireFlag(args, "image");
  const maskPath = requireFlag(args, "mask");
  const set = flag(args, "set") ?? "seed-299";
  if (!isFeatureSetName(set)) throw new CliError(`--set must be one of ${FEATURE_SETS.join(", ")}, got "${set}"`);
  const ng = numberFlag(args, "ng", 32);
  if (!Number.isInteger(ng) || ng < 1) throw new CliError(`--ng must be a positive integer, got ${ng}`);
  const binWidthRaw = flag(args, "bin-width");
  const binWidth = binWidthRaw === undefined ? undefined : numberFlag(args, "bin-width");
  const binLowerRaw = flag(args, "bin-lower-bound");
  const binLowerBound = binLowerRaw === undefined ? undefined : numberFlag(args, "bin-lower-bound");
  if (binLowerBound !== undefined && binWidth === undefined) throw new CliError("--bin-lower-bound needs --bin-width");
  const repeat = numberFlag(args, "repeat", 0);
  if (!Number.isInteger(repeat) || repeat < 0) throw new CliError(`--repeat must be a non-negative integer, got ${repeat}`);
  const spacingFlag = flag(args, "spacing");
  const resampleRaw = flag(args, "resample");
  const resampleMm = resampleRaw === undefined ? undefined : numberFlag(args, "resample");
  if (resampleMm !== undefined && !(resampleMm > 0 && Number.isFinite(resampleMm))) throw new CliError(`--resample must be a positive number of mm, got "${resampleRaw}"`);

  try {
    const loaded = await loadImageFile(imagePath);
    const mask = await loadMaskFile(maskPath, { rows: loaded.image.rows, cols: loaded.image.cols });
    let spacing: [number, number];
    let spacingSource: string;
    if (spacingFlag !== undefined) {
      spacing = parseSpacing(spacingFlag);
      spacingSource = "user (--spacing)";
    } else if (loaded.spacing) {
      spacing = loaded.spacing.mm;
      spacingSource = loaded.spacing.source;
    } else {
      throw new CliError(`${imagePath} declares no pixel spacing (needed for shape features); pass --spacing SY,SX in mm`);
    }
    const opts: ExtractOptions = { spacing, set, ng, binWidth, binLowerBound, ...(resampleMm !== undefined ? { resampleMm } : {}) };
    const result: ExtractResult = extract(loaded.image, mask, opts);
    const out: Record<string, unknown> = {
      set: result.set,
      settings: {
        ...result.settings,
        spacing_source: spacingSource,
        image: { format: loaded.format, rows: loaded.image.rows, cols: loaded.image.cols, inverted: loaded.inverted, laterality: loaded.laterality, view: loaded.view },
      },
      features: result.features,
    };
    if (repeat > 0) {
      // the extraction above was the warm-up; N more in-process, decode excluded
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const t0 = performance.now();
        extract(loaded.image, mask, opts);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      out.timing_ms = { median: median(times), min: times[0], max: times[times.length - 1], n: repeat };
    }
    return out;
  } catch (e) {
    throw asCliError(e);
  }
}
