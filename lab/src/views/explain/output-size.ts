/**
 * The output-size formula of a convolution or pooling window, worked out with the numbers, as
 * the lecture writes it: (n + 2p - f) / s + 1. When s does not divide n + 2p - f the window
 * stops before the edge, so the division rounds down (the floor), as every framework does.
 *
 * Example: n = 5, p = 1, f = 3, s = 2 gives "(5 + 2×1 − 3) / 2 + 1 = 4 / 2 + 1 = 2 + 1 = 3".
 */
export interface OutputSize {
  /** The output size, or 0 when the window does not fit. */
  size: number;
  /** The formula with the numbers substituted and the result. */
  worked: string;
}

export function workedOutputSize(n: number, f: number, s: number, p: number): OutputSize {
  const span = n + 2 * p - f;
  const head = `(${n} + 2×${p} − ${f}) / ${s} + 1`;
  if (span < 0) return { size: 0, worked: `${head}: the ${f}-wide window does not fit the ${n + 2 * p}-wide padded input` };
  const size = Math.floor(span / s) + 1;
  const exact = span % s === 0;
  const step = exact ? `${span} / ${s} + 1 = ${span / s} + 1` : `⌊${span} / ${s}⌋ + 1 = ${Math.floor(span / s)} + 1`;
  return { size, worked: `${head} = ${step} = ${size}` };
}
