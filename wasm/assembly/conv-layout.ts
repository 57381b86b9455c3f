// Layout helpers of the convolution kernels: zero padding of NHWC activations and HWIO filter
// rearrangements.
import { f } from './simd';

// Layout helpers

/** y [N, H+pt+pb, W+pl+pr, C] = x [N, H, W, C] zero-padded. */
export function padNHWC(x: usize, N: i32, H: i32, W: i32, C: i32, pt: i32, pb: i32, pl: i32, pr: i32, y: usize): void {
  const PH = H + pt + pb, PW = W + pl + pr;
  const Cz = <usize>C;
  for (let n = 0; n < N; n++) {
    for (let py = 0; py < PH; py++) {
      const dst = f(y, <usize>((n * PH + py) * PW) * Cz);
      const iy = py - pt;
      if (iy < 0 || iy >= H) { memory.fill(dst, 0, (<usize>PW * Cz) << 2); continue; }
      memory.fill(dst, 0, (<usize>pl * Cz) << 2);
      memory.copy(f(dst, <usize>pl * Cz), f(x, <usize>((n * H + iy) * W) * Cz), (<usize>W * Cz) << 2);
      memory.fill(f(dst, <usize>(pl + W) * Cz), 0, (<usize>pr * Cz) << 2);
    }
  }
}

/** out [KH, KW, K, C] = w [KH-1-kh, KW-1-kw, C, K]: the filter of the input-gradient conv. */
export function flipFilter(w: usize, KH: i32, KW: i32, C: i32, K: i32, out: usize): void {
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
    const src = f(w, <usize>(((KH - 1 - kh) * KW + (KW - 1 - kw)) * C * K));
    const dst = f(out, <usize>((kh * KW + kw) * K * C));
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
      store<f32>(f(dst, <usize>(k * C + c)), load<f32>(f(src, <usize>(c * K + k))));
    }
  }
}

/** out [KH, KW, K, C] = w [KH, KW, C, K]: the filter with its channel axes swapped (no flip). */
export function swapFilterIO(w: usize, KH: i32, KW: i32, C: i32, K: i32, out: usize): void {
  const CK = <usize>C * <usize>K;
  for (let q: usize = 0; q < <usize>(KH * KW); q++) {
    const src = f(w, q * CK), dst = f(out, q * CK);
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
      store<f32>(f(dst, <usize>(k * C + c)), load<f32>(f(src, <usize>(c * K + k))));
    }
  }
}
