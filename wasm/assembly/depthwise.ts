// Depthwise convolution (groups = channels, one KHxKW filter per channel, filter [KH, KW, 1, C])
// over NHWC, and its two gradients. Channels are the innermost axis of the input, the output and
// the filter, so every kernel runs 4 channels per v128 lane group along a pixel and takes the taps
// (kh, kw) one at a time. Padded cells are skipped (the reference multiplies them by zero). Taps
// are summed in (kh, kw) order from zero and the bias is added last, as the reference's GEMM does.
// Every output element is computed by one call, so the results do not depend on the thread split.

import { F_BIAS, F_RELU, F_RELU6 } from './codes';
import { streamRow, storeOutput } from './depthwise-rows';
import { fma } from './simd';

/**
 * y [N, OH, OW, C] = act(bias + depthwise(x [N, H, W, C], w [KH, KW, 1, C])) for the flattened output
 * rows [r0, r0 + rows) of N * OH; stride (sy, sx), dilation (dh, dw), padding (padT, padL).
 */
export function depthwiseForward(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  OH: i32, OW: i32, w: usize, bias: usize, y: usize, flags: i32, r0: i32, rows: i32,
): void {
  const cB = <usize>C << 2;
  const c4 = <usize>(C & ~3);
  const hasBias = (flags & F_BIAS) != 0, relu = (flags & F_RELU) != 0, relu6 = (flags & F_RELU6) != 0;
  const s1 = sx == 1 && dw == 1;
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / OH, oh = r % OH;
    const top = oh * sy - padT;
    const img = x + <usize>(n * H) * <usize>W * cB;
    const yrow = y + <usize>r * <usize>OW * cB;
    // A row with at least two of its three input rows inside the image, stride 1 or 2, undilated
    // 3x3, at most one padded column per side: every channel group streams the row's columns.
    if (KH == 3 && KW == 3 && dw == 1 && dh == 1 && c4 == <usize>C && top >= -1 && top + 2 <= H && H >= 2 && padL <= 1 && OW >= 2) {
      const lastColumn = (OW - 1) * sx - padL + 2; // the last pixel's third column
      if ((sx == 1 && lastColumn <= W && lastColumn >= W - 1) || (sx == 2 && lastColumn <= W)) {
        streamRow(img + <usize>((top + 1) * W) * cB, <usize>W * cB, cB, c4, W, sx, padL, OW, top >= 0, top + 2 < H, w, bias, yrow, hasBias, relu, relu6);
        continue;
      }
    }
    let ow = 0;
    while (ow < OW) {
      const left = ow * sx - padL;
      const yo = yrow + <usize>ow * cB;
      // Eight (then four) output pixels of a 3-wide filter whose column taps lie inside the row, or
      // (undilated) reach at most one padded column on either side: one pass per 4 channels. Eight
      // pixels keep 8 sums in flight (stride 1 or 2, undilated, C % 4 == 0); four, any dilation.
      const right = (ow + 3) * sx - padL + 2 * dw; // the quad's last input column
      const inside = left >= 0 && right < W;
      const border = !inside && dw == 1 && left >= -1 && right <= W;
      const right8 = (ow + 7) * sx - padL + 2; // an eight-pixel pass's last input column (undilated)
      if (KW == 3 && c4 == <usize>C && dw == 1 && sx <= 2 && ow + 8 <= OW && left >= -1 && right8 <= W) {
        if (sx == 1) forwardOct3s1(img, H, W, cB, c4, KH, dh, top, left, w, bias, yo, flags, left < 0, right8 == W);
        else forwardOct3s2(img, H, W, cB, c4, KH, dh, top, left, w, bias, yo, flags, left < 0, right8 == W);
        ow += 8;
      } else if (KW == 3 && c4 > 0 && ow + 4 <= OW && (inside || border)) {
        if (inside) {
          if (s1) forwardQuad3(img, H, W, cB, c4, KH, dh, 1, 1, top, left, w, bias, yo, hasBias, relu, relu6, true, false, false);
          else forwardQuad3(img, H, W, cB, c4, KH, dh, dw, sx, top, left, w, bias, yo, hasBias, relu, relu6, false, false, false);
        } else {
          if (s1) forwardQuad3(img, H, W, cB, c4, KH, dh, 1, 1, top, left, w, bias, yo, hasBias, relu, relu6, true, left < 0, right == W);
          else forwardQuad3(img, H, W, cB, c4, KH, dh, 1, sx, top, left, w, bias, yo, hasBias, relu, relu6, false, left < 0, right == W);
        }
        if (c4 < <usize>C) {
          for (let i = 0; i < 4; i++) {
            forwardPixel(img, H, W, cB, C, KH, KW, dh, dw, top, left + i * sx, w, bias, yo + <usize>i * cB, hasBias, relu, relu6, c4);
          }
        }
        ow += 4;
      } else {
        forwardPixel(img, H, W, cB, C, KH, KW, dh, dw, top, left, w, bias, yo, hasBias, relu, relu6, 0);
        ow++;
      }
    }
  }
}

