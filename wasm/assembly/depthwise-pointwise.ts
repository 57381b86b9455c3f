// A depthwise conv followed by a pointwise (1x1) conv, one image at a time: the depthwise output
// of an image (at most a few tens of KB for a MobileNet block) is written to the thread's
// workspace and multiplied by the packed pointwise weights while it is still in L1/L2, instead of
// going out to memory and being read back by a second kernel; optionally the pointwise output is
// averaged over the image's pixels there too (a global average pooling that follows). Each output
// element is computed by the same functions, in the same order, as the unfused kernels
// (depthwiseForward, sgemmUPacked, then sumRowsF64 and a float32 division as Reduce and Binary
// compute a mean), so the results are the same bits.

import { F_MEAN_PIXELS } from './codes';
import { depthwiseForward } from './depthwise';
import { sumRowsF64 } from './elementwise';
import { gemmWorkspaceBytes, sgemmUPacked } from './gemm';

// @ts-ignore: decorator
@inline function aligned(bytes: i32): usize {
  return <usize>((bytes + 63) & ~63);
}

/**
 * Workspace bytes of depthwisePointwise: one image's depthwise output, its pointwise output and
 * float64 column sums (used when averaging), then the GEMM's scratch.
 */
export function depthwisePointwiseWorkspaceBytes(OH: i32, OW: i32, C: i32, K: i32): i32 {
  return <i32>(aligned(OH * OW * C * 4) + aligned(OH * OW * K * 4) + aligned(K * 8)) + gemmWorkspaceBytes();
}

/**
 * y [N, OH, OW, K] = pact(pbias + act(bias + depthwise(x, w)) P) for images [n0, n1) of an
 * undilated depthwise conv (the thread pool's 24 arguments leave no room for dilations): x [N, H, W, C],
 * w [KH, KW, 1, C] (flags F_BIAS / F_RELU / F_RELU6 as depthwiseForward's), the pointwise weights
 * [C, K] packed by packBAll at bp (pflags as gemm's epilogue flags, pbias [K]). With
 * F_MEAN_PIXELS in pflags, y is [N, K]: each image's mean over its OH * OW pixels.
 */
export function depthwisePointwise(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, padT: i32, padL: i32,
  OH: i32, OW: i32, w: usize, bias: usize, flags: i32, mr: i32, bp: usize, K: i32, pbias: usize, pflags: i32,
  y: usize, n0: i32, n1: i32, ws: usize,
): void {
  const pixels = OH * OW;
  const mean = (pflags & F_MEAN_PIXELS) != 0;
  const mid = ws;
  const pix = mid + aligned(pixels * C * 4);
  const sums = pix + aligned(pixels * K * 4);
  const gws = sums + aligned(K * 8);
  const imageB = <usize>(H * W * C) << 2;
  const outB = <usize>(mean ? K : pixels * K) << 2;
  for (let n = n0; n < n1; n++) {
    // Rows [0, OH) of "image 0" at this image's input: the depthwise kernel writes them at mid.
    depthwiseForward(x + <usize>n * imageB, H, W, C, KH, KW, sy, sx, 1, 1, padT, padL, OH, OW, w, bias, mid, flags, 0, OH);
    const yn = y + <usize>n * outB;
    sgemmUPacked(mr, pixels, K, C, mid, C, 0, bp, mean ? pix : yn, K, pflags & ~F_MEAN_PIXELS, pbias, gws);
    if (!mean) continue;
    sumRowsF64(pix, K, pixels, 0, pixels, sums);
    for (let k = 0; k < K; k++) {
      let s: f64 = 0;
      s += load<f64>(sums + (<usize>k << 3));
      store<f32>(yn + (<usize>k << 2), <f32>s / <f32>pixels);
    }
  }
}
