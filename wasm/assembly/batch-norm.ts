// BatchNormalization in training mode over the last axis of x [rows, C] (NHWC: rows = N * H * W),
// forward and backward in two passes each: per-channel sums over a fixed block of rows into a
// float64 part (the caller adds the parts in order, so sums do not depend on the thread count),
// then one elementwise pass with per-channel coefficients the caller computes from the sums.

import { BN_RELU, BN_RELU6 } from './codes';

// @ts-ignore: decorator
@inline function lowF64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function highF64(v: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)); }

// Rows are added in float32 over runs of this many rows (SIMD, 4 lanes per add), and each run's
// float32 sum is then added to the float64 sums: per row, the float64 promotions and adds (twice
// the instructions of float32 on 2 lanes) made the sums passes compute-bound; one float32 run of
// 8 rows adds at most ~8 float32 roundings of its own magnitude. Runs start at fixed rows (every
// BN_RUN_ROWS rows from a part's first row), so sums do not depend on the thread count. A run is
// read row by row, each row's channels in order (its float32 sums in an L1 scratch of the part):
// every stream is read front to back, as the hardware prefetches it. (Summing 8 channels at a
// time down a block of rows, sums in registers, read each row's cache lines one by one across the
// rows: 3-4x slower in a training step, where x and y come from DRAM.)
const BN_RUN_ROWS = 8;

/** Adds the float32 sums v (4 channels) to the float64 sums at o (4 values). */
// @ts-ignore: decorator
@inline function addRunF64(o: usize, v: v128): void {
  v128.store(o, f64x2.add(v128.load(o), lowF64(v)));
  v128.store(o, f64x2.add(v128.load(o, 16), highF64(v)), 16);
}

