// Rows of a 3x3 undilated depthwise forward (stride 1 or 2) streamed by input columns, for
// depthwiseForward (depthwise.ts): a row whose input rows are inside the image but for at most one
// padded row, with at most one padded column per side. The eight-pixel pass of depthwise.ts kept
// 8 sums, 3 weights and a filter row's 10 input columns live; V8 issues a loop body's loads first,
// so it spilled sums inside its loop. Here a column's values go to the 3 pixels that read it, with
// 9 weights, 3 partial sums and the 3 values in the 15 registers V8 allocates.

import { cap6, fma, relu4 } from './simd';

/**
 * One output row (stride sx = 1 or 2) of a 3x3 undilated depthwise conv, every 4-channel group:
 * the middle input row at mid, rows rowB bytes apart, the top one absent when !top and the bottom
 * one when !bottom (padding), pixels cB bytes apart.
 */
export function streamRow(
  mid: usize, rowB: usize, cB: usize, c4: usize, W: i32, sx: i32, padL: i32, OW: i32, top: bool, bottom: bool,
  w: usize, bias: usize, yo: usize, hasBias: bool, relu: bool, relu6: bool,
): void {
  for (let c: usize = 0; c < c4; c += 4) {
    const off = c << 2;
    const x = mid - rowB + off, wc = w + off, bc = bias + off, yc = yo + off;
    if (sx == 1) {
      if (!top) rowColumns3s1(x, rowB, cB, W, padL, OW, wc, bc, yc, hasBias, relu, relu6, false, true);
      else if (!bottom) rowColumns3s1(x, rowB, cB, W, padL, OW, wc, bc, yc, hasBias, relu, relu6, true, false);
      else rowColumns3s1(x, rowB, cB, W, padL, OW, wc, bc, yc, hasBias, relu, relu6, true, true);
    } else {
      if (!top) rowColumns3s2(x, rowB, cB, W, padL, OW, wc, bc, yc, hasBias, relu, relu6, false, true);
      else if (!bottom) rowColumns3s2(x, rowB, cB, W, padL, OW, wc, bc, yc, hasBias, relu, relu6, true, false);
      else rowColumns3s2(x, rowB, cB, W, padL, OW, wc, bc, yc, hasBias, relu, relu6, true, true);
    }
  }
}

/** A pixel's sum begun with one column's taps (a, b, c times w0, w1, w2; rows absent at the top or bottom skipped). */
// @ts-ignore: decorator
@inline function startTaps(a: v128, b: v128, c: v128, w0: v128, w1: v128, w2: v128, top: bool, bottom: bool): v128 {
  const acc = top ? fma(b, w1, f32x4.mul(a, w0)) : f32x4.mul(b, w1);
  return bottom ? fma(c, w2, acc) : acc;
}

/** acc plus one column's taps, top to bottom (absent rows skipped). */
// @ts-ignore: decorator
@inline function addTaps(acc: v128, a: v128, b: v128, c: v128, w0: v128, w1: v128, w2: v128, top: bool, bottom: bool): v128 {
  let s = top ? fma(a, w0, acc) : acc;
  s = fma(b, w1, s);
  return bottom ? fma(c, w2, s) : s;
}

/**
 * One output row of a 3x3 stride-1 undilated depthwise conv, for one 4-channel group: the input
 * rows at x0, x0 + rowB, x0 + 2 rowB (the first absent when !top, the last when !bottom: padding),
 * pixels cB bytes apart, W columns; padL (0 or 1) padded columns on the left and OW - (W + padL - 2)
 * (0 or 1) on the right.
 *
 * The loop runs over input columns, not output pixels: column j's three values (one per row) go
 * to the three pixels that read it, as the first, middle and last taps of their windows, so one
 * iteration loads 3 vectors for 9 FMAs, and keeps 9 weights, 3 partial sums and the 3 values
 * live: 15 registers (the eight-pixel pass spilled sums inside its loop). Each pixel's sum is a
 * chain over (kw, kh) from its first existing tap (padded taps are skipped, as forwardPixel does);
 * its 9 FMAs span three iterations, so consecutive pixels' chains overlap.
 */
