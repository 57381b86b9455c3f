/**
 * What the fusion tests share: a fused op's result against the unfused chain it replaces, within
 * `tol` relative to the larger of the reference's largest magnitude and 1e-6.
 */
import assert from 'node:assert/strict';
import type { Tensor } from '../src/tensor/tensor.js';

export function assertClose(a: Tensor, b: Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.dataSync(), y = b.dataSync();
  let worst = 0, scale = 1e-6;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  assert.ok(worst <= tol * scale, `${what}: max difference ${worst} (scale ${scale})`);
}
