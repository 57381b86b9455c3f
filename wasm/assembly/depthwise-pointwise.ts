// A depthwise conv followed by a pointwise (1x1) conv, one image at a time: the depthwise output
// of an image (at most a few tens of KB for a MobileNet block) is written to the thread's
// workspace and multiplied by the packed pointwise weights while it is still in L1/L2, instead of
// going out to memory and being read back by a second kernel; optionally the pointwise output is
// averaged over the image's pixels there too (a global average pooling that follows). Each output
// element is computed by the same functions, in the same order, as the unfused kernels
// (depthwiseForward, sgemmUPacked, then sumRowsF64 and a float32 division as Reduce and Binary
// compute a mean), so the results are the same bits.

import { F_MEAN_PIXELS } from './codes';
import { conv1ForwardStrips } from './conv1';
import { padNHWC } from './conv-layout';
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

/** Bytes of one block's descriptor for depthwisePointwiseBlocks: 18 i32 fields, in depthwisePointwise's argument order. */
export const BLOCK_DESCRIPTOR_BYTES = 72;

/** Bytes of a stem's descriptor for depthwisePointwiseBlocks: 17 i32 fields, see stemImage. */
export const STEM_DESCRIPTOR_BYTES = 68;

/**
 * Bytes of the scratch a stem needs besides its output: the zero-padded image (PH x PW x C floats),
 * 64-byte aligned.
 */
export function stemPaddedBytes(PH: i32, PW: i32, C: i32): i32 {
  return <i32>aligned(PH * PW * C * 4);
}

/**
 * The stem conv (conv1ForwardStrips: 2-3 input channels, direct) of image xi into out: the image
 * zero-padded into `padded` first when the stem pads. The descriptor at s holds H, W, C, KH, KW,
 * sy, sx, padT, padB, padL, padR, OH, OW, w, bias, K, relu (conv1ForwardStrips's code: 1 relu, 2
 * relu6); it computes what the Conv2D kernel computes for the image (the same export, rows [0, OH)
 * of "image 0").
 */
function stemImage(s: usize, xi: usize, padded: usize, out: usize): void {
  const H = load<i32>(s), W = load<i32>(s, 4), C = load<i32>(s, 8);
  const pt = load<i32>(s, 28), pb = load<i32>(s, 32), pl = load<i32>(s, 36), pr = load<i32>(s, 40);
  let xp = xi;
  if (pt + pb + pl + pr > 0) {
    padNHWC(xi, 1, H, W, C, pt, pb, pl, pr, padded);
    xp = padded;
  }
  conv1ForwardStrips(
    xp, H + pt + pb, W + pl + pr, C, load<i32>(s, 12), load<i32>(s, 16), load<i32>(s, 20), load<i32>(s, 24),
    <usize>load<u32>(s, 52), load<i32>(s, 60), <usize>load<u32>(s, 56), out, load<i32>(s, 64), 0, load<i32>(s, 44), 0, 0, 0,
  );
}

/**
 * Blocks of depthwisePointwise run image by image: each image goes through every block before the
 * next image starts, its intermediates in two workspace buffers of `maxB` bytes, so only x and the
 * last block's output touch memory. Block b's descriptor at desc + b * BLOCK_DESCRIPTOR_BYTES holds
 * H, W, C, KH, KW, sy, sx, padT, padL, OH, OW, w, bias, flags, bp, K, pbias, pflags (the last
 * block's pflags may ask for the mean); y is [N, ...] of the last block. Images [n0, n1). With a
 * stem descriptor (stem != 0, see stemImage), each image first goes through the stem conv into the
 * second buffer (its padded copy after the two buffers), so the stem's output never goes to memory
 * either.
 */
export function depthwisePointwiseBlocks(desc: usize, nblocks: i32, x: usize, xImageB: i32, y: usize, maxB: i32, n0: i32, n1: i32, ws: usize, stem: usize): void {
  const bufA = ws, bufB = ws + aligned(maxB), padded = bufB + aligned(maxB);
  const inner = stem == 0 ? padded : padded + <usize>stemPaddedBytes(load<i32>(stem) + load<i32>(stem, 28) + load<i32>(stem, 32), load<i32>(stem, 4) + load<i32>(stem, 36) + load<i32>(stem, 40), load<i32>(stem, 8));
  const last = desc + <usize>(nblocks - 1) * BLOCK_DESCRIPTOR_BYTES;
  const lastK = load<i32>(last, 60), lastPixels = load<i32>(last, 36) * load<i32>(last, 40);
  const outB = <usize>((load<i32>(last, 68) & F_MEAN_PIXELS) != 0 ? lastK : lastPixels * lastK) << 2;
  for (let n = n0; n < n1; n++) {
    let src = x + <usize>n * <usize>xImageB;
    if (stem != 0) {
      // Block 0 writes bufA: the stem's output goes to bufB.
      stemImage(stem, src, padded, bufB);
      src = bufB;
    }
    for (let b = 0; b < nblocks; b++) {
      const d = desc + <usize>b * BLOCK_DESCRIPTOR_BYTES;
      const dst = b == nblocks - 1 ? y + <usize>n * outB : (b & 1) == 0 ? bufA : bufB;
      depthwisePointwise(
        src, load<i32>(d), load<i32>(d, 4), load<i32>(d, 8), load<i32>(d, 12), load<i32>(d, 16), load<i32>(d, 20), load<i32>(d, 24),
        load<i32>(d, 28), load<i32>(d, 32), load<i32>(d, 36), load<i32>(d, 40), <usize>load<u32>(d, 44), <usize>load<u32>(d, 48), load<i32>(d, 52),
        GEMM_MR_BLOCKS, <usize>load<u32>(d, 56), load<i32>(d, 60), <usize>load<u32>(d, 64), load<i32>(d, 68), dst, 0, 1, inner,
      );
      src = dst;
    }
  }
}

/** Micro-kernel rows of the blocks' GEMMs (gemm.ts's GEMM_MR on the TypeScript side). */
const GEMM_MR_BLOCKS = 4;