/** The float32 values of 4 float64 values at p (exact when they came from float32). */
// @ts-ignore: decorator
@inline function f32From64(p: usize): v128 {
  const lo = f32x4.demote_f64x2_zero(v128.load(p)), hi = f32x4.demote_f64x2_zero(v128.load(p, 16));
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/**
 * Adds rows [0, nrows) (at most BN_RUN_ROWS) of the channels [0, c8) at x into the float64 sums of
 * d = x - shift and d * d at o and o2 (shift: float32 [c8] at h): d, d * d and the run's sums in
 * float32 at s and q, each channel's run sum then added in float64.
 */
// @ts-ignore: decorator
@inline function statsRun(x: usize, rowB: usize, nrows: i32, c8: usize, h: usize, s: usize, q: usize, o: usize, o2: usize): void {
  memory.fill(s, 0, c8 << 2);
  memory.fill(q, 0, c8 << 2);
  for (let r = 0; r < nrows; r++) {
    for (let c: usize = 0; c < c8; c += 8) {
      const k = c << 2;
      const d0 = f32x4.sub(v128.load(x + k), v128.load(h + k)), d1 = f32x4.sub(v128.load(x + k, 16), v128.load(h + k, 16));
      v128.store(s + k, f32x4.add(v128.load(s + k), d0));
      v128.store(s + k, f32x4.add(v128.load(s + k, 16), d1), 16);
      v128.store(q + k, f32x4.add(v128.load(q + k), f32x4.mul(d0, d0)));
      v128.store(q + k, f32x4.add(v128.load(q + k, 16), f32x4.mul(d1, d1)), 16);
    }
    x += rowB;
  }
  for (let c: usize = 0; c < c8; c += 4) {
    addRunF64(o + (c << 3), v128.load(s + (c << 2)));
    addRunF64(o2 + (c << 3), v128.load(q + (c << 2)));
  }
}

/** The statistics of the channels from c8 on (fewer than 8), in float64 row by row. */
function statsTail(x: usize, rowB: usize, nrows: i32, C: usize, c8: usize, sh: usize, o: usize, o2: usize): void {
  for (let r = 0; r < nrows; r++) {
    for (let c = c8; c < C; c++) {
      const d = <f64>load<f32>(x + (c << 2)) - load<f64>(sh + (c << 3));
      store<f64>(o + (c << 3), load<f64>(o + (c << 3)) + d);
      store<f64>(o2 + (c << 3), load<f64>(o2 + (c << 3)) + d * d);
    }
    x += rowB;
  }
}

/**
 * Part `part` of the forward's statistics in one pass over rows [part * perPart, min(rows,
 * (part + 1) * perPart)): out (float64 [2, C], at out + part * 2 * C * 8) = [sum of d, sum of
 * d * d], d = x - shift in float64 (shift: float64 [C], e.g. x's first row, so that d is small
 * next to x's mean and mean = shift + sum d / n, variance = sum d^2 / n - (sum d / n)^2 lose
 * nothing to cancellation worth a second pass over x). Rows are added in row order per channel.
 * The part's scratch: runs + part * C * 12 (the float32 shift, then the runs' sums; C & ~7 each).
 */
export function bnStatsPart(x: usize, rows: i32, C: i32, shift: usize, perPart: i32, part: i32, out: usize, runs: usize): void {
  const o = out + <usize>part * (<usize>C << 4);
  const o2 = o + (<usize>C << 3);
  memory.fill(o, 0, <usize>C << 4);
  const r0 = part * perPart, r1 = min(rows, r0 + perPart);
  const rowB = <usize>C << 2;
  const c8 = <usize>(C & ~7);
  const h = runs + <usize>part * <usize>C * 12, s = h + (c8 << 2), q = s + (c8 << 2);
  for (let c: usize = 0; c < c8; c += 4) v128.store(h + (c << 2), f32From64(shift + (c << 3)));
  for (let b = r0; b < r1; b += BN_RUN_ROWS) {
    const n = min(BN_RUN_ROWS, r1 - b);
    const p = x + <usize>b * rowB;
    if (c8 > 0) statsRun(p, rowB, n, c8, h, s, q, o, o2);
    if (c8 < <usize>C) statsTail(p, rowB, n, <usize>C, c8, shift, o, o2);
  }
}

/**
 * dy where y > 0 (and y < 6 when `cap6`: relu6), else 0 (the gradient through a fused
 * activation); dy itself when `masked` is false.
 */
// @ts-ignore: decorator
@inline function maskedDy(dy: v128, y: usize, masked: bool, cap6: bool): v128 {
  if (!masked) return dy;
  const yv = v128.load(y);
  const on = f32x4.gt(yv, f32x4.splat(0));
  return v128.and(dy, cap6 ? v128.and(on, f32x4.lt(yv, f32x4.splat(6))) : on);
}

/** The scalar maskedDy. */
// @ts-ignore: decorator
@inline function maskedDy1(dy: f32, y: usize, masked: bool, cap6: bool): f32 {
  if (!masked) return dy;
  const yv = load<f32>(y);
  return yv > 0 && (!cap6 || yv < 6) ? dy : 0;
}

/**
 * One row of a run: adds dy and dy (x - mean) of the channels [0, c8) at g / p into the float32 run
 * sums at s / t (dy masked by y > 0 when `masked`, y at dy's offsets; and y < 6 when `cap6`);
 * when `write`, the masked dy also goes to w (same offsets).
 */
// @ts-ignore: decorator
@inline function gradRunRow(g: usize, p: usize, y: usize, mean: usize, c8: usize, s: usize, t: usize, masked: bool, cap6: bool, w: usize, write: bool): void {
  for (let c: usize = 0; c < c8; c += 8) {
    const q = c << 2;
    const g0 = maskedDy(v128.load(g + q), y + q, masked, cap6), g1 = maskedDy(v128.load(g + q, 16), y + q + 16, masked, cap6);
    if (write) { v128.store(w + q, g0); v128.store(w + q, g1, 16); }
    v128.store(s + q, f32x4.add(v128.load(s + q), g0));
    v128.store(s + q, f32x4.add(v128.load(s + q, 16), g1), 16);
    v128.store(t + q, f32x4.add(v128.load(t + q), f32x4.mul(g0, f32x4.sub(v128.load(p + q), v128.load(mean + q)))));
    v128.store(t + q, f32x4.add(v128.load(t + q, 16), f32x4.mul(g1, f32x4.sub(v128.load(p + q, 16), v128.load(mean + q, 16)))), 16);
  }
}

/**
 * Adds rows [0, nrows) (at most BN_RUN_ROWS) of the channels [0, c8) into the float64 sums at o / o2:
 * rows in order, each row's channels in order (so the three streams are read front to back, as the
 * hardware prefetches them), summed per channel in float32 at s / t, then added in float64.
 */
// @ts-ignore: decorator
@inline function gradRun(g: usize, p: usize, y: usize, rowB: usize, nrows: i32, mean: usize, c8: usize, s: usize, t: usize, o: usize, o2: usize, masked: bool, cap6: bool, w: usize, write: bool): void {
  memory.fill(s, 0, c8 << 2);
  memory.fill(t, 0, c8 << 2);
  for (let r = 0; r < nrows; r++) {
    gradRunRow(g, p, y, mean, c8, s, t, masked, cap6, w, write);
    g += rowB; p += rowB; y += rowB; w += rowB;
  }
  for (let c: usize = 0; c < c8; c += 4) {
    addRunF64(o + (c << 3), v128.load(s + (c << 2)));
    addRunF64(o2 + (c << 3), v128.load(t + (c << 2)));
  }
}

/** The gradient sums of the channels from c8 on (fewer than 8), in memory row by row (y 0: no mask; w not 0: the masked dy written there). */
function gradTail(g: usize, p: usize, y: usize, rowB: usize, nrows: i32, C: usize, c8: usize, mean: usize, o: usize, o2: usize, cap6: bool, w: usize): void {
  for (let r = 0; r < nrows; r++) {
    let c = c8;
    for (; c + 4 <= C; c += 4) {
      const gv = maskedDy(v128.load(g + (c << 2)), y + (c << 2), y != 0, cap6);
      if (w != 0) v128.store(w + (c << 2), gv);
      const prod = f32x4.mul(gv, f32x4.sub(v128.load(p + (c << 2)), v128.load(mean + (c << 2))));
      const s = o + (c << 3), t = o2 + (c << 3);
      v128.store(s, f64x2.add(v128.load(s), lowF64(gv)));
      v128.store(s, f64x2.add(v128.load(s, 16), highF64(gv)), 16);
      v128.store(t, f64x2.add(v128.load(t), lowF64(prod)));
      v128.store(t, f64x2.add(v128.load(t, 16), highF64(prod)), 16);
    }
    for (; c < C; c++) {
      const gv = maskedDy1(load<f32>(g + (c << 2)), y + (c << 2), y != 0, cap6);
      if (w != 0) store<f32>(w + (c << 2), gv);
      const prod = gv * (load<f32>(p + (c << 2)) - load<f32>(mean + (c << 2)));
      store<f64>(o + (c << 3), load<f64>(o + (c << 3)) + <f64>gv);
      store<f64>(o2 + (c << 3), load<f64>(o2 + (c << 3)) + <f64>prod);
    }
    g += rowB; p += rowB;
    if (y != 0) y += rowB;
    if (w != 0) w += rowB;
  }
}

/**
 * Part `part` of the backward's channel sums over the same parts of rows: out (float64 [2, C], at
 * out + part * 2 * C * 8) = [sum of dy, sum of dy * (x - mean)], rows in order per channel.
 * With y (not 0: the forward's relu output) dy counts only where y > 0 (act BN_RELU6: 0 < y < 6).
 * With dres not 0 the masked dy is also written there (dy's layout): a residual's gradient, which
 * the apply pass then reads as its (unmasked) dy, so dy and y are read once less.
 * The channels below C & ~7 are summed in runs of BN_RUN_ROWS rows from the part's first row, in
 * float32 at runs + part * C * 4 (2 x C & ~7 values), each run added in float64.
 */
export function bnGradSumsPart(dy: usize, x: usize, y: usize, mean: usize, rows: i32, C: i32, perPart: i32, part: i32, out: usize, act: i32, dres: usize, runs: usize): void {
  const cap6 = act == BN_RELU6;
  const o = out + <usize>part * (<usize>C << 4);
  const o2 = o + (<usize>C << 3);
  memory.fill(o, 0, <usize>C << 4);
  const r0 = part * perPart, r1 = min(rows, r0 + perPart);
  const rowB = <usize>C << 2;
  const c8 = <usize>(C & ~7);
  const s = runs + <usize>part * (<usize>C << 3), t = s + (c8 << 2);
  for (let b = r0; b < r1; b += BN_RUN_ROWS) {
    const n = min(BN_RUN_ROWS, r1 - b);
    const g = dy + <usize>b * rowB, p = x + <usize>b * rowB, q = y == 0 ? 0 : y + <usize>b * rowB;
    const w = dres == 0 ? 0 : dres + <usize>b * rowB;
    if (c8 > 0) {
      if (w != 0) {
        if (y == 0) gradRun(g, p, 0, rowB, n, mean, c8, s, t, o, o2, false, false, w, true);
        else if (cap6) gradRun(g, p, q, rowB, n, mean, c8, s, t, o, o2, true, true, w, true);
        else gradRun(g, p, q, rowB, n, mean, c8, s, t, o, o2, true, false, w, true);
      } else if (y == 0) gradRun(g, p, 0, rowB, n, mean, c8, s, t, o, o2, false, false, 0, false);
      else if (cap6) gradRun(g, p, q, rowB, n, mean, c8, s, t, o, o2, true, true, 0, false);
      else gradRun(g, p, q, rowB, n, mean, c8, s, t, o, o2, true, false, 0, false);
    }
    if (c8 < <usize>C) gradTail(g, p, q, rowB, n, <usize>C, c8, mean, o, o2, cap6, w);
  }
}

/**
 * The forward's rows: out = (x - mean) a + b, plus the residual r (at res, x's layout) when `addRes`,
 * then max(out, 0) when `relu`, then min(out, 6) when `cap6`.
 */
// @ts-ignore: decorator
@inline function applyForward(x: usize, res: usize, mean: usize, a: usize, b: usize, C: usize, out: usize, r0: i32, nrows: i32, addRes: bool, relu: bool, cap6: bool): void {
  const rowB = C << 2, c4 = C & ~3;
  const zero = f32x4.splat(0), six = f32x4.splat(6);
  for (let r = r0; r < r0 + nrows; r++) {
    const off = <usize>r * rowB;
    let c: usize = 0;
    for (; c < c4; c += 4) {
      const q = c << 2;
      let v = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + off + q), v128.load(mean + q)), v128.load(a + q)), v128.load(b + q));
      if (addRes) v = f32x4.add(v, v128.load(res + off + q));
      if (relu) v = v128.bitselect(v, zero, f32x4.gt(v, zero));
      if (cap6) v = v128.bitselect(six, v, f32x4.gt(v, six));
      v128.store(out + off + q, v);
    }
    for (; c < C; c++) {
      const q = c << 2;
      let v = (load<f32>(x + off + q) - load<f32>(mean + q)) * load<f32>(a + q) + load<f32>(b + q);
      if (addRes) v += load<f32>(res + off + q);
      if (relu && !(v > 0)) v = 0;
      if (cap6 && v > 6) v = 6;
      store<f32>(out + off + q, v);
    }
  }
}