/**
 * Output pixel yo (its window at row `top`, column `left`), channels [c0, C): 16 channels per pass
 * (four accumulators share each tap's bounds checks and addresses), then 4, then one.
 */
function forwardPixel(
  img: usize, H: i32, W: i32, cB: usize, C: i32, KH: i32, KW: i32, dh: i32, dw: i32, top: i32, left: i32,
  w: usize, bias: usize, yo: usize, hasBias: bool, relu: bool, relu6: bool, c0: usize,
): void {
  let c: usize = c0;
  // 16 channels per pass: four accumulators share each tap's bounds checks and addresses.
  for (; c + 16 <= <usize>C; c += 16) {
    const off = c << 2;
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (let kh = 0; kh < KH; kh++) {
      const ih = top + kh * dh;
      if (ih < 0 || ih >= H) continue;
      const row = img + <usize>ih * <usize>W * cB + off;
      const wrow = w + <usize>(kh * KW) * cB + off;
      for (let kw = 0; kw < KW; kw++) {
        const iw = left + kw * dw;
        if (iw < 0 || iw >= W) continue;
        const xp = row + <usize>iw * cB, wp = wrow + <usize>kw * cB;
        a0 = fma(v128.load(xp), v128.load(wp), a0);
        a1 = fma(v128.load(xp, 16), v128.load(wp, 16), a1);
        a2 = fma(v128.load(xp, 32), v128.load(wp, 32), a2);
        a3 = fma(v128.load(xp, 48), v128.load(wp, 48), a3);
      }
    }
    storeOutput(yo + off, a0, bias + off, hasBias, relu, relu6);
    storeOutput(yo + off + 16, a1, bias + off + 16, hasBias, relu, relu6);
    storeOutput(yo + off + 32, a2, bias + off + 32, hasBias, relu, relu6);
    storeOutput(yo + off + 48, a3, bias + off + 48, hasBias, relu, relu6);
  }
  for (; c + 4 <= <usize>C; c += 4) {
    const off = c << 2;
    let acc = f32x4.splat(0);
    for (let kh = 0; kh < KH; kh++) {
      const ih = top + kh * dh;
      if (ih < 0 || ih >= H) continue;
      const row = img + <usize>ih * <usize>W * cB + off;
      const wrow = w + <usize>(kh * KW) * cB + off;
      for (let kw = 0; kw < KW; kw++) {
        const iw = left + kw * dw;
        if (iw < 0 || iw >= W) continue;
        acc = fma(v128.load(row + <usize>iw * cB), v128.load(wrow + <usize>kw * cB), acc);
      }
    }
    storeOutput(yo + off, acc, bias + off, hasBias, relu, relu6);
  }
  for (; c < <usize>C; c++) {
    const off = c << 2;
    let acc: f32 = 0;
    for (let kh = 0; kh < KH; kh++) {
      const ih = top + kh * dh;
      if (ih < 0 || ih >= H) continue;
      const row = img + <usize>ih * <usize>W * cB + off;
      const wrow = w + <usize>(kh * KW) * cB + off;
      for (let kw = 0; kw < KW; kw++) {
        const iw = left + kw * dw;
        if (iw < 0 || iw >= W) continue;
        acc += load<f32>(row + <usize>iw * cB) * load<f32>(wrow + <usize>kw * cB);
      }
    }
    if (hasBias) acc += load<f32>(bias + off);
    if (relu) acc = acc > 0 ? acc : (acc != acc ? acc : 0);
    if (relu6) acc = acc > 6 ? <f32>6 : acc;
    store<f32>(yo + off, acc);
  }
}

