// Direct kernels for convolutions with ONE input channel (the first layer of an image CNN).
//
// With C = 1 there is no reduction over channels: a 3x3 conv does 9 multiply-adds per output value
// and streams a large output (forward) or output gradient (filter gradient), 5.5 MB per MNIST batch
// of 64. Both kernels keep 4 output channels per SIMD vector, one filter row (3 taps) of up to 3
// such groups in registers, and read or write each output vector once from memory (the passes over
// the other filter rows hit L1). Inputs are already zero-padded (padNHWC on the JS side); dilation
// is 1; any stride.
//
// V8 (TurboFan) issues the loads of a loop body before its arithmetic, so every value a loop body
// loads is live at the same time as its loop-carried values: each inner loop is sized to fit the 15
// xmm registers V8 allocates, or it spills inside the loop.
//
// - conv1BackpropFilterPart: dW[kh, kw, k] = sum_(n, oy, ox) x[n, oy*sy + kh, ox*sx + kw] dy[n, oy, ox, k]
//   over one fixed block of output rows (a "part"); conv1FilterGradSum adds the parts in order, so
//   the result does not depend on how many threads computed the parts.
// - conv1Forward3x3: y = relu?(x (*) w + bias) for 3x3 filters; conv1ForwardStrips: the same on
//   2-3 input channels and other filter sizes, as strips of 3 taps.
import { stemRow16 } from './conv1-stem';
import { pool2x2Row } from './pool';
import { cap6, fma, relu4 } from './simd';

/** Float offset -> byte pointer. */
// @ts-ignore: decorator
@inline function f(p: usize, i: usize): usize { return p + (i << 2); }

/** dy bytes per row block of the filter gradient: every channel group re-reads the block from L1. */
const DW_BLOCK_BYTES: i32 = 16384;

// ---------------------------------------------------------------------------------------------
// Filter gradient

/**
 * Partial filter gradient of part `part`: the flattened output rows r = n*OH + oy in
 * [part*perPart, min(rows, (part+1)*perPart)), written (not accumulated) to dws + part*partStride
 * as [KH, KW, K]. x is the padded input [N, H, W] (one channel), dy [N, OH, OW, K], K % 4 == 0.
 *
 * One pass streams a block of dy rows (kept in L1 by DW_BLOCK_BYTES) for one strip of 3 taps
 * along a filter row and 3 groups of 4 channels: 3 splats + 3 dy vectors + 9 accumulators (fewer
 * than ~8 accumulators would leave the loop waiting on FMA latency).
 */
export function conv1BackpropFilterPart(
  x: usize, H: i32, W: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: usize, OH: i32, OW: i32, K: i32,
  rows: i32, perPart: i32, part: i32, dws: usize, partStride: i32,
): void {
  const dw = dws + <usize>part * <usize>partStride;
  memory.fill(dw, 0, <usize>(KH * KW * K) << 2);
  const r1 = min(rows, (part + 1) * perPart);
  const block = max(1, DW_BLOCK_BYTES / (OW * K * 4));
  const rowB = <usize>W << 2;
  for (let r = part * perPart; r < r1;) {
    const n = r / OH, oy = r % OH;
    const count = min(min(block, OH - oy), r1 - r); // a block never crosses an image
    const xr = f(x, <usize>((n * H + oy * sy) * W));
    const dyr = f(dy, <usize>r * <usize>OW * <usize>K);
    // Groups of 4 channels three at a time when the filter rows split into full strips of 3 taps
    // (9 accumulators: enough independent FMAs to hide their latency), else two, then one.
    for (let g = 0; g < K;) {
      // Four groups left (K = 16) go as two and two: three and one would run the last group with
      // 3 accumulators, waiting on FMA latency.
      const left = (K - g) >> 2;
      const groups = left >= 3 && left != 4 && KW % 3 == 0 ? 3 : min(2, left);
      const d = f(dyr, <usize>g);
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw += 3) {
          const taps = min(3, KW - kw);
          const xs = xr + <usize>kh * rowB + (<usize>kw << 2);
          const acc = f(dw, <usize>((kh * KW + kw) * K + g));
          if (groups == 3) {
            gradStrip3x3(xs, rowB, sy, sx, d, OW, K, count, acc);
          } else if (taps == 3 && groups == 2) {
            gradStrip3x2(xs, rowB, sy, sx, d, OW, K, count, acc);
          } else {
            const o1 = <usize>min(1, taps - 1) << 2, o2 = <usize>min(2, taps - 1) << 2;
            gradStrip(xs, o1, o2, groups == 2 ? 16 : 0, rowB, sy, sx, d, OW, K, count, acc);
          }
        }
      }
      g += groups << 2;
    }
    r += count;
  }
}

