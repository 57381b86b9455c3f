/**
 * Blocks of a conv, then a pointwise (1x1, stride 1) conv of its output, each block's output the
 * next one's input, as one op: what the planner (src/plan) runs for a MobileNet's depthwise ->
 * pointwise blocks at inference (after their batch norms are folded), when nothing else reads the
 * intermediates. The Conv2DPointwise kernel may take each image through every block while its
 * intermediates are in cache (the wasm backend does for depthwise convs).
 *
 *   conv2dPointwise(x, [{ filter: dw, options: { groups: C, bias: b, activation: 'relu6' }, pointwise: { filter: pw, bias: c, activation: 'relu6' } }])
 *   equals conv2d(conv2d(x, dw, { groups: C, bias: b, activation: 'relu6' }), pw, { bias: c, activation: 'relu6' })
 *
 * pw is [1, 1, C_mid, K] (HWIO). With `globalAverage`, the op is also the mean over height and
 * width that follows (GlobalAveragePooling2D): the kernel may average each image's last output in
 * cache instead of writing it. While a graph is recorded and an operand needs a gradient, the op
 * runs as those conv ops (and mean), so its gradients are theirs exactly (the fused kernel keeps no
 * intermediate to differentiate through). With `stem`, a conv runs first (a MobileNet's stem):
 * conv2dPointwise(conv2d(x, stem.filter, stem.options), blocks), which the kernel may also compute
 * image by image.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { engine } from '../backend/engine.js';
import type { FusedActivation, PointwiseBlock, PointwiseStem } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { isChannelsFirst } from './conv-geometry.js';
import { type Conv2DOptions, conv2d, conv2dAttrs } from './conv2d.js';
import { mean } from './reduce.js';
import { reshape, transpose } from './shape-ops.js';

/** The pointwise conv of a block: its [1, 1, C, K] filter, bias and fused activation. */
export interface PointwiseConv {
  filter: Tensor;
  bias?: Tensor | null;
  activation?: FusedActivation;
}

/** One block: the first conv (as conv2d takes it; no residual) and the pointwise conv after it. */
export interface SeparableBlock {
  filter: Tensor;
  options: Conv2DOptions;
  pointwise: PointwiseConv;
}

/** A conv before the blocks (a MobileNet's stem), as conv2d takes it (no residual). */
export interface PointwiseStemConv {
  filter: Tensor;
  options: Conv2DOptions;
}

/** The mean over height and width that follows (GlobalAveragePooling2D): [N, K], or kept as size-1 axes. */
export interface GlobalAverage {
  keepdims: boolean;
}

export function conv2dPointwise(x: Tensor, blocks: readonly SeparableBlock[], globalAverage?: GlobalAverage, stem?: PointwiseStemConv): Tensor {
  if (blocks.length === 0) throw new Error('conv2dPointwise: expected at least one block');
  const channelsFirst = isChannelsFirst(blocks[0]!.options.dataFormat);
  if (stem !== undefined) {
    if (stem.options.residual != null) throw new Error('conv2dPointwise: the stem takes no residual');
    if (isChannelsFirst(stem.options.dataFormat) !== channelsFirst) throw new Error('conv2dPointwise: the stem must have the blocks\' data format');
  }
  for (const { options, pointwise } of blocks) {
    const [kh, kw] = pointwise.filter.shape;
    if (pointwise.filter.rank !== 4 || kh !== 1 || kw !== 1) {
      throw new Error(`conv2dPointwise: expected a pointwise filter [1, 1, C, K], got [${pointwise.filter.shape.join(', ')}]`);
    }
    if (options.residual != null) throw new Error('conv2dPointwise: a block\'s first conv takes no residual');
    if (isChannelsFirst(options.dataFormat) !== channelsFirst) throw new Error('conv2dPointwise: every block must have the same data format');
  }
  const operands = blocks.flatMap((b) => [b.filter, b.options.bias ?? null, b.pointwise.filter, b.pointwise.bias ?? null]);
  if (stem !== undefined) operands.push(stem.filter, stem.options.bias ?? null);
  if (isGradEnabled() && [x, ...operands].some((t) => t !== null && t.needsGrad)) return unfused(x, blocks, globalAverage, stem);
  // Channels-first input is relabelled NHWC (a view); the output goes back to the caller's format.
  const xl = channelsFirst ? transpose(x, [0, 2, 3, 1]) : x;
  const y = fusedNHWC(xl, blocks, globalAverage !== undefined, stem);
  if (xl !== x) xl.release();
  if (globalAverage === undefined) {
    if (!channelsFirst) return y;
    const yc = transpose(y, [0, 3, 1, 2]);
    y.release();
    return yc;
  }
  // The mean is [N, K] in either format (the pixels are gone); keepdims puts the size-1 axes back.
  if (!globalAverage.keepdims) return y;
  const [n, k] = y.shape as [number, number];
  return reshape(y, channelsFirst ? [n, k, 1, 1] : [n, 1, 1, k]);
}

