// Seeded pseudo-random numbers for everything random in Axilla (splits, bootstraps, demo data).
// Mersenne Twister (MT19937) from @stdlib, so a seed gives the same stream on every machine.
import mt19937 from "@stdlib/random-base-mt19937";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

export interface Rng {
  /** uniform on [0, 1) with 53-bit resolution */
  uniform(): number;
  /** integer uniform on [0, n) */
  int(n: number): number;
  /** standard normal by inversion of a uniform on (0, 1) */
  normal(): number;
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const mt = mt19937.factory({ seed: seed >>> 0 || 1 });
  const max = 4294967296; // 2^32
  const u53 = (): number => {
    // two 32-bit draws -> 53-bit double in [0,1): (a*2^26 + b) / 2^53 with a = 27 bits, b = 26 bits
    const a = mt() >>> 5;
    const b = mt() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  };
  return {
    uniform: u53,
    int(n: number) {
      if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
      // rejection sampling avoids modulo bias
      const limit = max - (max % n);
      for (;;) {
        const v = mt();
        if (v < limit) return v % n;
      }
    },
    normal() {
      let u = u53();
      while (u === 0) u = u53();
      return normalQuantile(u, 0, 1);
    },
  };
}

/** n indices drawn with replacement from 0..n-1 (one bootstrap resample). */
export function bootstrapIndices(rng: Rng, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(n);
  return out;
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffle<T>(rng: Rng, a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