/**
 * Taps kw, kw+1, kw+2 of one filter row (xs: the first tap's input for the first output row) for
 * the 4-channel groups at dyr and dyr + 16 bytes, over `count` output rows: accumulators at acc
 * (+ tap * K floats, + 16 bytes for the second group) += x tap * dy, in pixel order.
 */
// @ts-ignore: decorator
@inline function gradStrip3x2(xs: usize, rowB: usize, sy: i32, sx: i32, dyr: usize, OW: i32, K: i32, count: i32, acc: usize): void {
  const kB = <usize>K << 2;
  const sxB = <usize>sx << 2, rowStep = <usize>sy * rowB;
  let a0 = v128.load(acc), a1 = v128.load(acc + kB), a2 = v128.load(acc + 2 * kB);
  let b0 = v128.load(acc, 16), b1 = v128.load(acc + kB, 16), b2 = v128.load(acc + 2 * kB, 16);
  for (let i = 0; i < count; i++) {
    let xp = xs, d = dyr;
    for (let ox = 0; ox < OW; ox++) {
      const t0 = v128.load32_splat(xp), t1 = v128.load32_splat(xp, 4), t2 = v128.load32_splat(xp, 8);
      const u = v128.load(d), v = v128.load(d, 16);
      a0 = fma(t0, u, a0); a1 = fma(t1, u, a1); a2 = fma(t2, u, a2);
      b0 = fma(t0, v, b0); b1 = fma(t1, v, b1); b2 = fma(t2, v, b2);
      xp += sxB; d += kB;
    }
    xs += rowStep;
    dyr += <usize>OW * kB;
  }
  v128.store(acc, a0); v128.store(acc + kB, a1); v128.store(acc + 2 * kB, a2);
  v128.store(acc, b0, 16); v128.store(acc + kB, b1, 16); v128.store(acc + 2 * kB, b2, 16);
}

/** gradStrip3x2 for three groups (dyr, +16, +32 bytes): 9 accumulators, 3 splats, 3 dy vectors. */
// @ts-ignore: decorator
@inline function gradStrip3x3(xs: usize, rowB: usize, sy: i32, sx: i32, dyr: usize, OW: i32, K: i32, count: i32, acc: usize): void {
  const kB = <usize>K << 2;
  const sxB = <usize>sx << 2, rowStep = <usize>sy * rowB;
  let a0 = v128.load(acc), a1 = v128.load(acc + kB), a2 = v128.load(acc + 2 * kB);
  let b0 = v128.load(acc, 16), b1 = v128.load(acc + kB, 16), b2 = v128.load(acc + 2 * kB, 16);
  let c0 = v128.load(acc, 32), c1 = v128.load(acc + kB, 32), c2 = v128.load(acc + 2 * kB, 32);
  for (let i = 0; i < count; i++) {
    let xp = xs, d = dyr;
    for (let ox = 0; ox < OW; ox++) {
      const t0 = v128.load32_splat(xp), t1 = v128.load32_splat(xp, 4), t2 = v128.load32_splat(xp, 8);
      const u = v128.load(d), v = v128.load(d, 16), w = v128.load(d, 32);
      a0 = fma(t0, u, a0); a1 = fma(t1, u, a1); a2 = fma(t2, u, a2);
      b0 = fma(t0, v, b0); b1 = fma(t1, v, b1); b2 = fma(t2, v, b2);
      c0 = fma(t0, w, c0); c1 = fma(t1, w, c1); c2 = fma(t2, w, c2);
      xp += sxB; d += kB;
    }
    xs += rowStep;
    dyr += <usize>OW * kB;
  }
  v128.store(acc, a0); v128.store(acc + kB, a1); v128.store(acc + 2 * kB, a2);
  v128.store(acc, b0, 16); v128.store(acc + kB, b1, 16); v128.store(acc + 2 * kB, b2, 16);
  v128.store(acc, c0, 32); v128.store(acc + kB, c1, 32); v128.store(acc + 2 * kB, c2, 32);
}