// @ts-ignore: decorator
@inline function rowColumns3s1(
  x0: usize, rowB: usize, cB: usize, W: i32, padL: i32, OW: i32, w: usize, bias: usize, yo: usize, hasBias: bool, relu: bool, relu6: bool,
  top: bool, bottom: bool,
): void {
  const z = f32x4.splat(0);
  const w00 = top ? v128.load(w) : z, w01 = top ? v128.load(w + cB) : z, w02 = top ? v128.load(w + 2 * cB) : z;
  const w10 = v128.load(w + 3 * cB), w11 = v128.load(w + 4 * cB), w12 = v128.load(w + 5 * cB);
  const w20 = bottom ? v128.load(w + 6 * cB) : z, w21 = bottom ? v128.load(w + 7 * cB) : z, w22 = bottom ? v128.load(w + 8 * cB) : z;
  const x1 = x0 + rowB, x2 = x1 + rowB;
  // Pixel i reads columns i - padL .. i - padL + 2. `old` is pixel j + padL - 2 (its first two
  // columns done), `mid` pixel j + padL - 1 (its first) when column j is read.
  let old: v128, mid: v128;
  let j: i32;
  const a = top ? v128.load(x0) : z, b = v128.load(x1), c = bottom ? v128.load(x2) : z;
  if (padL == 1) {
    old = startTaps(a, b, c, w01, w11, w21, top, bottom); // pixel 0: column -1 is padding
    mid = startTaps(a, b, c, w00, w10, w20, top, bottom);
    j = 1;
  } else {
    const a1 = top ? v128.load(x0 + cB) : z, b1 = v128.load(x1 + cB), c1 = bottom ? v128.load(x2 + cB) : z;
    old = addTaps(startTaps(a, b, c, w00, w10, w20, top, bottom), a1, b1, c1, w01, w11, w21, top, bottom);
    mid = startTaps(a1, b1, c1, w00, w10, w20, top, bottom);
    j = 2;
  }
  let o = yo;
  for (; j < W; j++) {
    const jB = <usize>j * cB;
    const p = top ? v128.load(x0 + jB) : z, q = v128.load(x1 + jB), t = bottom ? v128.load(x2 + jB) : z;
    const done = addTaps(old, p, q, t, w02, w12, w22, top, bottom);
    old = addTaps(mid, p, q, t, w01, w11, w21, top, bottom);
    mid = startTaps(p, q, t, w00, w10, w20, top, bottom);
    storeOutput(o, done, bias, hasBias, relu, relu6);
    o += cB;
  }
  // The last pixel's third column is padding.
  if (W + padL - 2 < OW) storeOutput(o, old, bias, hasBias, relu, relu6);
}

/**
 * rowColumns3s1 at stride 2: pixel i reads columns 2i - padL .. 2i - padL + 2, the last shared
 * with pixel i + 1 (its first). An iteration loads pixel i's middle and last columns (6 vectors
 * for 9 FMAs): the last completes pixel i and starts pixel i + 1. padL is 0 or 1; the last pixel's
 * third column may be one padded column past W.
 */
// @ts-ignore: decorator
@inline function rowColumns3s2(
  x0: usize, rowB: usize, cB: usize, W: i32, padL: i32, OW: i32, w: usize, bias: usize, yo: usize, hasBias: bool, relu: bool, relu6: bool,
  top: bool, bottom: bool,
): void {
  const z = f32x4.splat(0);
  const w00 = top ? v128.load(w) : z, w01 = top ? v128.load(w + cB) : z, w02 = top ? v128.load(w + 2 * cB) : z;
  const w10 = v128.load(w + 3 * cB), w11 = v128.load(w + 4 * cB), w12 = v128.load(w + 5 * cB);
  const w20 = bottom ? v128.load(w + 6 * cB) : z, w21 = bottom ? v128.load(w + 7 * cB) : z, w22 = bottom ? v128.load(w + 8 * cB) : z;
  const x1 = x0 + rowB, x2 = x1 + rowB;
  let o = yo;
  let i = 0;
  // `cur`: pixel i with its first column done.
  let cur: v128;
  const a = top ? v128.load(x0) : z, b = v128.load(x1), c = bottom ? v128.load(x2) : z;
  if (padL == 1) {
    // Pixel 0: column -1 is padding, columns 0 and 1.
    const a2 = top ? v128.load(x0 + cB) : z, b2 = v128.load(x1 + cB), c2 = bottom ? v128.load(x2 + cB) : z;
    storeOutput(o, addTaps(startTaps(a, b, c, w01, w11, w21, top, bottom), a2, b2, c2, w02, w12, w22, top, bottom), bias, hasBias, relu, relu6);
    o += cB;
    cur = startTaps(a2, b2, c2, w00, w10, w20, top, bottom);
    i = 1;
  } else {
    cur = startTaps(a, b, c, w00, w10, w20, top, bottom);
  }
  // Pixel i's middle column 2i - padL + 1 and last 2i - padL + 2, while the last is inside.
  const full = min(OW, (W - 3 + padL) / 2 + 1); // pixels whose last column is inside
  let mB = <usize>(2 * i - padL + 1) * cB;
  const stepB = cB << 1;
  for (; i < full; i++) {
    const p = top ? v128.load(x0 + mB) : z, q = v128.load(x1 + mB), t = bottom ? v128.load(x2 + mB) : z;
    const p2 = top ? v128.load(x0 + mB + cB) : z, q2 = v128.load(x1 + mB + cB), t2 = bottom ? v128.load(x2 + mB + cB) : z;
    storeOutput(o, addTaps(addTaps(cur, p, q, t, w01, w11, w21, top, bottom), p2, q2, t2, w02, w12, w22, top, bottom), bias, hasBias, relu, relu6);
    cur = startTaps(p2, q2, t2, w00, w10, w20, top, bottom);
    o += cB;
    mB += stepB;
  }
  // A last pixel whose third column is padding.
  if (i < OW) {
    const p = top ? v128.load(x0 + mB) : z, q = v128.load(x1 + mB), t = bottom ? v128.load(x2 + mB) : z;
    storeOutput(o, addTaps(cur, p, q, t, w01, w11, w21, top, bottom), bias, hasBias, relu, relu6);
  }
}

/** y[0:4] = act(acc + bias[0:4]) (bias only with hasBias; relu6: relu, then min(., 6)). */
// @ts-ignore: decorator
@inline export function storeOutput(y: usize, acc: v128, bias: usize, hasBias: bool, relu: bool, relu6: bool): void {
  let v = acc;
  if (hasBias) v = f32x4.add(v, v128.load(bias));
  if (relu) v = relu4(v);
  if (relu6) v = cap6(v);
  v128.store(y, v);
}
