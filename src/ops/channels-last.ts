/**
 * NCHW ops computed channels-last: the input is relabelled NHWC (a view, no copy: tensor/layout.ts),
 * the kernel runs, and its output is relabelled NCHW. The two inner views are the op's own: no user
 * code can reach them, only the graph (when one is recorded) can. So they are released when the op
 * returns if no graph holds them, or marked internal for `backward()` to release with the graph;
 * either way they stop holding their storage as soon as nothing needs it, instead of until the
 * garbage collector finds them. (The values stay: the returned view, or the caller's input, holds
 * its own reference to the storage.)
 */
import type { Tensor } from '../tensor/tensor.js';
import { transpose } from './shape-ops.js';

const NHWC_OF_NCHW = [0, 2, 3, 1];

/**
 * `run` on the NHWC views of x and of `side` (an operand of x's layout, such as a conv's residual;
 * null when there is none), its output relabelled NCHW; the inner views released as said above.
 */
export function inChannelsLast(x: Tensor, channelsFirst: boolean, run: (nhwc: Tensor, side: Tensor | null) => Tensor, side: Tensor | null = null): Tensor {
  if (!channelsFirst) return run(x, side);
  const xl = transpose(x, NHWC_OF_NCHW);
  const sl = side === null ? null : transpose(side, NHWC_OF_NCHW);
  const out = run(xl, sl);
  const y = transpose(out, [0, 3, 1, 2]);
  const recorded = out.gradNode !== null;
  for (const inner of [xl, sl, out]) {
    if (inner === null || inner === x || inner === side || inner === y) continue;
    if (recorded) inner.internal = true;
    else inner.release();
  }
  return y;
}
