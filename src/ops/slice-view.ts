/**
 * A slice that is one contiguous range of its source's row-major storage (`x[i:i+b]` of a batch,
 * `narrow` along the leading axis, `select(x, 0, i)`) shares that storage at an element offset
 * instead of copying it, as PyTorch's basic indexing returns a view. Tensors are immutable to
 * users and no kernel writes into an input (a Variable's update swaps in new storage), so the view
 * can never see its source change: it behaves exactly as the copy it replaces.
 *
 * Why it matters: a PyTorch-style prediction loop slices each batch out of the data set. As a copy,
 * every batch was a fresh block of wasm heap that the collector reclaimed later (cold in cache,
 * cycling through the reclaim window); as a view, it allocates nothing.
 */
import { engine } from '../backend/engine.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The element offset of the block `begin`/`size` in x's row-major values when the block is one
 * contiguous range (the axes before some axis k have extent 1, those after it are whole), else -1.
 */
export function contiguousOffset(shape: readonly number[], begin: readonly number[], size: readonly number[]): number {
  let k = 0;
  while (k < shape.length && size[k] === 1) k++;
  // From k + 1 on, every axis must be taken whole.
  for (let i = k + 1; i < shape.length; i++) if (begin[i] !== 0 || size[i] !== shape[i]) return -1;
  let offset = 0;
  for (let i = 0; i < shape.length; i++) offset = offset * shape[i]! + begin[i]!;
  return offset;
}

/**
 * The slice as a view of x's storage, or null when it must be copied: a range that is not
 * contiguous, an empty one, values not stored row-major in x's shape (a permuted layout), a
 * handed-back chain output (plan/deferred-chain.ts, whose storage may be given back and computed
 * again), or a backend that cannot share ranges.
 */
export function sliceView(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor | null {
  if (x.handsBack || x.storedOrder !== null) return null;
  let n = 1;
  for (let i = 0; i < size.length; i++) {
    // An out-of-range block is left to the Slice kernel, whose checks say what is wrong.
    if (!inRange(begin[i]!, size[i]!, x.shape[i]!)) return null;
    n *= size[i]!;
  }
  if (n === 0) return null;
  const offset = contiguousOffset(x.shape, begin, size);
  return offset < 0 ? null : engine.rangeView(x, offset, size);
}

function inRange(begin: number, size: number, extent: number): boolean {
  return Number.isInteger(begin) && Number.isInteger(size) && begin >= 0 && size >= 0 && begin + size <= extent;
}