/**
 * Four consecutive output pixels of one row with a 3-wide filter, channels [0, c4): the filter
 * row's 3 weight vectors are loaded once for the 4 pixels (and, stride 1 undilated, the 6 input
 * columns once for the 12 taps) instead of once per tap and pixel. The quad's first input column
 * is padding when lz (it is never read: a zero vector takes its place) and its last when rz
 * (undilated only): a padded tap adds 0 * w, which leaves a sum that is never -0 unchanged, so each
 * pixel gets the bits of forwardPixel's (kh, kw) order, which skips the tap (for finite weights).
 */
// @ts-ignore: decorator
@inline function forwardQuad3(
  img: usize, H: i32, W: i32, cB: usize, c4: usize, KH: i32, dh: i32, dw: i32, sx: i32, top: i32, left: i32,
  w: usize, bias: usize, yo: usize, hasBias: bool, relu: bool, relu6: bool, s1: bool, lz: bool, rz: bool,
): void {
  const pxB = <usize>sx * cB, kB = <usize>dw * cB;
  const z = f32x4.splat(0);
  // The addresses of the first and last columns, moved inside the row when they are padding (the
  // load is then unused, but a select may still perform it).
  const firstB: usize = lz ? cB : 0, lastB: usize = <usize>(3 * sx + 2 * dw - (rz ? 1 : 0)) * cB;
  for (let c: usize = 0; c < c4; c += 4) {
    const off = c << 2;
    let a0 = z, a1 = z, a2 = z, a3 = z;
    for (let kh = 0; kh < KH; kh++) {
      const ih = top + kh * dh;
      if (ih < 0 || ih >= H) continue;
      const p = img + <usize>(ih * W + left) * cB + off;
      const wrow = w + <usize>(kh * 3) * cB + off;
      const w0 = v128.load(wrow), w1 = v128.load(wrow + cB), w2 = v128.load(wrow + 2 * cB);
      if (s1) {
        let x0 = v128.load(p + firstB);
        if (lz) x0 = z;
        const x1 = v128.load(p + cB), x2 = v128.load(p + 2 * cB);
        const x3 = v128.load(p + 3 * cB), x4 = v128.load(p + 4 * cB);
        let x5 = v128.load(p + lastB);
        if (rz) x5 = z;
        a0 = fma(x2, w2, fma(x1, w1, fma(x0, w0, a0)));
        a1 = fma(x3, w2, fma(x2, w1, fma(x1, w0, a1)));
        a2 = fma(x4, w2, fma(x3, w1, fma(x2, w0, a2)));
        a3 = fma(x5, w2, fma(x4, w1, fma(x3, w0, a3)));
      } else {
        let q = p;
        let f0 = v128.load(q + firstB);
        if (lz) f0 = z;
        a0 = fma(v128.load(q + 2 * kB), w2, fma(v128.load(q + kB), w1, fma(f0, w0, a0))); q += pxB;
        a1 = fma(v128.load(q + 2 * kB), w2, fma(v128.load(q + kB), w1, fma(v128.load(q), w0, a1))); q += pxB;
        a2 = fma(v128.load(q + 2 * kB), w2, fma(v128.load(q + kB), w1, fma(v128.load(q), w0, a2)));
        let l3 = v128.load(p + lastB);
        if (rz) l3 = z;
        q += pxB;
        a3 = fma(l3, w2, fma(v128.load(q + kB), w1, fma(v128.load(q), w0, a3)));
      }
    }
    storeOutput(yo + off, a0, bias + off, hasBias, relu, relu6);
    storeOutput(yo + cB + off, a1, bias + off, hasBias, relu, relu6);
    storeOutput(yo + 2 * cB + off, a2, bias + off, hasBias, relu, relu6);
    storeOutput(yo + 3 * cB + off, a3, bias + off, hasBias, relu, relu6);
  }
}

/**
 * Eight consecutive output pixels of one row, stride 1, undilated 3-wide filter, channels [0, c4):
 * each of the 10 input columns is loaded once and feeds the (up to) three pixels that read it, so
 * 8 independent sums are in flight (a quad's 4 left the FMA latency exposed). Column 0 is padding
 * when lz, column 9 when rz (zero vectors, as in forwardQuad3). Each pixel's taps are added in
 * (kh, kw) order: forwardPixel's bits.
 */
