/**
 * `F`: PyTorch's `torch.nn.functional` on NCHW tensors with OIHW conv weights and [out, in]
 * linear weights. Everything runs on the same ops (and kernels) as the Keras-style layers; the
 * layout conversions are transposes, whose gradients the ops record.
 *
 *   conv2d output: H_out = floor((H + padTop + padBottom - dilation*(kH-1) - 1) / stride) + 1
 *
 * Example (the slide's LeNet-5): `x = F.maxPool2d(F.relu(conv1.forward(x)), 2, 2)`.
 */
import type { FusedActivation } from '../backend/kernels.js';
import { type Conv2DOptions, conv2d as convOp } from '../ops/conv2d.js';
import { conv2dPool as conv2dPoolOp, type PoolSpec } from '../ops/conv2d-pool.js';
import type { PointwiseConv, PointwiseStemConv, SeparableBlock } from '../ops/conv2d-pointwise.js';
import { linear as linearOp } from '../ops/matmul.js';
import { avgPool2d as avgPoolOp, maxPool2d as maxPoolOp } from '../ops/pool.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import { logSoftmax as logSoftmaxOp, softmax as softmaxOp } from '../ops/softmax.js';
import * as act from '../ops/unary.js';
import { windowOutput } from '../ops/conv-geometry.js';
import { deferNext } from '../plan/deferred-chain.js';
import { RELU, RELU6, type Stage } from '../plan/stage.js';
import { normalizeAxis, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { explicitPadding, type ModulePadding, pad2d, type PaddingMode } from './padding.js';
import { noteWindowOp } from './trace.js';

export { crossEntropy, nllLoss, mseLoss, l1Loss } from './functional-loss.js';
export type { Reduction, LossOptions } from './functional-loss.js';
export { dropout } from './dropout.js';
export { adaptiveAvgPool2d } from './adaptive-avg-pool.js';

export type IntPair = number | [number, number];

function pairOf(v: IntPair, name: string, where: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`${where}: ${name} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  return p;
}

function expectNCHW(x: Tensor, where: string): void {
  if (x.rank !== 4) throw new Error(`${where}: expected NCHW input [batch, channels, height, width], got shape ${shapeToString(x.shape)}`);
}

/** @internal The axes of an OIHW weight in HWIO order (kH, kW, in, out): the conv kernels' filter layout. */
export const HWIO_OF_OIHW: readonly number[] = [2, 3, 1, 0];

export interface Conv2dOptions {
  stride?: IntPair;
  padding?: ModulePadding;
  dilation?: IntPair;
  groups?: number;
}

/** 2-D convolution: input [N, C, H, W], weight [O, C/groups, kH, kW], bias [O]. */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const { conv, window } = convArgs(input, weight, bias, options);
  const y = convOp(input, weight, conv);
  noteWindowOp({ ...window, inputShape: [...input.shape], outputShape: [...y.shape] });
  return y;
}

/**
 * PyTorch's conv arguments as the op's: the OIHW weight goes to the op as it is, read HWIO
 * (`filterAxes`, ops/conv-filter.ts), and the options.
 */
function convArgs(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions) {
  expectNCHW(input, 'F.conv2d');
  if (weight.rank !== 4) throw new Error(`F.conv2d: expected an OIHW weight [out, in/groups, kH, kW], got shape ${shapeToString(weight.shape)}`);
  const stride = pairOf(options.stride ?? 1, 'stride', 'F.conv2d');
  const dilation = pairOf(options.dilation ?? 1, 'dilation', 'F.conv2d');
  const kernel: [number, number] = [weight.shape[2], weight.shape[3]];
  const padding = explicitPadding(options.padding ?? 0, kernel, stride, dilation, 'F.conv2d');
  const groups = options.groups ?? 1;
  // OIHW -> HWIO, the kernels' layout: a relabelling inside the op, which records the weight itself
  // (no transpose node per conv and step). A Conv2d weight is stored HWIO (nn/conv.ts), so the
  // kernel reads its storage as it is and the gradient arrives in it; a plain OIHW tensor is
  // reordered for the kernel, as its transpose was.
  const conv: Conv2DOptions = { strides: stride, dilations: dilation, padding, groups, bias, dataFormat: 'channelsFirst', filterAxes: HWIO_OF_OIHW };
  return { conv, window: { kind: 'conv' as const, kernel, stride, dilation, padding } };
}

/**
 * @internal A Conv2d's weights as the first conv of a conv2dPointwise block (ops/conv2d-pointwise.ts)
 * whose pointwise conv is `next`: the planner's depthwise -> pointwise blocks at inference.
 */
export function separableBlockOf(weight: Tensor, bias: Tensor | null, options: Conv2dOptions, activation: FusedActivation, next: PointwiseConv): SeparableBlock {
  return Object.assign(convOpOf(weight, bias, options, activation), { pointwise: next });
}

/** @internal A Conv2d's weights as the conv op takes them (HWIO filter, channels-first options): the stem of a conv2dPointwise. */
export function convOpOf(weight: Tensor, bias: Tensor | null, options: Conv2dOptions, activation: FusedActivation): PointwiseStemConv {
  const stride = pairOf(options.stride ?? 1, 'stride', 'F.conv2d');
  const dilation = pairOf(options.dilation ?? 1, 'dilation', 'F.conv2d');
  const padding = explicitPadding(options.padding ?? 0, [weight.shape[2]!, weight.shape[3]!], stride, dilation, 'F.conv2d');
  const conv: Conv2DOptions = { strides: stride, dilations: dilation, padding, groups: options.groups ?? 1, bias, dataFormat: 'channelsFirst', activation };
  return { filter: transpose(weight, HWIO_OF_OIHW), options: conv };
}

/** @internal A 1x1 Conv2d's weights as the pointwise conv of a conv2dPointwise block: its [1, 1, C, K] filter and bias. */
export function pointwiseOf(weight: Tensor, bias: Tensor | null): { filter: Tensor; bias: Tensor | null } {
  return { filter: transpose(weight, HWIO_OF_OIHW), bias };
}

/**
 * @internal pool(activation(conv2d(input) + bias)) as one fused op (ops/conv2d-pool.ts), chosen by
 * the planner for nn.Sequential's Conv2d -> ReLU -> MaxPool2d; the same values and gradients as
 * running the three.
 */
export function conv2dPool(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, activation: FusedActivation, pool: PoolSpec): Tensor {
  const { conv } = convArgs(input, weight, bias, options);
  return conv2dPoolOp(input, weight, { ...conv, activation }, pool);
}

/** @internal F.conv2d with relu in the conv kernel's epilogue: the planner's Conv2d -> ReLU. */
export function conv2dWith(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, activation: FusedActivation): Tensor {
  const { conv, window } = convArgs(input, weight, bias, options);
  const y = convOp(input, weight, { ...conv, activation });
  noteWindowOp({ ...window, inputShape: [...input.shape], outputShape: [...y.shape] });
  return y;
}

/**
 * @internal activation(F.conv2d(input) + residual) with the residual added in the conv kernel's
 * output pass: the planner's Conv2d -> add(shortcut) -> ReLU (a residual block's join).
 */
export function conv2dResidual(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, activation: FusedActivation, residual: Tensor): Tensor {
  const { conv, window } = convArgs(input, weight, bias, options);
  const y = convOp(input, weight, { ...conv, activation, residual });
  noteWindowOp({ ...window, inputShape: [...input.shape], outputShape: [...y.shape] });
  return y;
}

/** input [N, in] (or [in]) times weight [out, in] transposed, plus bias [out]: one fused MatMul. */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return linearWith(input, weight, bias, 'linear');
}

/** @internal F.linear with relu in the MatMul's epilogue: the planner's Linear -> ReLU. */
export function linearWith(input: Tensor, weight: Tensor, bias: Tensor | null, activation: FusedActivation): Tensor {
  const x = input.rank === 1 ? reshape(input, [1, input.shape[0]]) : input;
  if (x.rank !== 2 || weight.rank !== 2 || x.shape[1] !== weight.shape[1]) {
    throw new Error(`F.linear: expected input [N, ${weight.shape[1]}] for weight ${shapeToString(weight.shape)}, got ${shapeToString(input.shape)}`);
  }
  const out = linearOp(x, weight, bias, activation);
  return input.rank === 1 ? reshape(out, [weight.shape[0]]) : out;
}

function poolGeometry(x: Tensor, kernelSize: IntPair, stride: IntPair | null | undefined, padding: IntPair, where: string) {
  expectNCHW(x, where);
  const kernel = pairOf(kernelSize, 'kernelSize', where);
  const s = stride === undefined || stride === null ? kernel : pairOf(stride, 'stride', where);
  const p = typeof padding === 'number' ? [padding, padding] : padding;
  if (!p.every((v, i) => Number.isInteger(v) && v >= 0 && v <= kernel[i] / 2)) {
    throw new Error(`${where}: padding must be between 0 and half the kernel size (${kernel.join('x')}), got ${JSON.stringify(padding)}`);
  }
  const pad: [number, number, number, number] = [p[0], p[0], p[1], p[1]];
  return { kernel, stride: s, pad };
}

/** Max over kH x kW windows; stride defaults to the kernel size; padded cells never win. */
export function maxPool2d(input: Tensor, kernelSize: IntPair, stride?: IntPair | null, padding: IntPair = 0): Tensor {
  const { kernel, stride: s, pad } = poolGeometry(input, kernelSize, stride, padding, 'F.maxPool2d');
  const run = (x: Tensor) => maxPoolOp(x, kernel, { strides: s, padding: pad, dataFormat: 'channelsFirst' });
  const deferred = deferPool(input, 'max', kernel, s, pad, run);
  if (deferred !== null) return deferred;
  const y = run(input);
  noteWindowOp({ kind: 'maxPool', kernel, stride: s, dilation: [1, 1], padding: pad, inputShape: [...input.shape], outputShape: [...y.shape] });
  return y;
}

/**
 * Mean over windows. PyTorch counts padded zeros in the mean by default (`countIncludePad`);
 * with `false` only real cells are averaged.
 */
export function avgPool2d(input: Tensor, kernelSize: IntPair, stride?: IntPair | null, padding: IntPair = 0, countIncludePad = true): Tensor {
  const { kernel, stride: s, pad } = poolGeometry(input, kernelSize, stride, padding, 'F.avgPool2d');
  const padded = countIncludePad && pad.some((v) => v > 0) ? pad2d(input, pad) : input;
  const opPad = padded === input ? pad : ([0, 0, 0, 0] as [number, number, number, number]);
  const run = (x: Tensor) => avgPoolOp(x, kernel, { strides: s, padding: opPad, dataFormat: 'channelsFirst' });
  const deferred = deferPool(input, 'avg', kernel, s, pad, run);
  if (deferred !== null) return deferred;
  const y = run(padded);
  noteWindowOp({ kind: 'avgPool', kernel, stride: s, dilation: [1, 1], padding: pad, inputShape: [...input.shape], outputShape: [...y.shape] });
  return y;
}

/**
 * Unpadded pooling of the open end of a deferred chain (a conv's output, maybe through relu) joins
 * the chain as a pool stage, so the planner can run conv -> relu -> pool as one op
 * (plan/deferred-chain.ts); null when `input` is no such end.
 */
function deferPool(input: Tensor, mode: 'max' | 'avg', kernel: [number, number], stride: [number, number], pad: readonly number[], run: (x: Tensor) => Tensor): Tensor | null {
  if (input.deferred === null || pad.some((p) => p !== 0)) return null;
  const [n, c, h, w] = input.shape as [number, number, number, number];
  const [oh, ow] = windowOutput(`F.${mode}Pool2d`, input.shape, [h, w], kernel, stride, [1, 1], pad);
  const stage: Stage = { kind: 'pool', pool: { mode, poolSize: kernel, strides: stride }, dataFormat: 'channelsFirst' };
  return deferNext(input, { stage, shape: [n, c, oh, ow], run });
}

/**
 * PyTorch's F.pad for NCHW: `pad` lists the last axis first, [left, right, top, bottom].
 * Modes: 'constant' (with `value`), 'reflect', 'replicate', 'circular'.
 */
export function pad(input: Tensor, p: readonly [number, number, number, number], mode: 'constant' | Exclude<PaddingMode, 'zeros'> = 'constant', value = 0): Tensor {
  return pad2d(input, [p[2], p[3], p[0], p[1]], mode === 'constant' ? 'zeros' : mode, value);
}

/** PyTorch's implicit softmax axis when `dim` is omitted: 0 for rank 0, 1 and 3, else 1. */
function softmaxDim(x: Tensor, dim: number | undefined, where: string): number {
  const d = dim ?? (x.rank <= 1 || x.rank === 3 ? 0 : 1);
  return normalizeAxis(d, x.rank, where);
}

export const softmax = (x: Tensor, dim?: number): Tensor => softmaxOp(x, softmaxDim(x, dim, 'F.softmax'));
export const logSoftmax = (x: Tensor, dim?: number): Tensor => logSoftmaxOp(x, softmaxDim(x, dim, 'F.logSoftmax'));

/** Merges axes startDim..endDim (PyTorch's `torch.flatten`; F.flatten for convenience). */
export function flatten(x: Tensor, startDim = 1, endDim = -1): Tensor {
  const s = normalizeAxis(startDim, x.rank, 'flatten');
  const e = normalizeAxis(endDim, x.rank, 'flatten');
  if (e < s) throw new Error(`flatten: endDim (${endDim}) comes before startDim (${startDim}) for shape ${shapeToString(x.shape)}`);
  const merged = x.shape.slice(s, e + 1).reduce((n, d) => n * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** max(x, 0); on the open end of a deferred chain (a conv's or linear's output) it joins the chain, for the planner to fuse. */
export function relu(x: Tensor): Tensor {
  return (x.deferred === null ? null : deferNext(x, { stage: RELU, shape: x.shape, run: act.relu })) ?? act.relu(x);
}
/** min(max(x, 0), 6); joins a deferred chain as relu does. */
export function relu6(x: Tensor): Tensor {
  return (x.deferred === null ? null : deferNext(x, { stage: RELU6, shape: x.shape, run: act.relu6 })) ?? act.relu6(x);
}
/** PyTorch's default slope is 0.01 (Keras's is 0.2). */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => act.leakyRelu(x, negativeSlope);
export const elu = (x: Tensor, alpha = 1): Tensor => act.elu(x, alpha);
export const selu = act.selu;
export const gelu = act.gelu;
export const sigmoid = act.sigmoid;
export const tanh = act.tanh;
export const softsign = act.softsign;
export const silu = act.swish;
export const mish = act.mish;
export const logsigmoid = act.logSigmoid;
/** relu6(x + 3) / 6, as PyTorch defines it. */
export const hardsigmoid = act.hardSigmoid;
/** log(1 + exp(x)); only PyTorch's default beta = 1 is supported. */
export function softplus(x: Tensor, beta = 1): Tensor {
  if (beta !== 1) throw new Error(`F.softplus: only beta = 1 is supported, got ${beta}`);
  return act.softplus(x);
}
