// Depthwise convolution (groups = channels, one KHxKW filter per channel, filter [KH, KW, 1, C])
// over NHWC, and its two gradients. Channels are the innermost axis of the input, the output and
// the filter, so every kernel runs 4 channels per v128 lane group along a pixel and takes the taps
// (kh, kw) one at a time. Padded cells are skipped (the reference multiplies them by zero). Taps
// are summed in (kh, kw) order from zero and the bias is added last, as the reference's GEMM does.
// Every output element is computed by one call, so the results do not depend on the thread split.

import { F_BIAS, F_RELU } from './codes';
import { fma, relu4 } from './simd';

/**
 * y [N, OH, OW, C] = act(bias + depthwise(x [N, H, W, C], w [KH, KW, 1, C])) for the flattened output
 * rows [r0, r0 + rows) of N * OH; stride (sy, sx), dilation (dh, dw), padding (padT, padL).
 */
export function depthwiseForward(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  OH: i32, OW: i32, w: usize, bias: usize, y: usize, flags: i32, r0: i32, rows: i32,
): void {
  const cB = <usize>C << 2;
  const hasBias = (flags & F_BIAS) != 0, relu = (flags & F_RELU) != 0;
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / OH, oh = r % OH;
    const top = oh * sy - padT;
    const img = x + <usize>(n * H) * <usize>W * cB;
    for (let ow = 0; ow < OW; ow++) {
      const left = ow * sx - padL;
      const yo = y + (<usize>r * <usize>OW + <usize>ow) * cB;
      let c: usize = 0;
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
        storeOutput(yo + off, a0, bias + off, hasBias, relu);
        storeOutput(yo + off + 16, a1, bias + off + 16, hasBias, relu);
        storeOutput(yo + off + 32, a2, bias + off + 32, hasBias, relu);
        storeOutput(yo + off + 48, a3, bias + off + 48, hasBias, relu);
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
        storeOutput(yo + off, acc, bias + off, hasBias, relu);
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
        store<f32>(yo + off, acc);
      }
    }
  }
}

/** y[0:4] = act(acc + bias[0:4]) (bias only with hasBias). */
// @ts-ignore: decorator
@inline function storeOutput(y: usize, acc: v128, bias: usize, hasBias: bool, relu: bool): void {
  let v = acc;
  if (hasBias) v = f32x4.add(v, v128.load(bias));
  if (relu) v = relu4(v);
  v128.store(y, v);
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

/**
 * dx [N, H, W, C] = the depthwise conv's input gradient from dy [N, OH, OW, C] and w [KH, KW, 1, C],
 * for the flattened input rows [r0, r0 + rows) of N * H. Each input pixel gathers the taps that
 * read it (so rows are independent and need no zeroing beforehand).
 */
export function depthwiseBackpropInput(
  dy: usize, OH: i32, OW: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  H: i32, W: i32, w: usize, dx: usize, r0: i32, rows: i32,
): void {
  const cB = <usize>C << 2;
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / H, ih = r % H;
    const img = dy + <usize>(n * OH) * <usize>OW * cB;
    for (let iw = 0; iw < W; iw++) {
      const xo = dx + (<usize>r * <usize>W + <usize>iw) * cB;
      let c: usize = 0;
      // 16 channels per pass, as in the forward.
      for (; c + 16 <= <usize>C; c += 16) {
        const off = c << 2;
        let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
        for (let kh = 0; kh < KH; kh++) {
          const oh = sourceOf(ih, kh, sy, dh, padT, OH);
          if (oh < 0) continue;
          const row = img + <usize>oh * <usize>OW * cB + off;
          const wrow = w + <usize>(kh * KW) * cB + off;
          for (let kw = 0; kw < KW; kw++) {
            const ow = sourceOf(iw, kw, sx, dw, padL, OW);
            if (ow < 0) continue;
            const gp = row + <usize>ow * cB, wp = wrow + <usize>kw * cB;
            a0 = fma(v128.load(gp), v128.load(wp), a0);
            a1 = fma(v128.load(gp, 16), v128.load(wp, 16), a1);
            a2 = fma(v128.load(gp, 32), v128.load(wp, 32), a2);
            a3 = fma(v128.load(gp, 48), v128.load(wp, 48), a3);
          }
        }
        v128.store(xo + off, a0);
        v128.store(xo + off + 16, a1);
        v128.store(xo + off + 32, a2);
        v128.store(xo + off + 48, a3);
      }
      for (; c + 4 <= <usize>C; c += 4) {
        const off = c << 2;
        let acc = f32x4.splat(0);
        for (let kh = 0; kh < KH; kh++) {
          const oh = sourceOf(ih, kh, sy, dh, padT, OH);
          if (oh < 0) continue;
          const row = img + <usize>oh * <usize>OW * cB + off;
          const wrow = w + <usize>(kh * KW) * cB + off;
          for (let kw = 0; kw < KW; kw++) {
            const ow = sourceOf(iw, kw, sx, dw, padL, OW);
            if (ow < 0) continue;
            acc = fma(v128.load(row + <usize>ow * cB), v128.load(wrow + <usize>kw * cB), acc);
          }
        }
        v128.store(xo + off, acc);
      }
      for (; c < <usize>C; c++) {
        const off = c << 2;
        let acc: f32 = 0;
        for (let kh = 0; kh < KH; kh++) {
          const oh = sourceOf(ih, kh, sy, dh, padT, OH);
          if (oh < 0) continue;
          const row = img + <usize>oh * <usize>OW * cB + off;
          const wrow = w + <usize>(kh * KW) * cB + off;
          for (let kw = 0; kw < KW; kw++) {
            const ow = sourceOf(iw, kw, sx, dw, padL, OW);
            if (ow < 0) continue;
            acc += load<f32>(row + <usize>ow * cB) * load<f32>(wrow + <usize>kw * cB);
          }
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
  for (let r = part * perPart; r < end; r++) {
    const n = r / OH, oh = r % OH;
    const top = oh * sy - padT;
    const img = x + <usize>(n * H) * <usize>W * cB;
    for (let ow = 0; ow < OW; ow++) {
      const left = ow * sx - padL;
      const g = dy + (<usize>r * <usize>OW + <usize>ow) * cB;
      for (let kh = 0; kh < KH; kh++) {
        const ih = top + kh * dh;
        if (ih < 0 || ih >= H) continue;
        const row = img + <usize>ih * <usize>W * cB;
        const drow = out + <usize>(kh * KW) * cB;
        for (let kw = 0; kw < KW; kw++) {
          const iw = left + kw * dw;
          if (iw < 0 || iw >= W) continue;
          accumulateProduct(drow + <usize>kw * cB, row + <usize>iw * cB, g, C);
        }
      }
    }
  }
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