function forwardOct3s1(
  img: usize, H: i32, W: i32, cB: usize, c4: usize, KH: i32, dh: i32, top: i32, left: i32,
  w: usize, bias: usize, yo: usize, flags: i32, lz: bool, rz: bool,
): void {
  const z = f32x4.splat(0);
  const firstB: usize = lz ? cB : 0, lastB: usize = (rz ? 8 : 9) * cB;
  for (let c: usize = 0; c < c4; c += 4) {
    const off = c << 2;
    let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
    for (let kh = 0; kh < KH; kh++) {
      const ih = top + kh * dh;
      if (ih < 0 || ih >= H) continue;
      const p = img + <usize>(ih * W + left) * cB + off;
      const wrow = w + <usize>(kh * 3) * cB + off;
      const w0 = v128.load(wrow), w1 = v128.load(wrow + cB), w2 = v128.load(wrow + 2 * cB);
      let x = v128.load(p + firstB);
      if (lz) x = z;
      a0 = fma(x, w0, a0);
      x = v128.load(p + cB); a0 = fma(x, w1, a0); a1 = fma(x, w0, a1);
      x = v128.load(p + 2 * cB); a0 = fma(x, w2, a0); a1 = fma(x, w1, a1); a2 = fma(x, w0, a2);
      x = v128.load(p + 3 * cB); a1 = fma(x, w2, a1); a2 = fma(x, w1, a2); a3 = fma(x, w0, a3);
      x = v128.load(p + 4 * cB); a2 = fma(x, w2, a2); a3 = fma(x, w1, a3); a4 = fma(x, w0, a4);
      x = v128.load(p + 5 * cB); a3 = fma(x, w2, a3); a4 = fma(x, w1, a4); a5 = fma(x, w0, a5);
      x = v128.load(p + 6 * cB); a4 = fma(x, w2, a4); a5 = fma(x, w1, a5); a6 = fma(x, w0, a6);
      x = v128.load(p + 7 * cB); a5 = fma(x, w2, a5); a6 = fma(x, w1, a6); a7 = fma(x, w0, a7);
      x = v128.load(p + 8 * cB); a6 = fma(x, w2, a6); a7 = fma(x, w1, a7);
      x = v128.load(p + lastB);
      if (rz) x = z;
      a7 = fma(x, w2, a7);
    }
    storeOct(yo + off, cB, a0, a1, a2, a3, a4, a5, a6, a7, bias + off, flags);
  }
}

/**
 * forwardOct3s1 at stride 2: the 17 input columns of 8 pixels, column 2i + 2 shared by pixels i
 * (its last tap) and i + 1 (its first). Column 0 is padding when lz, column 16 when rz.
 */
function forwardOct3s2(
  img: usize, H: i32, W: i32, cB: usize, c4: usize, KH: i32, dh: i32, top: i32, left: i32,
  w: usize, bias: usize, yo: usize, flags: i32, lz: bool, rz: bool,
): void {
  const z = f32x4.splat(0);
  const firstB: usize = lz ? cB : 0, lastB: usize = (rz ? 15 : 16) * cB;
  for (let c: usize = 0; c < c4; c += 4) {
    const off = c << 2;
    let a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
    for (let kh = 0; kh < KH; kh++) {
      const ih = top + kh * dh;
      if (ih < 0 || ih >= H) continue;
      const p = img + <usize>(ih * W + left) * cB + off;
      const wrow = w + <usize>(kh * 3) * cB + off;
      const w0 = v128.load(wrow), w1 = v128.load(wrow + cB), w2 = v128.load(wrow + 2 * cB);
      let x = v128.load(p + firstB);
      if (lz) x = z;
      a0 = fma(x, w0, a0);
      a0 = fma(v128.load(p + cB), w1, a0);
      x = v128.load(p + 2 * cB); a0 = fma(x, w2, a0); a1 = fma(x, w0, a1);
      a1 = fma(v128.load(p + 3 * cB), w1, a1);
      x = v128.load(p + 4 * cB); a1 = fma(x, w2, a1); a2 = fma(x, w0, a2);
      a2 = fma(v128.load(p + 5 * cB), w1, a2);
      x = v128.load(p + 6 * cB); a2 = fma(x, w2, a2); a3 = fma(x, w0, a3);
      a3 = fma(v128.load(p + 7 * cB), w1, a3);
      x = v128.load(p + 8 * cB); a3 = fma(x, w2, a3); a4 = fma(x, w0, a4);
      a4 = fma(v128.load(p + 9 * cB), w1, a4);
      x = v128.load(p + 10 * cB); a4 = fma(x, w2, a4); a5 = fma(x, w0, a5);
      a5 = fma(v128.load(p + 11 * cB), w1, a5);
      x = v128.load(p + 12 * cB); a5 = fma(x, w2, a5); a6 = fma(x, w0, a6);
      a6 = fma(v128.load(p + 13 * cB), w1, a6);
      x = v128.load(p + 14 * cB); a6 = fma(x, w2, a6); a7 = fma(x, w0, a7);
      a7 = fma(v128.load(p + 15 * cB), w1, a7);
      x = v128.load(p + lastB);
      if (rz) x = z;
      a7 = fma(x, w2, a7);
    }
    storeOct(yo + off, cB, a0, a1, a2, a3, a4, a5, a6, a7, bias + off, flags);
  }
}

