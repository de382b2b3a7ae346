// rms::validate / calibrate (B = 200) against rotterdam_validate_calibrate.json. With R's resample
// indices the whole table must match to abs 1e-7 (n exact); with our own seeded resampling, within the
// README's 4·√2·sd seed-spread tolerances. index_orig, predy and calibrated_orig: abs 1e-9.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lrm } from "../../../lib/stats/logistic.ts";
import { validateAndCalibrate, VALIDATE_INDEXES, emax } from "../../../lib/stats/validate.ts";
import { calibrationStats } from "../../../lib/stats/calibrate.ts";
import { lowess } from "../../../lib/stats/clowess.ts";
import { fixture, bootstrapIndices, rotterdam, absClose, allAbsClose } from "./lrm-helpers.ts";

const R = fixture("rotterdam_validate_calibrate.json");
const L = fixture("rotterdam_lrm.json");

let idxCache: Int32Array[] | undefined;
function rIndices(): Int32Array[] {
  if (!idxCache) {
    const bi = bootstrapIndices();
    assert.equal(bi.n, 2237);
    assert.equal(bi.B, 200);
    idxCache = bi.indices.map((s) => Int32Array.from(s, (v) => v - 1));
  }
  return idxCache;
}

for (const key of ["main", "spline"] as const) {
  const F = R.models[key];
  test(`validate/calibrate ${key}: replay of R's 200 resamples`, () => {
    const model = lrm(rotterdam().train, F.formula);
    const r = validateAndCalibrate(model, { indices: rIndices() });
    for (const name of VALIDATE_INDEXES) {
      const E = F.validate[name];
      const got = r.validate.index[name];
      absClose(got.apparent, E.index_orig, 1e-9, `${name} index_orig`);
      absClose(got.training, E.training, 1e-7, `${name} training`);
      absClose(got.test, E.test, 1e-7, `${name} test`);
      absClose(got.optimism, E.optimism, 1e-7, `${name} optimism`);
      absClose(got.corrected, E.index_corrected, 1e-7, `${name} corrected`);
      assert.equal(got.n, E.n, `${name} n`);
    }
    const C = F.calibrate;
    allAbsClose(r.calibrate.predicted, C.predy, 1e-9, "predy");
    allAbsClose(r.calibrate.apparent, C.calibrated_orig, 1e-9, "calibrated_orig");
    allAbsClose(r.calibrate.corrected, C.calibrated_corrected, 1e-7, "calibrated_corrected");
    allAbsClose(r.calibrate.optimism, C.optimism, 1e-7, "optimism");
    allAbsClose(r.calibrate.training, C.training, 1e-7, "training");
    allAbsClose(r.calibrate.test, C.test, 1e-7, "test");
    assert.deepEqual(r.calibrate.n, C.n);
    absClose(r.calibrate.meanAbsoluteError, C.mean_absolute_error, 1e-7, "mean |error|");
    absClose(r.calibrate.meanSquaredError, C.mean_squared_error, 1e-7, "MSE");
    absClose(r.calibrate.quantile90AbsoluteError, C.quantile90_absolute_error, 1e-7, "0.9 quantile |error|");
  });
}

test("validate/calibrate main: own seeded resampling within the seed-spread tolerance", () => {
  const F = R.models.main;
  const model = lrm(rotterdam().train, F.formula);
  const r = validateAndCalibrate(model, { B: 200, seed: 7001 });
  const tol = F.seed_spread.recommended_abs_tolerance_independent_rng;
  tol.rows.forEach((name: (typeof VALIDATE_INDEXES)[number], i: number) => {
    absClose(r.validate.index[name].optimism, F.validate[name].optimism, tol.optimism_and_index_corrected[i], `${name} optimism`);
    absClose(r.validate.index[name].corrected, F.validate[name].index_corrected, tol.optimism_and_index_corrected[i], `${name} corrected`);
  });
  r.calibrate.corrected.forEach((v, k) => absClose(v, F.calibrate.calibrated_corrected[k], tol.calibrated_corrected[k], `calibrated_corrected[${k}]`));
  // deterministic for a seed
  const again = validateAndCalibrate(model, { B: 5, seed: 3 });
  assert.deepEqual(validateAndCalibrate(model, { B: 5, seed: 3 }), again);
});

test("Emax and calibration statistics of the apparent fit", () => {
  // perfectly calibrated line: Emax 0; the fixture's validate Emax from the corrected intercept/slope
  absClose(emax(0, 1), 0, 1e-15, "Emax of the identity line");
  const V = R.models.main.validate;
  absClose(emax(V.Intercept.index_corrected, V.Slope.index_corrected), V.Emax.index_corrected, 1e-12, "Emax from R's corrected intercept/slope");
  // recalibrating R's own apparent probabilities gives intercept 0 and slope 1 (lrm.fit(logit p, y))
  const lp: number[] = L.models.main.train.linear_predictor;
  const model = lrm(rotterdam().train, L.models.main.formula);
  const cs = calibrationStats(lp.map((v) => 1 / (1 + Math.exp(-v))), model.y);
  absClose(cs.intercept, 0, 1e-9, "calibration intercept");
  absClose(cs.slope, 1, 1e-9, "calibration slope");
  absClose(cs.brier, L.models.main.stats.Brier, 1e-12, "Brier");
  absClose(cs.cIndex, L.models.main.discrimination.train_exact_somers2.C, 1e-12, "C");
});

test("lowess: R's clowess on a small example (lowess(cars))", () => {
  // datasets::cars, R: lowess(cars)$y (iter = 3 default)
  const speed = [4, 4, 7, 7, 8, 9, 10, 10, 10, 11, 11, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 16, 16, 17, 17, 17, 18, 18, 18, 18, 19, 19, 19, 20, 20, 20, 20, 20, 22, 23, 24, 24, 24, 24, 25];
  const dist = [2, 10, 4, 22, 16, 10, 18, 26, 34, 17, 28, 14, 20, 24, 28, 26, 34, 34, 46, 26, 36, 60, 80, 20, 26, 54, 32, 40, 32, 40, 50, 42, 56, 76, 84, 36, 46, 68, 32, 48, 52, 56, 64, 66, 54, 70, 92, 93, 120, 85];
  const out = lowess(speed, dist);
  const expected = [4.965459, 4.965459, 13.124495, 13.124495, 15.858633, 18.579691, 21.280313, 21.280313, 21.280313, 24.129277, 24.129277, 27.119549, 27.119549, 27.119549, 27.119549, 30.027276, 30.027276, 30.027276, 30.027276, 32.962506, 32.962506, 32.962506, 32.962506, 36.757728, 36.757728, 36.757728, 40.435075, 40.435075, 43.463492, 43.463492, 43.463492, 46.885479, 46.885479, 46.885479, 46.885479, 50.793152, 50.793152, 50.793152, 56.491224, 56.491224, 56.491224, 56.491224, 56.491224, 67.585824, 73.079695, 78.643164, 78.643164, 78.643164, 78.643164, 84.328698];
  allAbsClose(out.y, expected, 5e-6, "lowess(cars)$y");
});
