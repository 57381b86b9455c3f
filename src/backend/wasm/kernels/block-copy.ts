/**
 * Copies an axis-aligned block between two row-major arrays as contiguous runs (native copies),
 * not element by element: Slice (block of the source into a whole destination) and Pad (whole
 * source into a block of the destination). A spatial crop of an NHWC tensor is one run per image
 * row, so ZeroPadding2D's gradient moves 1 MB in about a thousand copies instead of a million
 * indexed loads.
 */
import type { Shape } from '../../../tensor/shape.js';
import { sizeOf, stridesOf } from '../../../tensor/shape.js';
import { stridedIndices } from '../../ref/strided.js';

type View = Float32Array | Int32Array;

export interface BlockSide { data: View; shape: Shape; begin: readonly number[] }

/**
 * The first axis from which the block runs contiguously in both arrays: every later axis spans
 * both arrays whole.
 */
function firstRunAxis(block: Shape, src: Shape, dst: Shape): number {
  let a = block.length - 1;
  while (a > 0 && block[a] === src[a] && block[a] === dst[a]) a--;
  return a;
}

/** dst[dst.begin + i] = src[src.begin + i] for every index i of `block`. */
export function copyBlock(block: Shape, src: BlockSide, dst: BlockSide): void {
  if (sizeOf(block) === 0) return;
  if (block.length === 0) {
    dst.data[0] = src.data[0]!;
    return;
  }
  const a = firstRunAxis(block, src.shape, dst.shape);
  const run = sizeOf(block.slice(a));
  const outer = block.slice(0, a);
  const [ss, ds] = [stridesOf(src.shape), stridesOf(dst.shape)];
  const origin = (begin: readonly number[], strides: readonly number[]) => begin.reduce((sum, b, i) => sum + b * strides[i]!, 0);
  const from = stridedIndices(outer, ss.slice(0, a), origin(src.begin, ss));
  const to = stridedIndices(outer, ds.slice(0, a), origin(dst.begin, ds));
  for (let r = 0; r < from.length; r++) dst.data.set(src.data.subarray(from[r]!, from[r]! + run), to[r]!);
}