/** The eight pixels' outputs (pixel stride cB) through storeOutput's epilogue. */
// @ts-ignore: decorator
@inline function storeOct(y: usize, cB: usize, a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128, bias: usize, flags: i32): void {
  const hasBias = (flags & F_BIAS) != 0, relu = (flags & F_RELU) != 0, relu6 = (flags & F_RELU6) != 0;
  storeOutput(y, a0, bias, hasBias, relu, relu6);
  storeOutput(y + cB, a1, bias, hasBias, relu, relu6);
  storeOutput(y + 2 * cB, a2, bias, hasBias, relu, relu6);
  storeOutput(y + 3 * cB, a3, bias, hasBias, relu, relu6);
  storeOutput(y + 4 * cB, a4, bias, hasBias, relu, relu6);
  storeOutput(y + 5 * cB, a5, bias, hasBias, relu, relu6);
  storeOutput(y + 6 * cB, a6, bias, hasBias, relu, relu6);
  storeOutput(y + 7 * cB, a7, bias, hasBias, relu, relu6);
}


/**
 * The output index o with o * s - pad + k * d == i, or -1 when there is none in [0, O): the output
 * pixel that tap k of the filter maps onto input pixel i.
 */
// @ts-ignore: decorator
@inline function sourceOf(i: i32, k: i32, s: i32, d: i32, pad: i32, O: i32): i32 {
  const t = i + pad - k * d;
  if (t < 0 || t % s != 0) return -1;
  const o = t / s;
  return o < O ? o : -1;
}

// @ts-ignore: decorator
@inline function gcd(a: i32, b: i32): i32 {
  while (b != 0) { const t = a % b; a = b; b = t; }
  return a;
}

/*
 * The taps of one filter axis that read input index i are found once per input row or pixel
 * instead of once per tap and channel block (a modulo and a division each). They form an
 * arithmetic progression: k = first + j * kStep, o = o0 - j * oStep for j in [0, count), because
 * the valid t = i + pad - k d are the multiples of s in [0, O s) (an interval), and k steps by
 * s / gcd(s, d) from one multiple to the next.
 */

/** The first tap k in [0, K) that reads input index i, or K when none does. */
// @ts-ignore: decorator
@inline function firstTap(i: i32, K: i32, s: i32, d: i32, pad: i32, O: i32): i32 {
  let k = 0;
  while (k < K && sourceOf(i, k, s, d, pad, O) < 0) k++;
  return k;
}

/** How many taps first, first + kStep, ... (all below K) read input index i. */
// @ts-ignore: decorator
@inline function tapCount(i: i32, first: i32, kStep: i32, K: i32, s: i32, d: i32, pad: i32, O: i32): i32 {
  let n = 0;
  for (let k = first; k < K && sourceOf(i, k, s, d, pad, O) >= 0; k += kStep) n++;
  return n;
}

/** Bytes of depthwiseBackpropInput's workspace: one (first tap, tap count, first output) per column. */
export function depthwiseInputGradWorkspaceBytes(W: i32): i32 {
  return W * 12;
}

/**
 * ws[iw] = (kw0, count, ow0) for every input column iw: the column taps, computed once per call
 * rather than once per pixel, since they do not depend on the row (a division costs more than
 * the 2-4 taps of a strided pixel).
 */