/**
 * gradStrip3x2 for the edges: tap offsets o1, o2 (bytes; a strip of fewer than 3 taps repeats its
 * last tap) and the second group at gB bytes (0: one group only). Repeated lanes compute exactly
 * the values of the lane they repeat, so storing them again is harmless.
 */
// @ts-ignore: decorator
@inline function gradStrip(xs: usize, o1: usize, o2: usize, gB: usize, rowB: usize, sy: i32, sx: i32, dyr: usize, OW: i32, K: i32, count: i32, acc: usize): void {
  const kB = <usize>K << 2;
  const sxB = <usize>sx << 2, rowStep = <usize>sy * rowB;
  const p1 = acc + (o1 >> 2) * kB, p2 = acc + (o2 >> 2) * kB;
  let a0 = v128.load(acc), a1 = v128.load(p1), a2 = v128.load(p2);
  let b0 = v128.load(acc + gB), b1 = v128.load(p1 + gB), b2 = v128.load(p2 + gB);
  for (let i = 0; i < count; i++) {
    let xp = xs, d = dyr;
    for (let ox = 0; ox < OW; ox++) {
      const t0 = v128.load32_splat(xp), t1 = v128.load32_splat(xp + o1), t2 = v128.load32_splat(xp + o2);
      const u = v128.load(d), v = v128.load(d + gB);
      a0 = fma(t0, u, a0); a1 = fma(t1, u, a1); a2 = fma(t2, u, a2);
      b0 = fma(t0, v, b0); b1 = fma(t1, v, b1); b2 = fma(t2, v, b2);
      xp += sxB; d += kB;
    }
    xs += rowStep;
    dyr += <usize>OW * kB;
  }
  v128.store(p2 + gB, b2); v128.store(p1 + gB, b1); v128.store(acc + gB, b0);
  v128.store(p2, a2); v128.store(p1, a1); v128.store(acc, a0);
}

/** dw[i] = sum over p in order of part p's dws[i] (p * partStride bytes apart), n floats, n % 4 == 0. */
export function conv1FilterGradSum(dws: usize, parts: i32, partStride: i32, n: i32, dw: usize): void {
  const stride = <usize>partStride;
  for (let i: usize = 0; i < (<usize>n << 2); i += 16) {
    let s = v128.load(dws + i);
    for (let p = 1; p < parts; p++) s = f32x4.add(s, v128.load(dws + <usize>p * stride + i));
    v128.store(dw + i, s);
  }
}

// ---------------------------------------------------------------------------------------------
// Forward

/**
 * 4-channel groups per forward pass with `left` groups to go: three, but four (K = 16) as two and
 * two, since a single group runs as two (the first computed and stored twice).
 */
// @ts-ignore: decorator
@inline function outputGroups(left: i32): i32 {
  return left == 4 ? 2 : min(3, left);
}

/**
 * y [N, OH, OW, K] = x (*) w + bias (bias 0: none), relu if `relu`, for a 3x3 filter w [3, 3, 1, K]
 * over the padded one-channel input x [N, H, W] with stride (sy, sx), K % 4 == 0. Computes the
 * flattened output rows [r0, r0 + rows). With `pooled` != 0 it also writes the 2x2 stride-2 pool
 * of y (poolMode 0 max, 1 min) to pooled [N, OH / 2, OW / 2, K]; the rows must then pair up
 * (OH even, r0 and rows even), since each odd row is pooled with the one before it. With y == 0
 * only the pool is written: the two rows go to `ws` (2 x OW x K floats, in L1) instead of y.
 *
 * Per output row and three 4-channel groups (then two, then one), three passes, one per filter
 * row kh, each with its 3 taps x 3 groups of weights in registers (9 + 3 splats + 3 outputs = 15
 * xmm registers: V8 issues a loop body's loads first, so all are live at once): pass 0 starts from
 * the bias, the others add to what the previous pass stored (the row stays in L1), the last applies
 * relu. Each output value is bias + its 9 taps in tap order, whatever the split; there are no
 * loop-carried accumulators, so the FMA chains of consecutive pixels overlap.
 */
