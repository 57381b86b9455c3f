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
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, explicitPadding, isChannelsFirst, pair, type Padding, windowOutput } from './conv-geometry.js';
import { epilogueGrads } from './epilogue-grad.js';
import { inChannelsLast } from './channels-last.js';
import { type ConvFilter, convFilter, inputGradient, ownView } from './conv-filter.js';
import { add } from './binary.js';
import { relu, relu6 } from './unary.js';

export interface Conv2DOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilations?: number | [number, number];
  groups?: number;
  dataFormat?: DataFormat;
  bias?: Tensor | null;
  /** Fused into the kernel: 'linear', 'relu' or 'relu6'. */
  activation?: FusedActivation;
  /**
   * Added to conv + bias before the activation (the output's shape): a residual block's
   * activation(conv(x) + bias + shortcut) as one op, its gradient dy after the activation's.
   */
  residual?: Tensor | null;
  /**
   * The axes of `filter` in HWIO order when the caller holds it in another (nn's OIHW weights:
   * [2, 3, 1, 0]): the op reads it relabelled and records `filter` itself, its gradient in
   * filter's shape (conv-filter.ts), so no transpose node stands between a weight and its conv.
   */
  filterAxes?: readonly number[];
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
  // A channels-first residual is NCHW like the output: relabelled NHWC with the input (a view; an nn
  // map is stored NHWC, so no values move), the kernel adds it in its output pass.
  return inChannelsLast(x, isChannelsFirst(options.dataFormat), (xl, rl) => conv2dNHWC(xl, filter, options, rl), options.residual ?? null);
}

function conv2dNHWC(x: Tensor, filter: Tensor, options: Conv2DOptions, residual: Tensor | null): Tensor {
  const f = convFilter(filter, options.filterAxes);
  const { attrs, bias, activation, outShape } = convKernelArgs(x, f.hwio, options);
  if (residual !== null && !shapesEqual(residual.shape, outShape)) {
    ownView(f)?.release();
    // A residual that broadcasts (Keras Add allows size-1 axes): the composition.
    return activate(add(conv2dNHWC(x, filter, { ...options, activation: 'linear' }, null), residual), activation);
  }
  // (Object.assign, not a spread with more fields: V8 put such spread copies, which live through the step, in its old generation; wasm DESIGN.md section 25, rss-v8)
  const y = engine.runKernel('Conv2D', { x, filter: f.hwio, bias: bias ?? undefined, residual: residual ?? undefined }, Object.assign({}, attrs, { activation }));
  const inputs = [x, f.input, ...(bias === null ? [] : [bias]), ...(residual === null ? [] : [residual])];
  // heldDx: the gradient x already gathered from its other consumers, added by the dx kernel.
  const rule = (dy: Tensor, heldDx: Tensor | null): (Tensor | null)[] => {
    const [g, db] = epilogueGrads(dy, y, activation, bias !== null);
    const grads = convInputGrads(g, db, x, f, attrs, heldDx);
    // The residual's gradient is the conv output's: dy after the activation's gradient.
    return residual === null ? grads : [...grads, residual.needsGrad ? g : null];
  };
  const own = ownView(f);
  return record(residual === null ? 'conv2d' : 'conv2dResidual', y, inputs, (dy) => rule(dy, null), own === null ? undefined : [own], { into: 0, backward: rule });
}

/** `activation` of z as its own op (the unfused chain's step). */
export function activate(z: Tensor, activation: FusedActivation): Tensor {
  return activation === 'relu' ? relu(z) : activation === 'relu6' ? relu6(z) : z;
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

/**
 * [dx, dw(, db)] of a conv for the gradient g at its pre-activation output z; dx + heldDx when x
 * already gathered a gradient from another consumer (GradNode.backwardInto).
 */
export function convInputGrads(g: Tensor, db: Tensor | null, x: Tensor, filter: ConvFilter, attrs: Conv2DAttrs, heldDx: Tensor | null = null): (Tensor | null)[] {
  const { hwio } = filter;
  const dx = x.needsGrad
    // (Object.assign, not a spread with more fields: V8 put such spread copies, which live through the step, in its old generation; wasm DESIGN.md section 25, rss-v8)
    ? engine.runKernel('Conv2DBackpropInput', { dy: g, filter: hwio, accumulate: heldDx ?? undefined }, Object.assign({}, attrs, { inputShape: [...x.shape] as [number, number, number, number] }))
    : null;
  const dw = filter.input.needsGrad
    ? inputGradient(filter, engine.runKernel('Conv2DBackpropFilter', { x, dy: g }, Object.assign({}, attrs, { filterShape: [...hwio.shape] as [number, number, number, number] })))
    : null;
  return db === null ? [dx, dw] : [dx, dw, db];
}
