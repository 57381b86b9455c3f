// Fused optimizer updates (the ApplyOptimizer kernel): one pass over a variable reads w, g and
// the slots and writes the new w and slots, where the unfused update ran ~9 elementwise kernels.
// The equations are those of src/backend/ref/optimizer-rules.ts, op for op in float32 and with no
// fused multiply-add (even in the relaxed build), so results equal the reference bit for bit.
// Constants arrive already rounded to float32 in updateConstants' order; a slot pointer of 0
// means the option that needs that slot is off. Each export updates values [start, start + n): a
// large variable is split into such ranges across threads (every value computed the same way).

/** 4 lanes at p (full) or one value splatted (the tail, so both paths share one formula). */
// @ts-ignore: decorator
@inline function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : f32x4.splat(load<f32>(p));
}

// @ts-ignore: decorator
@inline function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

/** max(x, y), NaN-propagating like the Binary kernel's maximum. */
// @ts-ignore: decorator
@inline function maxNaN(x: v128, y: v128): v128 {
  return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
}

/** PyTorch's L2 weight decay: g + wd * w when on. */
// @ts-ignore: decorator
@inline function decayed(g: v128, w: v128, wd: v128, on: bool): v128 {
  return on ? f32x4.add(g, f32x4.mul(w, wd)) : g;
}

// @ts-ignore: decorator
@inline function sgdAt(o: usize, full: bool, w: usize, g: usize, m: usize, outW: usize, outM: usize,
  lr: v128, mom: v128, nesterov: bool): void {
  const s = f32x4.mul(ld(g + o, full), lr);
  const wi = ld(w + o, full);
  if (m == 0) {
    st(outW + o, f32x4.sub(wi, s), full);
  } else {
    const mi = f32x4.sub(f32x4.mul(ld(m + o, full), mom), s);
    st(outM + o, mi, full);
    st(outW + o, f32x4.add(wi, nesterov ? f32x4.sub(f32x4.mul(mi, mom), s) : mi), full);
  }
}

/** Keras SGD (momentum slot m, 0 when momentum is 0). */
export function sgdUpdate(w: usize, g: usize, m: usize, outW: usize, outM: usize, start: i32, n: i32,
  lr: f32, momentum: f32, nesterov: i32): void {
  const lrV = f32x4.splat(lr), momV = f32x4.splat(momentum);
  const end = <usize>(start + n) << 2, vecEnd = <usize>(start + (n & ~3)) << 2;
  let o: usize = <usize>start << 2;
  for (; o < vecEnd; o += 16) sgdAt(o, true, w, g, m, outW, outM, lrV, momV, nesterov != 0);
  for (; o < end; o += 4) sgdAt(o, false, w, g, m, outW, outM, lrV, momV, nesterov != 0);
}

// @ts-ignore: decorator
@inline function rmspropAt(o: usize, full: bool, w: usize, g: usize, v: usize, a: usize, m: usize,
  outW: usize, outV: usize, outA: usize, outM: usize, lr: v128, rho: v128, rho1: v128, eps: v128, mom: v128): void {
  const gi = ld(g + o, full);
  const vi = f32x4.add(f32x4.mul(ld(v + o, full), rho), f32x4.mul(f32x4.mul(gi, gi), rho1));
  st(outV + o, vi, full);
  let d: v128;
  if (a != 0) {
    const ai = f32x4.add(f32x4.mul(ld(a + o, full), rho), f32x4.mul(gi, rho1));
    st(outA + o, ai, full);
    d = f32x4.add(f32x4.sub(vi, f32x4.mul(ai, ai)), eps);
  } else {
    d = f32x4.add(vi, eps);
  }
  const inc = f32x4.div(f32x4.mul(gi, lr), f32x4.sqrt(d));
  const wi = ld(w + o, full);
  if (m != 0) {
    const mi = f32x4.add(f32x4.mul(ld(m + o, full), mom), inc);
    st(outM + o, mi, full);
    st(outW + o, f32x4.sub(wi, mi), full);
  } else {
    st(outW + o, f32x4.sub(wi, inc), full);
  }
}

/** Keras RMSprop (slots: velocity v, average_gradient a when centered, momentum m when > 0). */
export function rmspropUpdate(w: usize, g: usize, v: usize, a: usize, m: usize,
  outW: usize, outV: usize, outA: usize, outM: usize, start: i32, n: i32,
  lr: f32, rho: f32, rho1: f32, eps: f32, momentum: f32): void {
  const lrV = f32x4.splat(lr), rhoV = f32x4.splat(rho), rho1V = f32x4.splat(rho1);
  const epsV = f32x4.splat(eps), momV = f32x4.splat(momentum);
  const end = <usize>(start + n) << 2, vecEnd = <usize>(start + (n & ~3)) << 2;
  let o: usize = <usize>start << 2;
  for (; o < vecEnd; o += 16) rmspropAt(o, true, w, g, v, a, m, outW, outV, outA, outM, lrV, rhoV, rho1V, epsV, momV);
  for (; o < end; o += 4) rmspropAt(o, false, w, g, v, a, m, outW, outV, outA, outM, lrV, rhoV, rho1V, epsV, momV);
}

