// The few-channel stem's direct conv (conv1ForwardStrips, 2-3 input channels) for 16 output
// channels at a time: two pixels x four 4-channel groups stay in eight accumulators through all
// KH x KW x C taps, each tap one broadcast per pixel and four weight loads from L1. The strips
// passes keep three taps' weights in registers instead and carry each output through y between
// passes: a load and a store per group and strip (7 memory operations per 6 FMAs, here 6 per 8).
// Each output is the bias (or zero) plus its taps in tap order, one FMA each, as in the strips
// passes: the same bits.
import { cap6, fma, relu4 } from './simd';

/**
 * Output channels [g, g + 16) of one output row: xr is filter row 0's input at the row's first
 * pixel (rows rowB bytes apart, pixels sxC floats apart), each filter row T = KW * C contiguous
 * taps; wg the filter at channel g (HWIO: tap t of row kh at (kh * T + t) * kB bytes), bg the bias
 * at g (0: none), yg the output row at channel g (pixels kB bytes apart). relu: 0 none, 1 relu,
 * 2 relu6.
 */
export function stemRow16(xr: usize, rowB: usize, KH: i32, T: i32, sxC: i32, wg: usize, kB: usize, bg: usize, yg: usize, OW: i32, relu: i32): void {
  const pxB = <usize>sxC << 2;
  for (let ox = 0; ox < OW; ox += 2) {
    const x0 = xr + <usize>ox * pxB;
    // An odd last pixel is computed twice (the second copy is not stored).
    const second = ox + 1 < OW;
    stemPixels(x0, second ? x0 + pxB : x0, rowB, KH, T, wg, kB, bg, yg + <usize>ox * kB, second, relu);
  }
}

// @ts-ignore: decorator
@inline function stemPixels(x0: usize, x1: usize, rowB: usize, KH: i32, T: i32, wg: usize, kB: usize, bg: usize, o: usize, second: bool, relu: i32): void {
  const z = f32x4.splat(0);
  let a0 = bg != 0 ? v128.load(bg) : z, a1 = bg != 0 ? v128.load(bg, 16) : z;
  let a2 = bg != 0 ? v128.load(bg, 32) : z, a3 = bg != 0 ? v128.load(bg, 48) : z;
  let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
  let wp = wg;
  for (let kh = 0; kh < KH; kh++) {
    let xa = x0 + <usize>kh * rowB, xb = x1 + <usize>kh * rowB;
    const end = xa + (<usize>T << 2);
    while (xa < end) {
      const sa = v128.load32_splat(xa), sb = v128.load32_splat(xb);
      const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
      a0 = fma(sa, w0, a0); a1 = fma(sa, w1, a1); a2 = fma(sa, w2, a2); a3 = fma(sa, w3, a3);
      b0 = fma(sb, w0, b0); b1 = fma(sb, w1, b1); b2 = fma(sb, w2, b2); b3 = fma(sb, w3, b3);
      xa += 4; xb += 4; wp += kB;
    }
  }
  if (relu != 0) {
    a0 = relu4(a0); a1 = relu4(a1); a2 = relu4(a2); a3 = relu4(a3);
    b0 = relu4(b0); b1 = relu4(b1); b2 = relu4(b2); b3 = relu4(b3);
  }
  if (relu == 2) {
    a0 = cap6(a0); a1 = cap6(a1); a2 = cap6(a2); a3 = cap6(a3);
    b0 = cap6(b0); b1 = cap6(b1); b2 = cap6(b2); b3 = cap6(b3);
  }
  v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  if (second) {
    const p = o + kB;
    v128.store(p, b0); v128.store(p, b1, 16); v128.store(p, b2, 32); v128.store(p, b3, 48);
  }
}
