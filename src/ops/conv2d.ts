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
import type { Conv2DAttrs, FusedActivation } from '../backend/kernels.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, explicitPadding, isChannelsFirst, pair, type Padding, windowOutput } from './conv-geometry.js';
import { epilogueGrads } from './epilogue-grad.js';
import { inChannelsLast } from './channels-last.js';

export interface Conv2DOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilations?: number | [number, number];
  groups?: number;
  dataFormat?: DataFormat;
  bias?: Tensor | null;
  /** Fused into the kernel: 'linear', 'relu' or 'relu6'. */
  activation?: FusedActivation;
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
  return inChannelsLast(x, isChannelsFirst(options.dataFormat), (xl) => conv2dNHWC(xl, filter, options));
}

function conv2dNHWC(x: Tensor, filter: Tensor, options: Conv2DOptions): Tensor {
  const { attrs, bias, activation } = convKernelArgs(x, filter, options);
  const y = engine.runKernel('Conv2D', { x, filter, bias: bias ?? undefined }, { ...attrs, activation });
  const inputs = bias === null ? [x, filter] : [x, filter, bias];
  return record('conv2d', y, inputs, (dy) => {
    const [g, db] = epilogueGrads(dy, y, activation, bias !== null);
    return convInputGrads(g, db, x, filter, attrs);
  });
}

/** Checked kernel attributes, bias and activation of a channels-last conv. */
export function convKernelArgs(x: Tensor, filter: Tensor, options: Conv2DOptions, op = 'conv2d') {
  const { strides, pad, dilations, groups, outShape } = conv2dAttrs(x.shape, filter.shape, options, op);
  const attrs: Conv2DAttrs = { strides, pad, dilations, groups };
  const bias = options.bias ?? null;
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== filter.shape[3])) {
    throw new Error(`${op}: bias must have shape [${filter.shape[3]}], got ${shapeToString(bias.shape)}`);
  }
  return { attrs, bias, activation: options.activation ?? 'linear', outShape };
}

/** [dx, dw(, db)] of a conv for the gradient g at its pre-activation output z. */
export function convInputGrads(g: Tensor, db: Tensor | null, x: Tensor, filter: Tensor, attrs: Conv2DAttrs): (Tensor | null)[] {
  const dx = x.needsGrad
    // (Object.assign, not a spread with more fields: V8 put such spread copies, which live through the step, in its old generation; wasm DESIGN.md, rss-v8)
    ? engine.runKernel('Conv2DBackpropInput', { dy: g, filter }, Object.assign({}, attrs, { inputShape: [...x.shape] as [number, number, number, number] }))
    : null;
  const dw = filter.needsGrad
    ? engine.runKernel('Conv2DBackpropFilter', { x, dy: g }, Object.assign({}, attrs, { filterShape: [...filter.shape] as [number, number, number, number] }))
    : null;
  return db === null ? [dx, dw] : [dx, dw, db];
}