export function conv1Forward3x3(
  x: usize, H: i32, W: i32, sy: i32, sx: i32, w: usize, K: i32, bias: usize, y: usize, relu: i32,
  r0: i32, rows: i32, pooled: usize, poolMode: i32, ws: usize,
): void {
  const OH = (H - 3) / sy + 1, OW = (W - 3) / sx + 1;
  const rowB = <usize>W << 2;
  const kB = <usize>K << 2;
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / OH, oy = r % OH;
    const xr = f(x, <usize>((n * H + oy * sy) * W));
    const yr = outputRow(y, ws, r, oy, OW, K);
    for (let g = 0; g < K;) {
      const groups = outputGroups((K - g) >> 2);
      const wg = f(w, <usize>g), yg = f(yr, <usize>g);
      const bg = bias == 0 ? 0 : f(bias, <usize>g);
      if (groups == 3) {
        forwardPass3(PASS_BIAS, xr, wg, kB, bg, sx, yg, OW);
        forwardPass3(PASS_ADD, xr + rowB, wg + 3 * kB, kB, 0, sx, yg, OW);
        if (relu) forwardPass3(PASS_ADD_RELU, xr + 2 * rowB, wg + 6 * kB, kB, 0, sx, yg, OW);
        else forwardPass3(PASS_ADD, xr + 2 * rowB, wg + 6 * kB, kB, 0, sx, yg, OW);
      } else {
        const gB: usize = groups == 2 ? 16 : 0; // the second group, or the first again
        forwardPass(PASS_BIAS, xr, wg, kB, gB, bg, sx, yg, OW);
        forwardPass(PASS_ADD, xr + rowB, wg + 3 * kB, kB, gB, 0, sx, yg, OW);
        if (relu) forwardPass(PASS_ADD_RELU, xr + 2 * rowB, wg + 6 * kB, kB, gB, 0, sx, yg, OW);
        else forwardPass(PASS_ADD, xr + 2 * rowB, wg + 6 * kB, kB, gB, 0, sx, yg, OW);
      }
      g += groups << 2;
    }
    // The pooling epilogue: rows oy - 1 and oy were just written and are still in L1.
    if (pooled != 0 && (oy & 1) == 1) {
      const rowY = <usize>OW * kB;
      pool2x2Row(poolMode, yr - rowY, yr, K, OW >> 1, pooled + <usize>((n * (OH >> 1) + (oy >> 1)) * (OW >> 1)) * kB);
    }
  }
}

/**
 * conv1Forward3x3 for a few input channels (2 or 3: the stem of an RGB CNN) and any KH x KW filter
 * with KW * C % 3 == 0 and KH * KW > 1: w [KH, KW, C, K] over the padded input x [N, H, W, C]. A
 * filter row's KW x C taps are KW * C consecutive floats of x and w (NHWC, HWIO), so the kernel
 * runs them as KW * C / 3 strips of 3 taps of a one-channel row (a separate export: the same loop
 * with C = 1 ran MNIST's conv1 9% slower than conv1Forward3x3). Computes the flattened output
 * rows [r0, r0 + rows). With `pooled` != 0 it also writes the 2x2 stride-2 pool of y (poolMode 0
 * max, 1 min) to pooled [N, OH / 2, OW / 2, K]; the rows must then pair up (OH even, r0 and rows
 * even), since each odd row is pooled with the one before it; y == 0: only the pool, as
 * conv1Forward3x3.
 *
 * Blocks of 16 output channels run stemRow16 (conv1-stem.ts: the taps' sums in registers); the
 * rest (K % 16) as conv1Forward3x3 but with KH * KW * C / 3 passes, one per strip of 3 taps (the
 * same 15 xmm registers per pass): each output value is bias + its KH * KW * C taps in tap order. `relu`: 1
 * relu, 2 relu6 (relu, then min(., 6) in the last pass: a separate clamp pass over y cost a stem
 * read and write of y).
 */
