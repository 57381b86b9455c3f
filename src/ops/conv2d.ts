/**
 * 2-D convolution (cross-correlation, as in every deep-learning library).
 *
 *   x: [N, H, W, C] (channelsLast, default) or [N, C, H, W] (channelsFirst)
 *   filter: [kh, kw, C / groups, F] (HWIO)
 *   out: H_out = floor((H + padTop + padBottom - dilation*(kh-1) - 1) / stride) + 1, same for W.
 *
 * Example: a 5x5 image and a 3x3 filter with 'valid' padding and stride 1 give a 3x3 map.
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { Conv2DAttrs, FusedActivation, KernelAttrs, Pool2DAttrs } from '../backend/kernels.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, explicitPadding, isChannelsFirst, pair, type Padding, windowOutput } from './conv-geometry.js';
import { fusedOutputGrads, markFusedOutput } from './fused-output-grads.js';
import { pool2dAttrs } from './pool.js';
import { type PoolNext, rememberPooled } from './pooled-outputs.js';
import { transpose } from './shape-ops.js';

export interface Conv2DOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilations?: number | [number, number];
  groups?: number;
  dataFormat?: DataFormat;
  bias?: Tensor | null;
  /** Fused into the kernel; only 'linear' and 'relu' fuse. */
  activation?: FusedActivation;
  /**
   * @internal The pooling the caller will apply to the output next (channels-last only): computed
   * in the same kernel and handed to the pool op (pooled-outputs.ts).
   */
  poolNext?: PoolNext;
}

/** Validates shapes and resolves options into kernel attributes. Exported for layers' shape inference. */
export function conv2dAttrs(xShape: readonly number[], filterShape: readonly number[], o: Conv2DOptions, op = 'conv2d'): Conv2DAttrs & { outShape: [number, number, number, number] } {
  if (xShape.length !== 4) throw new Error(`${op}: expected a 4-D input [batch, height, width, channels], got shape ${shapeToString(xShape)}`);
  if (filterShape.length !== 4) throw new Error(`${op}: expected a 4-D filter [kh, kw, inChannels, filters], got shape ${shapeToString(filterShape)}`);
  const strides = pair(o.strides ?? 1, 'strides', op);
  const dilations = pair(o.dilations ?? 1, 'dilations', op);
  const groups = o.groups ?? 1;
  const [n, h, w, c] = xShape;
  const [kh, kw, ci, f] = filterShape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || f % groups !== 0) {
    throw new Error(`${op}: input channels (${c}) and filters (${f}) must both be divisible by groups (${groups})`);
  }
  if (ci * groups !== c) {
    throw new Error(`${op}: filter expects ${ci * groups} input channels, input ${shapeToString(xShape)} has ${c}`);
  }
  const pad = explicitPadding(o.padding ?? 'valid', [h, w], [kh, kw], strides, dilations);
  const [oh, ow] = windowOutput(op, xShape, [h, w], [kh, kw], strides, dilations, pad);
  return { strides, pad, dilations, groups, outShape: [n, oh, ow, f] };
}

export function conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions = {}): Tensor {
  const channelsFirst = isChannelsFirst(options.dataFormat);
  const xl = channelsFirst ? transpose(x, [0, 2, 3, 1]) : x;
  const y = conv2dNHWC(xl, filter, options);
  return channelsFirst ? transpose(y, [0, 3, 1, 2]) : y;
}

function conv2dNHWC(x: Tensor, filter: Tensor, options: Conv2DOptions): Tensor {
  const { strides, pad, dilations, groups, outShape } = conv2dAttrs(x.shape, filter.shape, options);
  const attrs: Conv2DAttrs = { strides, pad, dilations, groups };
  const bias = options.bias ?? null;
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== filter.shape[3])) {
    throw new Error(`conv2d: bias must have shape [${filter.shape[3]}], got ${shapeToString(bias.shape)}`);
  }
  const activation = options.activation ?? 'linear';
  const y = convolveThenPool(x, filter, bias, { ...attrs, activation }, outShape, options);
  markFusedOutput(y, activation, bias !== null);
  const inputs = bias === null ? [x, filter] : [x, filter, bias];
  return record('conv2d', y, inputs, (dy) => {
    const [g, db] = fusedOutputGrads(dy, y, activation, bias !== null);
    const dx = x.needsGrad
      ? engine.runKernel('Conv2DBackpropInput', { dy: g, filter }, { ...attrs, inputShape: [...x.shape] as [number, number, number, number] })
      : null;
    const dw = filter.needsGrad
      ? engine.runKernel('Conv2DBackpropFilter', { x, dy: g }, { ...attrs, filterShape: [...filter.shape] as [number, number, number, number] })
      : null;
    return db === null ? [dx, dw] : [dx, dw, db];
  });
}

/** The Conv2D kernel, or Conv2DPool when the caller named the pooling that follows. */
function convolveThenPool(
  x: Tensor, filter: Tensor, bias: Tensor | null, attrs: KernelAttrs<'Conv2D'>, outShape: readonly number[], options: Conv2DOptions,
): Tensor {
  const next = isChannelsFirst(options.dataFormat) ? undefined : options.poolNext;
  if (next === undefined) return engine.runKernel('Conv2D', { x, filter, bias: bias ?? undefined }, attrs);
  const pool = poolAttrsOrNull(next, outShape);
  if (pool === null) return engine.runKernel('Conv2D', { x, filter, bias: bias ?? undefined }, attrs);
  const [y, pooled] = engine.runKernelOutputs('Conv2DPool', { x, filter, bias: bias ?? undefined }, { ...attrs, pool });
  rememberPooled(y!, pool, pooled!);
  return y!;
}

/** The pool kernel's attributes for the conv output, or null when the window does not fit (the pool op will say why). */
function poolAttrsOrNull(next: PoolNext, outShape: readonly number[]): Pool2DAttrs | null {
  try {
    const { outShape: _, ...attrs } = pool2dAttrs(next.mode, outShape, next.poolSize, next.options);
    return attrs;
  } catch {
    return null;
  }
}
