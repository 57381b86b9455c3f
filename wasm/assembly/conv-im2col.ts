// The patch matrix (im2col) and its adjoint (col2im) for NHWC activations: the general fallback
// of convolutions any stride, padding and dilation take (a GEMM on the patch rows).
import { f } from './simd';

/**
 * cols[p, (kh, kw, c)] for output pixels p in [p0, p0 + count) of x [N, H, W, C]; padding
 * [top, left] (bottom/right are implied by OH/OW), zeros outside the input.
 */
export function im2col(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  padT: i32, padL: i32, OH: i32, OW: i32, p0: i32, count: i32, cols: usize,
): void {
  const rowLen = <usize>(KH * KW * C);
  const cB = <usize>C << 2;
  for (let q = 0; q < count; q++) {
    const p = p0 + q;
    const n = p / (OH * OW), rem = p % (OH * OW), oy = rem / OW, ox = rem % OW;
    let dst = f(cols, <usize>q * rowLen);
    for (let kh = 0; kh < KH; kh++) {
      const iy = oy * sy - padT + kh * dy;
      for (let kw = 0; kw < KW; kw++) {
        const ix = ox * sx - padL + kw * dx;
        const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
        if (C <= 8) {
          // memory.copy/fill calls cost more than a few scalar moves (first layers: C = 1..3).
          const src = f(x, <usize>((n * H + iy) * W + ix) * <usize>C);
          for (let c: usize = 0; c < cB; c += 4) store<f32>(dst + c, inside ? load<f32>(src + c) : 0);
        } else if (inside) {
          memory.copy(dst, f(x, <usize>((n * H + iy) * W + ix) * <usize>C), cB);
        } else {
          memory.fill(dst, 0, cB);
        }
        dst += cB;
      }
    }
  }
}

/**
 * dx [N, H, W, C] = sum of patch columns: the adjoint of im2col, for images [n0, n1) (threads split
 * images, so no two threads write the same pixel). cols rows are output pixels of all images.
 */
export function col2im(
  cols: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  padT: i32, padL: i32, OH: i32, OW: i32, n0: i32, n1: i32, out: usize,
): void {
  const Cz = <usize>C;
  const img = <usize>(H * W) * Cz;
  const rowLen = <usize>(KH * KW * C);
  for (let n = n0; n < n1; n++) {
    // Zeroed image by image, just before its adds: a whole multi-MB fill up front was out of
    // L2 again by the time they came (resnet8's 1x1/2 shortcut dx: 4 MB, a quarter of it added).
    memory.fill(f(out, <usize>n * img), 0, img << 2);
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let src = f(cols, <usize>((n * OH + oy) * OW + ox) * rowLen);
        for (let kh = 0; kh < KH; kh++) {
          const iy = oy * sy - padT + kh * dy;
          for (let kw = 0; kw < KW; kw++) {
            const ix = ox * sx - padL + kw * dx;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
              const d = f(out, <usize>((n * H + iy) * W + ix) * Cz);
              let c: usize = 0;
              for (; c + 4 <= Cz; c += 4) v128.store(d + (c << 2), f32x4.add(v128.load(d + (c << 2)), v128.load(src + (c << 2))));
              for (; c < Cz; c++) store<f32>(d + (c << 2), load<f32>(d + (c << 2)) + load<f32>(src + (c << 2)));
            }
            src += Cz << 2;
          }
        }
      }
    }
  }
}