/** The gradient's rows: out = a g - b - (x - mean) k, g = dy, or dy where y > 0 (and y < 6 when `cap6`) when `masked`. */
// @ts-ignore: decorator
@inline function applyGrad(x: usize, dy: usize, y: usize, mean: usize, a: usize, b: usize, k: usize, C: usize, out: usize, r0: i32, nrows: i32, masked: bool, cap6: bool): void {
  const rowB = C << 2, c4 = C & ~3;
  for (let r = r0; r < r0 + nrows; r++) {
    const off = <usize>r * rowB;
    let c: usize = 0;
    for (; c < c4; c += 4) {
      const q = c << 2;
      const d = f32x4.sub(v128.load(x + off + q), v128.load(mean + q));
      const g = maskedDy(v128.load(dy + off + q), y + off + q, masked, cap6);
      v128.store(out + off + q, f32x4.sub(f32x4.sub(f32x4.mul(v128.load(a + q), g), v128.load(b + q)), f32x4.mul(d, v128.load(k + q))));
    }
    for (; c < C; c++) {
      const q = c << 2;
      const g = maskedDy1(load<f32>(dy + off + q), y + off + q, masked, cap6);
      store<f32>(out + off + q, load<f32>(a + q) * g - load<f32>(b + q) - (load<f32>(x + off + q) - load<f32>(mean + q)) * load<f32>(k + q));
    }
  }
}

