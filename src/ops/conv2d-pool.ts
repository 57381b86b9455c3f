/**
 * pool(act(conv2d(x, filter) + bias)) as one op: the fused pattern the planner (src/plan) picks
 * for a convolution followed by pooling when nothing else reads the convolution's output. The
 * Conv2DPool kernel may pool each output row while it is still in cache (the wasm backend does for
 * 2x2 windows on its direct and Winograd convs), and the gradient is exact: Pool2DReluBiasGrad
 * routes dy back through the pooling and the relu and sums the bias gradient in one pass, then the
 * usual conv gradients run on that dz.
 *
 * Example: conv2dPool(x, w, { bias: b, activation: 'relu' }, { mode: 'max', poolSize: 2 }) equals
 * maxPool2d(conv2d(x, w, { bias: b, activation: 'relu' }), 2) and so do its gradients.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { FusedActivation, Pool2DAttrs, PoolMode } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { isChannelsFirst, type Padding } from './conv-geometry.js';
import { type Conv2DOptions, convInputGrads, convKernelArgs } from './conv2d.js';
import { convFilter, ownView } from './conv-filter.js';
import { epilogueGrads } from './epilogue-grad.js';
import { pool2dAttrs } from './pool.js';
import { inChannelsLast } from './channels-last.js';
import { extentRead, type UnpaddedConvPool } from './read-extent.js';
import { slice } from './shape-ops.js';

/** The pooling of a fused conv, in the pool op's terms; the data format is the conv's. */
export interface PoolSpec {
  mode: PoolMode;
  poolSize: number | [number, number];
  /** Defaults to the pool size. */
  strides?: number | [number, number];
  padding?: Padding;
  /**
   * The unpadded conv + pooling that alone reads this op's output, when no graph records: the op
   * then makes only the top-left rows and columns it reads (read-extent.ts; the planner's
   * convPoolCrop). While a graph records, the whole map is computed and sliced (exact gradients).
   */
  readBy?: UnpaddedConvPool;
}

export function conv2dPool(x: Tensor, filter: Tensor, conv: Conv2DOptions, pool: PoolSpec): Tensor {
  return inChannelsLast(x, isChannelsFirst(conv.dataFormat), (xl) => conv2dPoolNHWC(xl, filter, conv, pool));
}

function conv2dPoolNHWC(x: Tensor, filter: Tensor, options: Conv2DOptions, pool: PoolSpec): Tensor {
  const f = convFilter(filter, options.filterAxes);
  const { attrs, bias, activation, outShape } = convKernelArgs(x, f.hwio, options);
  const { outShape: pooledShape, ...poolAttrs } = pool2dAttrs(pool.mode, outShape, pool.poolSize, { strides: pool.strides, padding: pool.padding });
  const crop = pool.readBy === undefined ? null : cropOf(pool.readBy, pooledShape);
  // (Object.assign, not a spread with more fields: V8 put such spread copies, which live through the step, in its old generation; wasm DESIGN.md section 25, rss-v8)
  const inputs = bias === null ? [x, f.input] : [x, f.input, bias];
  const kernelInputs = { x, filter: f.hwio, bias: bias ?? undefined };
  const own = ownView(f);
  // Without a graph (inference) nothing reads y: the kernel writes the pooled map alone.
  if (!willRecord(inputs)) {
    const only = Object.assign({}, attrs, { activation, pool: poolAttrs, poolOnly: true }, crop === null ? {} : { crop });
    const pooled = engine.runKernelOutputs('Conv2DPool', kernelInputs, only)[0]!;
    own?.release();
    return pooled;
  }
  const [y, pooled] = engine.runKernelOutputs('Conv2DPool', kernelInputs, Object.assign({}, attrs, { activation, pool: poolAttrs }));
  // y, the conv's output before pooling, is private: only the gradient rule reads it (and the filter view).
  const whole = record('conv2dPool', pooled!, inputs, (dy) => {
    const [g, db] = poolEpilogueGrads(dy, y!, activation, bias !== null, poolAttrs);
    return convInputGrads(g, db, x, f, attrs);
  }, own === null ? [y!] : [y!, own]);
  return crop === null ? whole : slice(whole, [0, 0, 0, 0], [-1, crop[0], crop[1], -1]);
}

/** The pooled map's top-left [rows, cols] that `reader` reads, or null where that is all of it. */
function cropOf(reader: UnpaddedConvPool, [, h, w]: readonly number[]): [number, number] | null {
  const [rows, cols] = extentRead(reader, [h!, w!]);
  return rows < h! || cols < w! ? [rows, cols] : null;
}

/** Will `record` attach a gradient rule to an output of these inputs (its own condition)? */
function willRecord(inputs: readonly Tensor[]): boolean {
  return isGradEnabled() && inputs.some((t) => t.needsGrad);
}

/** [dz, dbias] at the conv's pre-activation output z for upstream dy at the pooled output. */
function poolEpilogueGrads(dy: Tensor, y: Tensor, activation: FusedActivation, withBias: boolean, pool: Pool2DAttrs): [Tensor, Tensor | null] {
  if (activation === 'relu') {
    const [dz, dbias] = engine.runKernelOutputs('Pool2DReluBiasGrad', { y, dy }, pool);
    return [dz!, withBias ? dbias! : null];
  }
  return epilogueGrads(engine.runKernel('Pool2DGrad', { x: y, dy }, pool), y, activation, withBias);
}