/** The conv ops and the mean (the op's definition, and its gradient). */
function unfused(x: Tensor, blocks: readonly SeparableBlock[], globalAverage: GlobalAverage | undefined, stem: PointwiseStemConv | undefined): Tensor {
  let h = stem === undefined ? x : conv2d(x, stem.filter, stem.options);
  for (const { filter, options, pointwise } of blocks) {
    const first = conv2d(h, filter, options);
    h = conv2d(first, pointwise.filter, { dataFormat: options.dataFormat, bias: pointwise.bias ?? null, activation: pointwise.activation ?? 'linear' });
  }
  if (globalAverage === undefined) return h;
  return mean(h, isChannelsFirst(blocks[0]!.options.dataFormat) ? [2, 3] : [1, 2], globalAverage.keepdims);
}

/** The stem's kernel attributes and the shape of its NHWC output. */
function stemAttrs(shape: readonly number[], { filter, options }: PointwiseStemConv): { attrs: PointwiseStem; outShape: readonly number[] } {
  const { strides, pad, dilations, groups, outShape } = conv2dAttrs(shape, filter.shape, options, 'conv2dPointwise');
  const bias = options.bias ?? null;
  checkBias(bias, filter.shape[3]!);
  return { attrs: { strides, pad, dilations, groups, activation: options.activation ?? 'linear', bias: bias !== null }, outShape };
}

function fusedNHWC(x: Tensor, blocks: readonly SeparableBlock[], globalAverage: boolean, stem: PointwiseStemConv | undefined): Tensor {
  const s = stem === undefined ? undefined : stemAttrs(x.shape, stem);
  let shape: readonly number[] = s === undefined ? x.shape : s.outShape;
  const attrs: PointwiseBlock[] = [];
  const biases: Tensor[] = [];
  for (const { filter, options, pointwise } of blocks) {
    const { strides, pad, dilations, groups, outShape } = conv2dAttrs(shape, filter.shape, options, 'conv2dPointwise');
    const bias = options.bias ?? null;
    checkBias(bias, filter.shape[3]!);
    // The pointwise conv's channels and bias, checked as conv2d checks them.
    const k = conv2dAttrs(outShape, pointwise.filter.shape, {}, 'conv2dPointwise').outShape[3];
    checkBias(pointwise.bias ?? null, k);
    attrs.push({
      strides, pad, dilations, groups, activation: options.activation ?? 'linear', pointwiseActivation: pointwise.activation ?? 'linear',
      bias: bias !== null, pointwiseBias: pointwise.bias != null,
    });
    if (bias !== null) biases.push(bias);
    if (pointwise.bias != null) biases.push(pointwise.bias);
    shape = [outShape[0], outShape[1], outShape[2], k];
  }
  const inputs = { x, filters: blocks.map((b) => b.filter), pointwiseFilters: blocks.map((b) => b.pointwise.filter), biases };
  if (stem === undefined || s === undefined) return engine.runKernel('Conv2DPointwise', inputs, { blocks: attrs, globalAverage });
  const stemInputs = Object.assign(inputs, { stemFilter: stem.filter }, stem.options.bias == null ? {} : { stemBias: stem.options.bias });
  return engine.runKernel('Conv2DPointwise', stemInputs, { blocks: attrs, globalAverage, stem: s.attrs });
}

function checkBias(bias: Tensor | null, channels: number): void {
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== channels)) {
    throw new Error(`conv2dPointwise: expected a bias of shape [${channels}], got [${bias.shape.join(', ')}]`);
  }
}

/** The output shape of the stem conv on an input of `shape`, in its data format. */
export function stemOutputShape(shape: readonly number[], { filter, options }: PointwiseStemConv): number[] {
  const channelsFirst = isChannelsFirst(options.dataFormat);
  const nhwc = channelsFirst ? [shape[0]!, shape[2]!, shape[3]!, shape[1]!] : shape;
  const [n, h, w, k] = conv2dAttrs(nhwc, filter.shape, options, 'conv2dPointwise').outShape;
  return channelsFirst ? [n, k, h, w] : [n, h, w, k];
}

/** The output shape of a block on an input of `shape`, in the block's data format. */
export function separableOutputShape(shape: readonly number[], { filter, options, pointwise }: SeparableBlock): number[] {
  const channelsFirst = isChannelsFirst(options.dataFormat);
  const nhwc = channelsFirst ? [shape[0]!, shape[2]!, shape[3]!, shape[1]!] : shape;
  const [n, h, w] = conv2dAttrs(nhwc, filter.shape, options, 'conv2dPointwise').outShape;
  const k = pointwise.filter.shape[3]!;
  return channelsFirst ? [n, k, h, w] : [n, h, w, k];
}
