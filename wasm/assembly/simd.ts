// Small helpers shared by all kernels.

/** a * b + c: a fused multiply-add when built with relaxed-simd, else mul + add. */
// @ts-ignore: decorator
@inline export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** c - a * b. */
// @ts-ignore: decorator
@inline export function fms(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * relu as the reference computes it: NaN stays NaN, -0 and negatives become +0. pmax is one
 * instruction in V8 while f32x4.max (IEEE NaN and signed-zero rules) compiles to eight; pmax(-0, 0)
 * is -0, and -0 + 0 = +0.
 */
// @ts-ignore: decorator
@inline export function relu4(v: v128): v128 {
  const zero = f32x4.splat(0);
  return f32x4.add(f32x4.pmax(v, zero), zero);
}

/**
 * min(v, 6) after relu4, as the reference's relu6 rounds it: pmin keeps NaN (6 < NaN is false) and
 * is one instruction in V8, like pmax.
 */
// @ts-ignore: decorator
@inline export function cap6(v: v128): v128 {
  return f32x4.pmin(v, f32x4.splat(6));
}

/** Float offset -> byte pointer. */
// @ts-ignore: decorator
@inline export function f(p: usize, i: usize): usize { return p + (i << 2); }