export function conv1ForwardStrips(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, w: usize, K: i32, bias: usize, y: usize, relu: i32,
  r0: i32, rows: i32, pooled: usize, poolMode: i32, ws: usize,
): void {
  const OH = (H - KH) / sy + 1, OW = (W - KW) / sx + 1;
  const rowB = <usize>(W * C) << 2;
  const kB = <usize>K << 2;
  const S = KW * C / 3; // strips per filter row
  const sxC = sx * C, last = KH * S - 1; // the pixel step in floats; the last pass
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / OH, oy = r % OH;
    const xr = f(x, <usize>((n * H + oy * sy) * W * C));
    const yr = outputRow(y, ws, r, oy, OW, K);
    for (let g = 0; g < K;) {
      if (K - g >= 16) {
        // Sixteen channels with the taps' sums in registers (conv1-stem.ts), then the strips for the rest.
        stemRow16(xr, rowB, KH, KW * C, sxC, f(w, <usize>g), kB, bias == 0 ? 0 : f(bias, <usize>g), f(yr, <usize>g), OW, relu);
        g += 16;
        continue;
      }
      const groups = outputGroups((K - g) >> 2);
      const wg = f(w, <usize>g), yg = f(yr, <usize>g);
      const bg = bias == 0 ? 0 : f(bias, <usize>g);
      // Pass p: filter row p / S, its taps 3 (p % S) .. + 2 (HWIO order: kw, then c).
      for (let p = 0; p <= last; p++) {
        const xs = xr + <usize>(p / S) * rowB + (<usize>(3 * (p % S)) << 2), wp = wg + <usize>(3 * p) * kB;
        if (groups == 3) {
          if (p == 0) forwardPass3(PASS_BIAS, xs, wp, kB, bg, sxC, yg, OW);
          else if (p == last && relu == 2) forwardPass3(PASS_ADD_RELU6, xs, wp, kB, 0, sxC, yg, OW);
          else if (p == last && relu) forwardPass3(PASS_ADD_RELU, xs, wp, kB, 0, sxC, yg, OW);
          else forwardPass3(PASS_ADD, xs, wp, kB, 0, sxC, yg, OW);
        } else {
          const gB: usize = groups == 2 ? 16 : 0; // the second group, or the first again
          if (p == 0) forwardPass(PASS_BIAS, xs, wp, kB, gB, bg, sxC, yg, OW);
          else if (p == last && relu == 2) forwardPass(PASS_ADD_RELU6, xs, wp, kB, gB, 0, sxC, yg, OW);
          else if (p == last && relu) forwardPass(PASS_ADD_RELU, xs, wp, kB, gB, 0, sxC, yg, OW);
          else forwardPass(PASS_ADD, xs, wp, kB, gB, 0, sxC, yg, OW);
        }
      }
      g += groups << 2;
    }
    // The pooling epilogue: rows oy - 1 and oy were just written and are still in L1.
    if (pooled != 0 && (oy & 1) == 1) {
      const rowY = <usize>OW * kB;
      pool2x2Row(poolMode, yr - rowY, yr, K, OW >> 1, pooled + <usize>((n * (OH >> 1) + (oy >> 1)) * (OW >> 1)) * kB);
    }
  }
}

/**
 * Where output row r (row oy of its image) is computed: in y, or with y == 0 (only its 2x2 pool is
 * wanted) in one of two rows of the scratch ws, so a pair of rows stays in L1 and y is never written.
 */
// @ts-ignore: decorator
@inline function outputRow(y: usize, ws: usize, r: i32, oy: i32, OW: i32, K: i32): usize {
  const rowFloats = <usize>OW * <usize>K;
  return y != 0 ? f(y, <usize>r * rowFloats) : f(ws, <usize>(oy & 1) * rowFloats);
}