// @ts-ignore: decorator
@inline function adamAt(o: usize, full: bool, w: usize, g: usize, m: usize, v: usize, vh: usize,
  outW: usize, outM: usize, outV: usize, outVh: usize, lrT: v128, beta1c: v128, beta2c: v128, eps: v128): void {
  const gi = ld(g + o, full), m0 = ld(m + o, full), v0 = ld(v + o, full);
  const mi = f32x4.add(m0, f32x4.mul(f32x4.sub(gi, m0), beta1c));
  st(outM + o, mi, full);
  let vi = f32x4.add(v0, f32x4.mul(f32x4.sub(f32x4.mul(gi, gi), v0), beta2c));
  st(outV + o, vi, full);
  if (vh != 0) {
    vi = maxNaN(ld(vh + o, full), vi);
    st(outVh + o, vi, full);
  }
  const step = f32x4.div(f32x4.mul(mi, lrT), f32x4.add(f32x4.sqrt(vi), eps));
  st(outW + o, f32x4.sub(ld(w + o, full), step), full);
}

/** Keras Adam (slots: momentum m, velocity v, velocity_hat vh when amsgrad). */
export function adamUpdate(w: usize, g: usize, m: usize, v: usize, vh: usize,
  outW: usize, outM: usize, outV: usize, outVh: usize, start: i32, n: i32,
  lrT: f32, beta1c: f32, beta2c: f32, eps: f32): void {
  const lrV = f32x4.splat(lrT), b1V = f32x4.splat(beta1c), b2V = f32x4.splat(beta2c), epsV = f32x4.splat(eps);
  const end = <usize>(start + n) << 2, vecEnd = <usize>(start + (n & ~3)) << 2;
  let o: usize = <usize>start << 2;
  for (; o < vecEnd; o += 16) adamAt(o, true, w, g, m, v, vh, outW, outM, outV, outVh, lrV, b1V, b2V, epsV);
  for (; o < end; o += 4) adamAt(o, false, w, g, m, v, vh, outW, outM, outV, outVh, lrV, b1V, b2V, epsV);
}

// @ts-ignore: decorator
@inline function torchSgdAt(o: usize, full: bool, w: usize, g: usize, b: usize, outW: usize, outB: usize,
  lr: v128, mom: v128, damp1: v128, wd: v128, decay: bool, nesterov: bool, first: bool): void {
  const wi = ld(w + o, full);
  let gi = decayed(ld(g + o, full), wi, wd, decay);
  if (b != 0) {
    const bi = first ? gi : f32x4.add(f32x4.mul(ld(b + o, full), mom), f32x4.mul(gi, damp1));
    st(outB + o, bi, full);
    gi = nesterov ? f32x4.add(gi, f32x4.mul(bi, mom)) : bi;
  }
  st(outW + o, f32x4.sub(wi, f32x4.mul(gi, lr)), full);
}

/** PyTorch SGD (slot: momentum buffer b when momentum > 0; `first`: it starts as the gradient). */
export function torchSgdUpdate(w: usize, g: usize, b: usize, outW: usize, outB: usize, start: i32, n: i32,
  lr: f32, momentum: f32, damp1: f32, wd: f32, decay: i32, nesterov: i32, first: i32): void {
  const lrV = f32x4.splat(lr), momV = f32x4.splat(momentum), dV = f32x4.splat(damp1), wdV = f32x4.splat(wd);
  const end = <usize>(start + n) << 2, vecEnd = <usize>(start + (n & ~3)) << 2;
  let o: usize = <usize>start << 2;
  for (; o < vecEnd; o += 16) torchSgdAt(o, true, w, g, b, outW, outB, lrV, momV, dV, wdV, decay != 0, nesterov != 0, first != 0);
  for (; o < end; o += 4) torchSgdAt(o, false, w, g, b, outW, outB, lrV, momV, dV, wdV, decay != 0, nesterov != 0, first != 0);
}

