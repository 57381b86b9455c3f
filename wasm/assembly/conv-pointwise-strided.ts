// A 1x1 conv with stride > 1 (resnet8's shortcuts, 16 -> 32 and 32 -> 64 channels at stride 2):
// the input pixels it reads are every sy-th row and sx-th column of x, so a block of output pixels
// is first gathered into a contiguous [pixels][C] buffer (whole-vector copies: many independent
// loads in flight on a cold x), then multiplied by the packed filter from cache. The implicit
// GEMM read the same pixels in place through a row table, one short (C-deep) micro-kernel call
// per 4 pixels and 8 channels with the rows' loads inside the FMA loop.
import { gemmWorkspaceBytes, sgemmUPacked } from './gemm';

/** Output pixels per gathered block (a block of [PIXELS][C] floats stays in L1 for C <= 64). */
const PIXELS: i32 = 96;

/**
 * One load from the first line of each of `pixels` input pixels of convPointwiseStrided from output
 * pixel (n, oy, ox) on, OR-ed together (the caller stores the result so the loads stay): the next
 * block's gather then finds them in cache instead of waiting for each (wasm has no prefetch; the
 * strided rows defeat the hardware's). resnet8's 16 -> 32 shortcut 1.17x, its 32 -> 64 1.00-1.06x
 * (branch res-infer2; touching y's lines as well made the 32 -> 64 slower).
 */
function touchPixels(x: usize, H: i32, W: i32, C: i32, sy: i32, sx: i32, OH: i32, OW: i32, n: i32, oy: i32, ox: i32, pixels: i32): v128 {
  let touched = f32x4.splat(0);
  for (let i = 0; i < pixels; i++) {
    touched = v128.or(touched, v128.load(x + ((<usize>((n * H + oy * sy) * W + ox * sx) * <usize>C) << 2)));
    if (++ox == OW) { ox = 0; if (++oy == OH) { oy = 0; n++; } }
  }
  return touched;
}

/** Workspace bytes of convPointwiseStrided: sgemmUPacked's, then the gathered block. */
export function pointwiseStridedWorkspaceBytes(C: i32): i32 {
  return gemmWorkspaceBytes() + PIXELS * C * 4 + 64;
}

/**
 * y[p, :] = act(x[n, oy * sy, ox * sx, :] . w + bias) for the flattened output pixels p = (n, oy,
 * ox) in [p0, p0 + count): x [N, H, W, C] (C % 4 == 0), filter packed by packBAll(K, C, w, K, 0,
 * bp), y [N, OH, OW, K]. Each output is the GEMM's: products summed over c in order from 0, then
 * the bias, then relu (flags as sgemm), whatever the block and thread split.
 */
export function convPointwiseStrided(
  mr: i32, x: usize, H: i32, W: i32, C: i32, sy: i32, sx: i32, OH: i32, OW: i32,
  p0: i32, count: i32, bp: usize, K: i32, bias: usize, y: usize, flags: i32, ws: usize,
): void {
  const block = ws + <usize>gemmWorkspaceBytes();
  const pixelB = <usize>C << 2, stepB = <usize>(sx * C) << 2;
  // The next pixel's (image, row, column), stepped rather than divided out per pixel.
  let n = p0 / (OH * OW), oy = (p0 % (OH * OW)) / OW, ox = p0 % OW;
  for (let q = 0; q < count; q += PIXELS) {
    const pixels = min(PIXELS, count - q);
    let d = block;
    for (let i = 0; i < pixels;) {
      // The rest of this output row at once: its input pixels are sx * C floats apart.
      const run = min(OW - ox, pixels - i);
      let s = x + ((<usize>((n * H + oy * sy) * W + ox * sx) * <usize>C) << 2);
      for (let j = 0; j < run; j++) {
        for (let c: usize = 0; c < pixelB; c += 16) v128.store(d + c, v128.load(s + c));
        s += stepB; d += pixelB;
      }
      i += run; ox += run;
      if (ox == OW) { ox = 0; if (++oy == OH) { oy = 0; n++; } }
    }
    // (n, oy, ox) is now the next block's first pixel: start its loads before this block's GEMM.
    const touched = touchPixels(x, H, W, C, sy, sx, OH, OW, n, oy, ox, min(PIXELS, count - q - pixels));
    v128.store(block + ((<usize>PIXELS * <usize>C) << 2), touched); // keeps the loads
    const yq = y + ((<usize>(p0 + q) * <usize>K) << 2);
    sgemmUPacked(mr, pixels, K, C, block, C, 0, bp, yq, K, flags, bias, ws);
  }
}