/**
 * For rows [r0, r0 + nrows): out = (x - mean) * a + b when k is 0 (the forward: a = gamma / std,
 * b = beta; plus the residual at res when res is not 0; then the activation `act`: BN_RELU
 * max(out, 0), BN_RELU6 min(max(out, 0), 6)), else out = a * g - b - (x - mean) * k (the input
 * gradient) with g = dy, or (y not 0) dy where the activation passed it (y > 0; BN_RELU6:
 * 0 < y < 6), all per channel [C]. `dy` and `y` are read only for the gradient. Each case has its
 * own loop (no test per element).
 */
export function bnApply(x: usize, dy: usize, y: usize, mean: usize, a: usize, b: usize, k: usize, C: i32, out: usize, r0: i32, nrows: i32, act: i32, res: usize): void {
  const c = <usize>C;
  if (k == 0) {
    if (res != 0) {
      if (act == BN_RELU6) applyForward(x, res, mean, a, b, c, out, r0, nrows, true, true, true);
      else if (act == BN_RELU) applyForward(x, res, mean, a, b, c, out, r0, nrows, true, true, false);
      else applyForward(x, res, mean, a, b, c, out, r0, nrows, true, false, false);
    } else if (act == BN_RELU6) applyForward(x, 0, mean, a, b, c, out, r0, nrows, false, true, true);
    else if (act == BN_RELU) applyForward(x, 0, mean, a, b, c, out, r0, nrows, false, true, false);
    else applyForward(x, 0, mean, a, b, c, out, r0, nrows, false, false, false);
  } else if (y == 0) {
    applyGrad(x, dy, 0, mean, a, b, k, c, out, r0, nrows, false, false);
  } else if (act == BN_RELU6) {
    applyGrad(x, dy, y, mean, a, b, k, c, out, r0, nrows, true, true);
  } else {
    applyGrad(x, dy, y, mean, a, b, k, c, out, r0, nrows, true, false);
  }
}