function columnTaps(W: i32, KW: i32, sx: i32, dw: i32, padL: i32, OW: i32, ws: usize): void {
  const kwStep = sx / gcd(sx, dw);
  for (let iw = 0; iw < W; iw++) {
    const kw0 = firstTap(iw, KW, sx, dw, padL, OW);
    const nw = tapCount(iw, kw0, kwStep, KW, sx, dw, padL, OW);
    const col = ws + (<usize>iw) * 12;
    store<i32>(col, kw0);
    store<i32>(col, nw, 4);
    store<i32>(col, nw > 0 ? sourceOf(iw, kw0, sx, dw, padL, OW) : 0, 8);
  }
}

/**
 * dx [N, H, W, C] = the depthwise conv's input gradient from dy [N, OH, OW, C] and w [KH, KW, 1, C],
 * for the flattened input rows [r0, r0 + rows) of N * H. Each input pixel gathers the taps that
 * read it (so rows are independent and need no zeroing beforehand), in (kh, kw) order. The taps
 * are found once per row (kh) and once per pixel (kw), then every channel block walks them with
 * pointer steps alone.
 */
export function depthwiseBackpropInput(
  dy: usize, OH: i32, OW: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  H: i32, W: i32, w: usize, dx: usize, r0: i32, rows: i32, ws: usize,
): void {
  const cB = <usize>C << 2;
  const rowB = <usize>OW * cB;
  columnTaps(W, KW, sx, dw, padL, OW, ws);
  const gy = gcd(sy, dh), gx = gcd(sx, dw);
  const khStep = sy / gy, ohStep = dh / gy, kwStep = sx / gx, owStep = dw / gx;
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / H, ih = r % H;
    // Tap row kh = kh0 + i khStep reads dy row oh0 - i ohStep.
    const kh0 = firstTap(ih, KH, sy, dh, padT, OH);
    const nh = tapCount(ih, kh0, khStep, KH, sy, dh, padT, OH);
    const oh0 = nh > 0 ? sourceOf(ih, kh0, sy, dh, padT, OH) : 0;
    const g0 = dy + (<usize>(n * OH + oh0)) * rowB, w0 = w + <usize>(kh0 * KW) * cB;
    const gRowStep = <usize>ohStep * rowB, wRowStep = <usize>(khStep * KW) * cB;
    for (let iw = 0; iw < W; iw++) {
      const xo = dx + (<usize>r * <usize>W + <usize>iw) * cB;
      const col = ws + (<usize>iw) * 12;
      const kw0 = load<i32>(col), nw = load<i32>(col, 4), ow0 = load<i32>(col, 8);
      const g1 = g0 + <usize>ow0 * cB, w1 = w0 + <usize>kw0 * cB;
      const gStep = <usize>owStep * cB, wStep = <usize>kwStep * cB;
      if (nh == 0 || nw == 0) {
        memory.fill(xo, 0, cB);
        continue;
      }
      let c: usize = 0;
      // 16 channels per pass, as in the forward.
      for (; c + 16 <= <usize>C; c += 16) {
        const off = c << 2;
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
        let gr = g1 + off, wr = w1 + off;
        for (let i = 0; i < nh; i++) {
          let gp = gr, wp = wr;
          for (let j = 0; j < nw; j++) {
            a0 = fma(v128.load(gp), v128.load(wp), a0);
            a1 = fma(v128.load(gp, 16), v128.load(wp, 16), a1);
            a2 = fma(v128.load(gp, 32), v128.load(wp, 32), a2);
            a3 = fma(v128.load(gp, 48), v128.load(wp, 48), a3);
            gp -= gStep;
            wp += wStep;
          }
          gr -= gRowStep;
          wr += wRowStep;
        }
        v128.store(xo + off, a0);
        v128.store(xo + off + 16, a1);
        v128.store(xo + off + 32, a2);
        v128.store(xo + off + 48, a3);
      }
      for (; c + 4 <= <usize>C; c += 4) {
        const off = c << 2;
        let acc = f32x4.splat(0);
        let gr = g1 + off, wr = w1 + off;
        for (let i = 0; i < nh; i++) {
          let gp = gr, wp = wr;
          for (let j = 0; j < nw; j++) {
            acc = fma(v128.load(gp), v128.load(wp), acc);
            gp -= gStep;
            wp += wStep;
          }
          gr -= gRowStep;
          wr += wRowStep;
        }
        v128.store(xo + off, acc);
      }
      for (; c < <usize>C; c++) {
        const off = c << 2;
        let acc: f32 = 0;
        let gr = g1 + off, wr = w1 + off;
        for (let i = 0; i < nh; i++) {
          let gp = gr, wp = wr;
          for (let j = 0; j < nw; j++) {
            acc += load<f32>(gp) * load<f32>(wp);
            gp -= gStep;
            wp += wStep;
          }
          gr -= gRowStep;
          wr += wRowStep;
        }
        store<f32>(xo + off, acc);
      }
    }
  }
}

