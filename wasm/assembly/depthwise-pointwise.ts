// A depthwise conv followed by a pointwise (1x1) conv, one image at a time: the depthwise output
// of an image (at most a few tens of KB for a MobileNet block) is written to the thread's
// workspace and multiplied by the packed pointwise weights while it is still in L1/L2, instead of
// going out to memory and being read back by a second kernel. Each output element is computed by
// the same function, in the same order, as the two kernels run one after the other
// (depthwiseForward, then sgemmUPacked), so the results are the same bits.

import { depthwiseForward } from './depthwise';
import { gemmWorkspaceBytes, sgemmUPacked } from './gemm';

/** Workspace bytes of depthwisePointwise: one image's depthwise output, then the GEMM's scratch. */
export function depthwisePointwiseWorkspaceBytes(OH: i32, OW: i32, C: i32): i32 {
  return ((OH * OW * C * 4 + 63) & ~63) + gemmWorkspaceBytes();
}

/**
 * y [N, OH, OW, K] = pact(pbias + act(bias + depthwise(x, w)) P) for images [n0, n1) of an
 * undilated depthwise conv (the thread pool's 24 arguments leave no room for dilations): x [N, H, W, C],
 * w [KH, KW, 1, C] (flags F_BIAS / F_RELU / F_RELU6 as depthwiseForward's), the pointwise weights
 * [C, K] packed by packBAll at bp (pflags as gemm's epilogue flags, pbias [K]).
 */
export function depthwisePointwise(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, padT: i32, padL: i32,
  OH: i32, OW: i32, w: usize, bias: usize, flags: i32, mr: i32, bp: usize, K: i32, pbias: usize, pflags: i32,
  y: usize, n0: i32, n1: i32, ws: usize,
): void {
  const pixels = OH * OW;
  const mid = ws;
  const gws = ws + <usize>((pixels * C * 4 + 63) & ~63);
  const imageB = <usize>(H * W * C) << 2;
  const outB = <usize>(pixels * K) << 2;
  for (let n = n0; n < n1; n++) {
    // Rows [0, OH) of "image 0" at this image's input: the depthwise kernel writes them at mid.
    depthwiseForward(x + <usize>n * imageB, H, W, C, KH, KW, sy, sx, 1, 1, padT, padL, OH, OW, w, bias, mid, flags, 0, OH);
    sgemmUPacked(mr, pixels, K, C, mid, C, 0, bp, y + <usize>n * outB, K, pflags, pbias, gws);
  }
}