// @ts-ignore: decorator
@inline function torchRmspropAt(o: usize, full: bool, w: usize, g: usize, s: usize, a: usize, b: usize,
  outW: usize, outS: usize, outA: usize, outB: usize,
  lr: v128, rho: v128, rho1: v128, eps: v128, mom: v128, wd: v128, decay: bool): void {
  const wi = ld(w + o, full);
  const gi = decayed(ld(g + o, full), wi, wd, decay);
  let spread = f32x4.add(f32x4.mul(ld(s + o, full), rho), f32x4.mul(f32x4.mul(gi, gi), rho1));
  st(outS + o, spread, full);
  if (a != 0) {
    const ai = f32x4.add(f32x4.mul(ld(a + o, full), rho), f32x4.mul(gi, rho1));
    st(outA + o, ai, full);
    spread = f32x4.sub(spread, f32x4.mul(ai, ai));
  }
  const scaled = f32x4.div(gi, f32x4.add(f32x4.sqrt(spread), eps));
  if (b != 0) {
    const bi = f32x4.add(f32x4.mul(ld(b + o, full), mom), scaled);
    st(outB + o, bi, full);
    st(outW + o, f32x4.sub(wi, f32x4.mul(bi, lr)), full);
  } else {
    st(outW + o, f32x4.sub(wi, f32x4.mul(scaled, lr)), full);
  }
}

/** PyTorch RMSprop (slots: square average s, grad average a when centered, buffer b when momentum > 0). */
export function torchRmspropUpdate(w: usize, g: usize, s: usize, a: usize, b: usize,
  outW: usize, outS: usize, outA: usize, outB: usize, start: i32, n: i32,
  lr: f32, rho: f32, rho1: f32, eps: f32, momentum: f32, wd: f32, decay: i32): void {
  const lrV = f32x4.splat(lr), rhoV = f32x4.splat(rho), rho1V = f32x4.splat(rho1);
  const epsV = f32x4.splat(eps), momV = f32x4.splat(momentum), wdV = f32x4.splat(wd);
  const end = <usize>(start + n) << 2, vecEnd = <usize>(start + (n & ~3)) << 2;
  let o: usize = <usize>start << 2;
  for (; o < vecEnd; o += 16) torchRmspropAt(o, true, w, g, s, a, b, outW, outS, outA, outB, lrV, rhoV, rho1V, epsV, momV, wdV, decay != 0);
  for (; o < end; o += 4) torchRmspropAt(o, false, w, g, s, a, b, outW, outS, outA, outB, lrV, rhoV, rho1V, epsV, momV, wdV, decay != 0);
}

// @ts-ignore: decorator
@inline function torchAdamAt(o: usize, full: bool, w: usize, g: usize, m: usize, v: usize, vm: usize,
  outW: usize, outM: usize, outV: usize, outVm: usize,
  stepSize: v128, b1: v128, b1c: v128, b2: v128, b2c: v128, bias2Sqrt: v128, eps: v128, wd: v128, decay: bool): void {
  const wi = ld(w + o, full);
  const gi = decayed(ld(g + o, full), wi, wd, decay);
  const mi = f32x4.add(f32x4.mul(ld(m + o, full), b1), f32x4.mul(gi, b1c));
  st(outM + o, mi, full);
  let vi = f32x4.add(f32x4.mul(ld(v + o, full), b2), f32x4.mul(f32x4.mul(gi, gi), b2c));
  st(outV + o, vi, full);
  if (vm != 0) {
    vi = maxNaN(ld(vm + o, full), vi);
    st(outVm + o, vi, full);
  }
  const d = f32x4.add(f32x4.div(f32x4.sqrt(vi), bias2Sqrt), eps);
  st(outW + o, f32x4.sub(wi, f32x4.mul(f32x4.div(mi, d), stepSize)), full);
}

/** PyTorch Adam (slots: expAvg m, expAvgSq v, maxExpAvgSq vm when amsgrad). */
export function torchAdamUpdate(w: usize, g: usize, m: usize, v: usize, vm: usize,
  outW: usize, outM: usize, outV: usize, outVm: usize, start: i32, n: i32,
  stepSize: f32, b1: f32, b1c: f32, b2: f32, b2c: f32, bias2Sqrt: f32, eps: f32, wd: f32, decay: i32): void {
  const sV = f32x4.splat(stepSize), b1V = f32x4.splat(b1), b1cV = f32x4.splat(b1c), b2V = f32x4.splat(b2);
  const b2cV = f32x4.splat(b2c), bsV = f32x4.splat(bias2Sqrt), epsV = f32x4.splat(eps), wdV = f32x4.splat(wd);
  const end = <usize>(start + n) << 2, vecEnd = <usize>(start + (n & ~3)) << 2;
  let o: usize = <usize>start << 2;
  for (; o < vecEnd; o += 16) torchAdamAt(o, true, w, g, m, v, vm, outW, outM, outV, outVm, sV, b1V, b1cV, b2V, b2cV, bsV, epsV, wdV, decay != 0);
  for (; o < end; o += 4) torchAdamAt(o, false, w, g, m, v, vm, outW, outM, outV, outVm, sV, b1V, b1cV, b2V, b2cV, bsV, epsV, wdV, decay != 0);
}
