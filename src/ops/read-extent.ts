/**
 * How much of its input an unpadded conv followed by an unpadded pooling reads: a top-left block
 * of rows and columns. Whatever lies past it changes nothing downstream, so the op that makes
 * the input need not compute it (conv2dPool's `readBy`, the planner's convPoolCrop).
 *
 * Example: a 3x3 conv then a 2x2 pooling of a 13x13 map give 5x5 from its rows and columns
 * 0..11 (the conv's rows 0..9; row and column 10 of the conv's 11x11 are pooled by no window):
 * extentRead(reader, [13, 13]) is [12, 12].
 */

/** A conv with no padding, then a pooling with no padding (each side of the window explicit). */
export interface UnpaddedConvPool {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly poolSize: readonly [number, number];
  readonly poolStrides: readonly [number, number];
}

/** [rows, cols]: the top-left block of an [h, w] input that `reader` reads (all of it where the windows do not fit). */
export function extentRead(reader: UnpaddedConvPool, [h, w]: readonly [number, number]): [number, number] {
  return [axisRead(reader, 0, h), axisRead(reader, 1, w)];
}

function axisRead(r: UnpaddedConvPool, axis: 0 | 1, size: number): number {
  const span = r.dilations[axis] * (r.kernelSize[axis] - 1) + 1;
  const convOut = Math.floor((size - span) / r.strides[axis]) + 1;
  const poolOut = Math.floor((convOut - r.poolSize[axis]) / r.poolStrides[axis]) + 1;
  // A window that does not fit is the reader's error to report, on the whole input.
  if (convOut < 1 || poolOut < 1) return size;
  const convRead = (poolOut - 1) * r.poolStrides[axis] + r.poolSize[axis];
  return (convRead - 1) * r.strides[axis] + span;
}