/**
 * Part `part` of the depthwise conv's filter gradient: dws + part * partStride (bytes) receives
 * sum over the output rows [part * perPart, min(rows, (part + 1) * perPart)) of N * OH of
 * x (tap-shifted) * dy, as [KH, KW, C]. Parts are fixed by the caller, not by the thread count, and
 * depthwiseFilterGradSum adds them in order, so the sum is the same on any number of threads.
 */
export function depthwiseBackpropFilterPart(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  dy: usize, OH: i32, OW: i32, rows: i32, perPart: i32, part: i32, dws: usize, partStride: i32,
): void {
  const cB = <usize>C << 2;
  const out = dws + <usize>part * <usize>partStride;
  memory.fill(out, 0, <usize>(KH * KW) * cB);
  const end = min(rows, (part + 1) * perPart);
  // Sums in registers for rows of at most 32 channels (two cache lines a pixel). With wider rows
  // each 4-channel pass reads the rows' cold input lines one per pixel across the row, not front
  // to back, and the per-pixel loop measured as fast or faster inside a training step
  // (mobilenet-mini: C = 32 2.2x; C = 64 0.89-0.97x, C = 128 0.86-0.90x; in isolation, on inputs
  // in cache, 1.5x at C = 64-128).
  const fast = KH == 3 && KW == 3 && (C & 3) == 0 && C <= 32;
  for (let r = part * perPart; r < end; r++) {
    const n = r / OH, oh = r % OH;
    const top = oh * sy - padT;
    const img = x + <usize>(n * H) * <usize>W * cB;
    const grow = dy + <usize>r * <usize>OW * cB;
    if (fast && top >= 0 && top + 2 * dh < H) {
      filterGradRow3x3(img, W, cB, sx, dh, dw, padL, top, grow, OW, out);
      continue;
    }
    for (let ow = 0; ow < OW; ow++) {
      filterGradPixel(img, H, W, cB, KH, KW, dh, dw, top, ow * sx - padL, grow + <usize>ow * cB, out, 0, C);
    }
  }
}

/**
 * One output pixel's products (its dy at g) added to the filter gradient's tap sums at out
 * ([KH, KW, C]) for the channels [c0, c1), taps in (kh, kw) order, padded taps skipped; the
 * pixel's window starts at input row `top`, column `left`.
 */
// @ts-ignore: decorator
@inline function filterGradPixel(
  img: usize, H: i32, W: i32, cB: usize, KH: i32, KW: i32, dh: i32, dw: i32, top: i32, left: i32, g: usize, out: usize, c0: i32, c1: i32,
): void {
  const off = <usize>c0 << 2;
  for (let kh = 0; kh < KH; kh++) {
    const ih = top + kh * dh;
    if (ih < 0 || ih >= H) continue;
    const row = img + <usize>ih * <usize>W * cB + off;
    const drow = out + <usize>(kh * KW) * cB + off;
    for (let kw = 0; kw < KW; kw++) {
      const iw = left + kw * dw;
      if (iw < 0 || iw >= W) continue;
      accumulateProduct(drow + <usize>kw * cB, row + <usize>iw * cB, g + off, c1 - c0);
    }
  }
}

/**
 * An output row of the 3x3 filter gradient whose three filter rows lie inside the image (C % 4
 * == 0): per 4 channels, the 9 taps' sums stay in registers across the pixels whose taps all lie
 * inside the row (9 independent FMA chains, one load and store of the sums per row, where the
 * per-pixel loop loaded and stored every sum at every pixel); the pixels at the row's ends go
 * through filterGradPixel on the sums in memory, before and after. Each tap's sum still takes the
 * pixels in (row, column) order with the same fma: the same bits.
 */
