/**
 * Folding an inference-mode BatchNormalization into the convolution that feeds it, which is what
 * ONNX Runtime users expect (one Conv node instead of Conv + BatchNormalization, one pass over the
 * activations). Per output channel o, with s = gamma / sqrt(moving_variance + epsilon):
 *   bn(conv(x)) = s * (W x + b - moving_mean) + beta = (s W) x + (s b + beta - s moving_mean)
 * The scale and shift are computed in float64 and rounded once to float32.
 *
 * The pattern fits only when nothing else can see the conv's own output: its activation is linear,
 * BN normalizes the conv's channel axis, and BN is the only consumer of the conv's output (not a
 * model output either). `sequentialFolds` and `functionalFolds` find those pairs; anything else
 * keeps its BatchNormalization node.
 */
import type { Layer } from '../../layers/layer.js';
import type { Node, SymbolicTensor } from '../../layers/symbolic-tensor.js';
import { requireWeight, weightOf } from './onnx-weights.js';

/** A convolution's parameters in ONNX's layout: kernel OIHW (`dims`), bias [O] or none. */
export interface ConvParams {
  kernel: Float32Array;
  dims: number[];
  bias: Float32Array | null;
}

const FOLDABLE_CONVS = new Set(['Conv2D', 'DepthwiseConv2D']);

/** True when `bn` applied directly to `conv`'s output can become part of the conv's weights. */
export function canFoldBatchNorm(conv: Layer, bn: Layer): boolean {
  if (!FOLDABLE_CONVS.has(conv.className) || bn.className !== 'BatchNormalization') return false;
  const c = conv.getConfig();
  if ((c.activation ?? 'linear') !== 'linear') return false;
  const channelAxis = c.dataFormat === 'channelsFirst' ? 1 : 3;
  return ((bn.getConfig().axis as number) + 4) % 4 === channelAxis;
}

/** Per-channel y = scale * x + shift of `bn` at inference, in float64. */
export function batchNormAffine(bn: Layer): { scale: Float64Array; shift: Float64Array } {
  const mean = requireWeight(bn, 'moving_mean').dataSync();
  const variance = requireWeight(bn, 'moving_variance').dataSync();
  const gamma = weightOf(bn, 'gamma')?.dataSync();
  const beta = weightOf(bn, 'beta')?.dataSync();
  const epsilon = bn.getConfig().epsilon as number;
  const scale = new Float64Array(mean.length);
  const shift = new Float64Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + epsilon);
    shift[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
  }
  return { scale, shift };
}

/** `conv`'s parameters with `bn` folded in (a conv without bias gets one). */
export function foldBatchNorm(conv: ConvParams, bn: Layer): ConvParams {
  const { scale, shift } = batchNormAffine(bn);
  const outChannels = conv.dims[0];
  if (scale.length !== outChannels) {
    throw new Error(`exportOnnx: layer '${bn.name}' (BatchNormalization) has ${scale.length} channels, expected the ${outChannels} output channels of the convolution it follows`);
  }
  const perChannel = conv.kernel.length / outChannels;
  const kernel = new Float32Array(conv.kernel.length);
  const bias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) kernel[i] = conv.kernel[i] * scale[o];
    bias[o] = (conv.bias ? conv.bias[o] : 0) * scale[o] + shift[o];
  }
  return { kernel, dims: conv.dims, bias };
}

/** Sequential: index of each conv layer -> the BatchNormalization right after it that folds into it. */
export function sequentialFolds(layers: readonly Layer[]): Map<number, Layer> {
  const folds = new Map<number, Layer>();
  for (let i = 0; i + 1 < layers.length; i++) {
    if (canFoldBatchNorm(layers[i], layers[i + 1])) folds.set(i, layers[i + 1]);
  }
  return folds;
}

/**
 * Functional: each conv node -> the BatchNormalization node that folds into it. `nodes` are the
 * model's nodes; a conv output read twice (by the BN and by anything else, or by the BN twice) or
 * returned by the model keeps its BN node.
 */
export function functionalFolds(nodes: readonly Node[], outputs: readonly SymbolicTensor[]): Map<Node, Node> {
  const reads = new Map<SymbolicTensor, number>();
  for (const n of nodes) n.inputs.forEach((t) => reads.set(t, (reads.get(t) ?? 0) + 1));
  const returned = new Set(outputs);
  const folds = new Map<Node, Node>();
  for (const bn of nodes) {
    if (bn.inputs.length !== 1) continue;
    const convOut = bn.inputs[0];
    const conv = convOut.node;
    const foldable = canFoldBatchNorm(conv.layer as Layer, bn.layer as Layer) && reads.get(convOut) === 1 && !returned.has(convOut);
    if (foldable) folds.set(conv, bn);
  }
  return folds;
}
