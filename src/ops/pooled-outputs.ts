/**
 * Conv outputs whose pooling was computed along with them (the Conv2DPool kernel), waiting for
 * the pool op to pick them up. A Keras `Sequential` tells a Conv2D that a pooling layer comes next
 * (`CallOptions.poolNext`); the conv then runs one kernel that pools each output row while it is
 * still in cache, and the pool op, given that output and the same window, returns the stored
 * result instead of reading the conv's output back. The pool's gradient rule is unchanged.
 *
 * Keyed weakly by the conv output; an entry is used once.
 */
import type { Pool2DAttrs, PoolMode } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Pool2DOptions } from './pool.js';

/** The pooling a conv is told will follow it, in the pool op's own terms. */
export interface PoolNext {
  mode: PoolMode;
  poolSize: number | [number, number];
  options: Pool2DOptions;
}

const pooledOutputs = new WeakMap<Tensor, { attrs: Pool2DAttrs; pooled: Tensor }>();

export function rememberPooled(y: Tensor, attrs: Pool2DAttrs, pooled: Tensor): void {
  pooledOutputs.set(y, { attrs, pooled });
}

/** The stored pooling of `y` if it was computed with exactly these attributes (then forgotten), else null. */
export function takePooled(y: Tensor, attrs: Pool2DAttrs): Tensor | null {
  const entry = pooledOutputs.get(y);
  if (entry === undefined || !sameAttrs(entry.attrs, attrs) || entry.pooled.storage === null) return null;
  pooledOutputs.delete(y);
  return entry.pooled;
}

function sameAttrs(a: Pool2DAttrs, b: Pool2DAttrs): boolean {
  const same = (p: readonly number[], q: readonly number[]) => p.length === q.length && p.every((v, i) => v === q[i]);
  return a.mode === b.mode && same(a.poolSize, b.poolSize) && same(a.strides, b.strides) && same(a.pad, b.pad);
}
