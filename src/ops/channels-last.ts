/**
 * NCHW ops computed channels-last: the input is relabelled NHWC (a view, no copy: tensor/layout.ts),
 * the kernel runs, and its output is relabelled NCHW. The two inner views are the op's own: no user
 * code can reach them, only the graph (when one is recorded) can. So they are released when the op
 * returns if no graph holds them, or marked internal for `backward()` to release with the graph;
 * either way they stop holding their storage as soon as nothing needs it, instead of until the
 * garbage collector finds them. (The values stay: the returned view, or the caller's input, holds
 * its own reference to the storage.)
 */
import { sameOrder } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { transpose } from './shape-ops.js';

const NHWC_OF_NCHW = [0, 2, 3, 1];

/**
 * The NHWC tensor `x` is a recorded NCHW view of (the relabelled output of an earlier channels-last
 * op: a conv's map going on to the next conv or pool), or null. Its NHWC view would hold the same
 * storage in the same order: the op takes the source itself, so the graph loses the two views that
 * cancel (nn LeNet-5: 2 of a step's 12 nodes). A gradient the source gathers through `x`'s other
 * consumers still reaches it through `x`'s own transpose rule.
 */
function channelsLastSource(x: Tensor): Tensor | null {
  const node = x.gradNode;
  if (node === null || node.op !== 'transpose' || node.view === undefined || x.rank !== 4) return null;
  const source = node.inputs[0]!;
  if (source.layout !== null || source.storage === null || source.storage !== x.storage) return null;
  // x's storage holds its axes NHWC (x's own shape, permuted), and the source is that NHWC shape.
  if (!sameOrder(x.storedOrder, { layout: NHWC_OF_NCHW, dims: x.shape })) return null;
  return NHWC_OF_NCHW.every((axis, i) => source.shape[i] === x.shape[axis]) ? source : null;
}

/**
 * `run` on the NHWC views of x and of `side` (an operand of x's layout, such as a conv's residual;
 * null when there is none), its output relabelled NCHW; the inner views released as said above.
 */
export function inChannelsLast(x: Tensor, channelsFirst: boolean, run: (nhwc: Tensor, side: Tensor | null) => Tensor, side: Tensor | null = null): Tensor {
  if (!channelsFirst) return run(x, side);
  const source = channelsLastSource(x);
  const xl = source ?? transpose(x, NHWC_OF_NCHW);
  const sl = side === null ? null : transpose(side, NHWC_OF_NCHW);
  const out = run(xl, sl);
  // backward() frees x's graph with this op's, as it did when x's NHWC view was in the graph.
  if (source !== null && out.gradNode !== null) out.gradNode = Object.assign(out.gradNode, { freesWith: [x] });
  const y = transpose(out, [0, 3, 1, 2]);
  const recorded = out.gradNode !== null;
  for (const inner of [xl, sl, out]) {
    if (inner === null || inner === x || inner === side || inner === y || inner === source) continue;
    if (recorded) inner.internal = true;
    else inner.release();
  }
  return y;
}