/** Pass kinds of the forward kernel (constants after inlining: no branch in the pixel loop). */
const PASS_BIAS: i32 = 0, PASS_ADD: i32 = 1, PASS_ADD_RELU: i32 = 2, PASS_ADD_RELU6: i32 = 3;


/**
 * One filter row (taps at wr, wr + kB, wr + 2 kB) for three groups (+0, +16, +32 bytes) over one
 * output row (yg; input row xr). PASS_BIAS starts from the bias at bg (0: zeros), the others from y.
 */
// @ts-ignore: decorator
@inline function forwardPass3(pass: i32, xr: usize, wr: usize, kB: usize, bg: usize, sx: i32, yg: usize, OW: i32): void {
  const w0 = v128.load(wr), w1 = v128.load(wr + kB), w2 = v128.load(wr + 2 * kB);
  const v0 = v128.load(wr, 16), v1 = v128.load(wr + kB, 16), v2 = v128.load(wr + 2 * kB, 16);
  const u0 = v128.load(wr, 32), u1 = v128.load(wr + kB, 32), u2 = v128.load(wr + 2 * kB, 32);
  const sxB = <usize>sx << 2;
  let xp = xr, o = yg;
  for (let ox = 0; ox < OW; ox++) {
    const s0 = v128.load32_splat(xp), s1 = v128.load32_splat(xp, 4), s2 = v128.load32_splat(xp, 8);
    let a: v128, b: v128, c: v128;
    if (pass == PASS_BIAS) {
      if (bg == 0) { a = f32x4.splat(0); b = a; c = a; } else { a = v128.load(bg); b = v128.load(bg, 16); c = v128.load(bg, 32); }
    } else {
      a = v128.load(o); b = v128.load(o, 16); c = v128.load(o, 32);
    }
    a = fma(s0, w0, a); a = fma(s1, w1, a); a = fma(s2, w2, a);
    b = fma(s0, v0, b); b = fma(s1, v1, b); b = fma(s2, v2, b);
    c = fma(s0, u0, c); c = fma(s1, u1, c); c = fma(s2, u2, c);
    if (pass == PASS_ADD_RELU || pass == PASS_ADD_RELU6) { a = relu4(a); b = relu4(b); c = relu4(c); }
    if (pass == PASS_ADD_RELU6) { a = cap6(a); b = cap6(b); c = cap6(c); }
    v128.store(o, a); v128.store(o, b, 16); v128.store(o, c, 32);
    xp += sxB; o += kB;
  }
}

/** forwardPass3 for two groups (+0, +gB bytes) or, with gB == 0, one (computed and stored twice). */
// @ts-ignore: decorator
@inline function forwardPass(pass: i32, xr: usize, wr: usize, kB: usize, gB: usize, bg: usize, sx: i32, yg: usize, OW: i32): void {
  const w0 = v128.load(wr), w1 = v128.load(wr + kB), w2 = v128.load(wr + 2 * kB);
  const v0 = v128.load(wr + gB), v1 = v128.load(wr + kB + gB), v2 = v128.load(wr + 2 * kB + gB);
  const sxB = <usize>sx << 2;
  let xp = xr, o = yg;
  for (let ox = 0; ox < OW; ox++) {
    const s0 = v128.load32_splat(xp), s1 = v128.load32_splat(xp, 4), s2 = v128.load32_splat(xp, 8);
    let a: v128, b: v128;
    if (pass == PASS_BIAS) {
      if (bg == 0) { a = f32x4.splat(0); b = a; } else { a = v128.load(bg); b = v128.load(bg + gB); }
    } else {
      a = v128.load(o); b = v128.load(o + gB);
    }
    a = fma(s0, w0, a); a = fma(s1, w1, a); a = fma(s2, w2, a);
    b = fma(s0, v0, b); b = fma(s1, v1, b); b = fma(s2, v2, b);
    if (pass == PASS_ADD_RELU || pass == PASS_ADD_RELU6) { a = relu4(a); b = relu4(b); }
    if (pass == PASS_ADD_RELU6) { a = cap6(a); b = cap6(b); }
    v128.store(o + gB, b); v128.store(o, a);
    xp += sxB; o += kB;
  }
}