function filterGradRow3x3(img: usize, W: i32, cB: usize, sx: i32, dh: i32, dw: i32, padL: i32, top: i32, grow: usize, OW: i32, out: usize): void {
  // Columns whose three taps all lie inside the row: [owLo, owHi).
  const owLo = min(OW, (padL + sx - 1) / sx);
  const span = W - 1 + padL - 2 * dw;
  const owHi = span < 0 ? owLo : max(owLo, min(OW, span / sx + 1));
  const tap = <usize>dw * cB, tap2 = tap << 1;
  const xrow = img + <usize>top * <usize>W * cB;
  const down = <usize>dh * <usize>W * cB, step = <usize>sx * cB;
  const C = <i32>(cB >> 2), bottom = top + 2 * dh + 1;
  for (let ow = 0; ow < owLo; ow++) filterGradPixel(img, bottom, W, cB, 3, 3, dh, dw, top, ow * sx - padL, grow + <usize>ow * cB, out, 0, C);
  for (let cOff: usize = 0; cOff < cB; cOff += 16) {
    const d = out + cOff;
    let a00 = v128.load(d), a01 = v128.load(d + cB), a02 = v128.load(d + 2 * cB);
    let a10 = v128.load(d + 3 * cB), a11 = v128.load(d + 4 * cB), a12 = v128.load(d + 5 * cB);
    let a20 = v128.load(d + 6 * cB), a21 = v128.load(d + 7 * cB), a22 = v128.load(d + 8 * cB);
    let p0 = xrow + <usize>(owLo * sx - padL) * cB + cOff, p1 = p0 + down, p2 = p1 + down;
    let pg = grow + <usize>owLo * cB + cOff;
    for (let ow = owLo; ow < owHi; ow++) {
      const g = v128.load(pg);
      a00 = fma(v128.load(p0), g, a00); a01 = fma(v128.load(p0 + tap), g, a01); a02 = fma(v128.load(p0 + tap2), g, a02);
      a10 = fma(v128.load(p1), g, a10); a11 = fma(v128.load(p1 + tap), g, a11); a12 = fma(v128.load(p1 + tap2), g, a12);
      a20 = fma(v128.load(p2), g, a20); a21 = fma(v128.load(p2 + tap), g, a21); a22 = fma(v128.load(p2 + tap2), g, a22);
      p0 += step; p1 += step; p2 += step; pg += cB;
    }
    v128.store(d, a00); v128.store(d + cB, a01); v128.store(d + 2 * cB, a02);
    v128.store(d + 3 * cB, a10); v128.store(d + 4 * cB, a11); v128.store(d + 5 * cB, a12);
    v128.store(d + 6 * cB, a20); v128.store(d + 7 * cB, a21); v128.store(d + 8 * cB, a22);
  }
  for (let ow = owHi; ow < OW; ow++) filterGradPixel(img, bottom, W, cB, 3, 3, dh, dw, top, ow * sx - padL, grow + <usize>ow * cB, out, 0, C);
}

/** d[0:C] += a[0:C] * b[0:C]. */
// @ts-ignore: decorator
@inline function accumulateProduct(d: usize, a: usize, b: usize, C: i32): void {
  let c: usize = 0;
  const end = <usize>C << 2;
  for (; c + 16 <= end; c += 16) v128.store(d + c, fma(v128.load(a + c), v128.load(b + c), v128.load(d + c)));
  for (; c < end; c += 4) store<f32>(d + c, load<f32>(d + c) + load<f32>(a + c) * load<f32>(b + c));
}

/** dw[0:n] = the sum of the n-float parts at dws + p * partStride (bytes), p = 0 .. parts - 1, in order. */
export function depthwiseFilterGradSum(dws: usize, parts: i32, partStride: i32, n: i32, dw: usize): void {
  const stride = <usize>partStride;
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    let s = v128.load(dws + i);
    for (let p = 1; p < parts; p++) s = f32x4.add(s, v128.load(dws + <usize>p * stride + i));
    v128.store(dw + i, s);
  }
  for (; i < end; i += 4) {
    let s = load<f32>(dws + i);
    for (let p = 1; p < parts; p++) s += load<f32>(dws + <usize>p * stride + i);
    store<f32>(dw + i, s);
  }
}
