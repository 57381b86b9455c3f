/**
 * erf and erfc in float64, |error| < 1e-15 absolute (erfc also relative in the tails, which the
 * exact-erf GELU needs for large negative inputs). Two classic expansions, no fitted constants:
 * - |x| < 2.5: erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n x (2x^2)^n / (1*3*...*(2n+1)); every term is
 *   positive, so there is no cancellation (unlike the alternating Taylor series).
 * - x >= 2.5: erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
 *   the Laplace continued fraction, evaluated bottom-up; it converges fast once x is large.
 */
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;
const SERIES_LIMIT = 2.5;
const CF_TERMS = 40;

function erfSeries(x: number): number {
  if (x === 0) return x;
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc for x >= SERIES_LIMIT. */
function erfcContinuedFraction(x: number): number {
  let t = x;
  for (let k = CF_TERMS; k >= 1; k--) t = x + k / 2 / t;
  return (INV_SQRT_PI * Math.exp(-x * x)) / t;
}

export function erf(x: number): number {
  if (x !== x) return NaN;
  if (Math.abs(x) < SERIES_LIMIT) return erfSeries(x);
  const tail = erfcContinuedFraction(Math.abs(x));
  return x > 0 ? 1 - tail : tail - 1;
}

export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x >= SERIES_LIMIT) return erfcContinuedFraction(x);
  if (x <= -SERIES_LIMIT) return 2 - erfcContinuedFraction(-x);
  return 1 - erfSeries(x);
}
