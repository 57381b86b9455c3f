/**
 * PyTorch's `max(dim)` / `min(dim)`: the extreme values along a dim together with their int32
 * indices. The values are gathered at the indices (a where() over a one-hot mask, then a sum
 * along the dim), so the gradient reaches exactly the element each index names, as in PyTorch,
 * rather than every tied element. NaN counts as the extreme, so a row holding NaN gives NaN.
 *
 * Example: `maxAlong(tensor([[1, 5], [7, 2]]), 1)` = { values: [5, 7], indices: [1, 0] }.
 */
import { oneHot, reshape, transpose, where } from '../ops/shape-ops.js';
import { argmax, argmin, sum } from '../ops/reduce.js';
import { scalar } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { dimOf } from './tensor-shape.js';

/**
 * Values and indices, readable by name (`r.values`) or destructured like PyTorch's named tuple
 * (`const [values, indices] = t.max(1)`).
 */
export interface ValuesIndices extends Iterable<Tensor> {
  readonly values: Tensor;
  readonly indices: Tensor;
}

function pair(values: Tensor, indices: Tensor): ValuesIndices {
  return {
    values,
    indices,
    *[Symbol.iterator]() {
      yield values;
      yield indices;
    },
  };
}

/** x at `indices` (x's shape without `dim`, int32) along `dim`; differentiable in x. */
function gather(x: Tensor, indices: Tensor, dim: number, keepdim: boolean): Tensor {
  const hot = oneHot(indices, x.shape[dim]);
  // oneHot puts the class axis last; move it back to `dim`.
  const last = x.rank - 1;
  const perm = [...Array(last).keys()];
  perm.splice(dim, 0, last);
  const mask = dim === last ? hot : transpose(hot, perm);
  return sum(where(mask, x, scalar(0, x.dtype)), dim, keepdim);
}

function along(method: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = dimOf(method, dim, x.shape);
  if (x.shape[d] === 0) throw new Error(`${method}: dim ${dim} of shape [${x.shape.join(', ')}] is empty, so it has no ${method}imum`);
  const indices = (method === 'max' ? argmax : argmin)(x, d, false);
  const values = gather(x, indices, d, keepdim);
  return pair(values, keepdim ? reshape(indices, x.shape.map((n, i) => (i === d ? 1 : n))) : indices);
}

export function maxAlong(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return along('max', x, dim, keepdim);
}

export function minAlong(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return along('min', x, dim, keepdim);
}
