// Distribution tails for p-values. Complementary tails are evaluated directly (never 1 - cdf) so
// p-values stay accurate to ~1e-13 relative even at 1e-93 (README: relative 1e-8 required).
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import gammainc from "@stdlib/math-base-special-gammainc";

/** P(Z <= z), standard normal. */
export function pnorm(z: number): number {
  return normalCdf(z, 0, 1);
}

/** P(Z > z) = Phi(-z) (complementary tail, exact for large z). */
export function pnormUpper(z: number): number {
  return normalCdf(-z, 0, 1);
}

/** two-sided normal p = 2 Phi(-|z|) */
export function pnormTwoSided(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

export function qnorm(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** P(T <= t), Student t with df degrees of freedom. */
export function pt(t: number, df: number): number {
  return tCdf(t, df);
}

/** two-sided t p = 2 P(T <= -|t|) (as R's 2*min(pt(t), 1-pt(t))) */
export function ptTwoSided(t: number, df: number): number {
  return Math.min(1, 2 * tCdf(-Math.abs(t), df));
}

export function qt(p: number, df: number): number {
  return tQuantile(p, df);
}

/** P(X > x) for chi-square(df) = upper regularised incomplete gamma Q(df/2, x/2). */
export function pchisqUpper(x: number, df: number): number {
  if (!(x > 0)) return 1;
  if (!Number.isFinite(x)) return 0;
  return gammainc(x / 2, df / 2, true, true);
}
