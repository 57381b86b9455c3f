/**
 * Fovea layers as ONNX nodes. Channels-last convolutions and pools run in NCHW: their input is
 * asked for in layout [0, 3, 1, 2] (see OnnxGraph.layout) and HWIO kernels are permuted to OIHW
 * here, so consecutive conv/pool layers need no transposes. Flatten, Dense and Reshape ask for the
 * logical (channels-last) order, which is what makes Keras's H, W, C flattening order survive.
 * 'same' padding is written as explicit pads (extra pad at the end, as TensorFlow does), computed
 * from the static input sizes.
 */
import type { Layer, SymbolicShape } from '../../layers/layer.js';
import type { Variable } from '../../tensor/variable.js';
import { emitActivation } from './onnx-activations.js';
import { type ConvParams, foldBatchNorm } from './onnx-batch-norm-fold.js';
import { channelsFirstPerm, identity, type OnnxGraph, type OnnxValue, permuteValues, valueAxis } from './onnx-graph.js';
import { requireWeight, weightOf, weightValues } from './onnx-weights.js';

export interface LayerCall {
  layer: Layer;
  inputs: OnnxValue[];
  outputShape: SymbolicShape;
  /** A BatchNormalization applied to this conv's output, folded into its weights (see onnx-batch-norm-fold.ts). */
  foldedBatchNorm?: Layer;
}

type Converter = (g: OnnxGraph, call: LayerCall) => OnnxValue;
type Config = Record<string, unknown>;

function floatWeight(g: OnnxGraph, layer: Layer, w: Variable): string {
  return g.floatTensor(`${layer.name}/${w.name.slice(w.name.lastIndexOf('/') + 1)}`, [...w.shape], weightValues(w));
}

/** Applies an activation over the logical last axis of `v`. */
function activate(g: OnnxGraph, name: unknown, v: OnnxValue, scope: string): OnnxValue {
  const activation = typeof name === 'string' ? name : 'linear';
  const axis = valueAxis(v.shape.length - 1, v.perm);
  return { ...v, name: emitActivation(g, activation, v.name, scope, axis) };
}

/** [begin_h, begin_w, end_h, end_w] for TensorFlow-style padding of static sizes. */
function pads(sizes: (number | null)[], kernel: number[], strides: number[], dilations: number[], padding: unknown, scope: string): number[] {
  if (padding !== 'same') return [0, 0, 0, 0];
  const total = sizes.map((n, i) => {
    if (n === null) throw new Error(`exportOnnx: layer '${scope}': 'same' padding needs static spatial sizes, got ${JSON.stringify(sizes)}`);
    const out = Math.ceil(n / strides[i]);
    return Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - n, 0);
  });
  const begin = total.map((t) => Math.floor(t / 2));
  return [...begin, ...total.map((t, i) => t - begin[i])];
}

interface Spatial {
  want: number[] | null;
  sizes: (number | null)[];
}

function spatial(c: Config, x: OnnxValue): Spatial {
  const channelsLast = c.dataFormat !== 'channelsFirst';
  return { want: channelsLast ? channelsFirstPerm(4) : null, sizes: channelsLast ? [x.shape[1], x.shape[2]] : [x.shape[2], x.shape[3]] };
}

function convNode(g: OnnxGraph, call: LayerCall, kernelName: string, params: ConvParams, group: number): OnnxValue {
  const { layer, inputs: [x], foldedBatchNorm } = call;
  const c = layer.getConfig();
  const s = spatial(c, x);
  const kernel = c.kernelSize as number[];
  const strides = c.strides as number[];
  const dilations = (c.dilationRate as number[] | undefined) ?? [1, 1];
  const { kernel: weights, dims, bias } = foldedBatchNorm ? foldBatchNorm(params, foldedBatchNorm) : params;
  // A folded conv is named after both layers, so the ONNX graph still shows where the BN went.
  const scope = foldedBatchNorm ? `${layer.name}+${foldedBatchNorm.name}` : layer.name;
  const inputs = [g.layout(x, s.want, layer.name), g.floatTensor(`${scope}/${kernelName}`, dims, weights), ...(bias ? [g.floatTensor(`${scope}/bias`, [bias.length], bias)] : [])];
  const out = g.node('Conv', inputs, scope, {
    kernel_shape: kernel, strides, dilations, group, pads: pads(s.sizes, kernel, strides, dilations, c.padding, layer.name),
  });
  return activate(g, c.activation, { name: out, shape: call.outputShape, perm: s.want }, layer.name);
}

function biasValues(layer: Layer): Float32Array | null {
  const bias = weightOf(layer, 'bias');
  return bias ? weightValues(bias) : null;
}

const conv2d: Converter = (g, call) => {
  const k = requireWeight(call.layer, 'kernel');
  // HWIO -> OIHW.
  const params = { kernel: permuteValues(weightValues(k), k.shape, [3, 2, 0, 1]), dims: [3, 2, 0, 1].map((p) => k.shape[p]), bias: biasValues(call.layer) };
  return convNode(g, call, 'kernel', params, (call.layer.getConfig().groups as number | undefined) ?? 1);
};

const depthwiseConv2d: Converter = (g, call) => {
  const k = requireWeight(call.layer, 'depthwise_kernel');
  const [kh, kw, channels, multiplier] = k.shape;
  // [kh, kw, C, M] -> [C, M, kh, kw] is already [C*M, 1, kh, kw] in memory: output channel c*M + m.
  const params = { kernel: permuteValues(weightValues(k), k.shape, [2, 3, 0, 1]), dims: [channels * multiplier, 1, kh, kw], bias: biasValues(call.layer) };
  return convNode(g, call, 'depthwise_kernel', params, channels);
};

function pool(op: 'MaxPool' | 'AveragePool', negate: boolean): Converter {
  return (g, { layer, inputs: [x], outputShape }) => {
    const c = layer.getConfig();
    const s = spatial(c, x);
    const kernel = c.poolSize as number[];
    const strides = c.strides as number[];
    let input = g.layout(x, s.want, layer.name);
    if (negate) input = g.node('Neg', [input], layer.name);
    const attrs = { kernel_shape: kernel, strides, pads: pads(s.sizes, kernel, strides, [1, 1], c.padding, layer.name), ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) };
    let out = g.node(op, [input], layer.name, attrs);
    // min over a window = -max(-x).
    if (negate) out = g.node('Neg', [out], layer.name);
    return { name: out, shape: outputShape, perm: s.want };
  };
}

const dense: Converter = (g, { layer, inputs: [x], outputShape }) => {
  const input = g.layout(x, null, layer.name);
  const kernel = floatWeight(g, layer, requireWeight(layer, 'kernel'));
  const bias = weightOf(layer, 'bias');
  let out: string;
  if (x.shape.length === 2) {
    out = g.node('Gemm', [input, kernel, ...(bias ? [floatWeight(g, layer, bias)] : [])], layer.name);
  } else {
    out = g.node('MatMul', [input, kernel], layer.name);
    if (bias) out = g.node('Add', [out, floatWeight(g, layer, bias)], layer.name);
  }
  return activate(g, layer.getConfig().activation, { name: out, shape: outputShape, perm: null }, layer.name);
};

const flatten: Converter = (g, { layer, inputs: [x], outputShape }) => {
  const rank = x.shape.length;
  // Keras moves channels last before flattening a channels-first tensor.
  const want = layer.getConfig().dataFormat === 'channelsFirst' && rank >= 3 ? [0, ...identity(rank).slice(2), 1] : null;
  return { name: g.node('Flatten', [g.layout(x, want, layer.name)], layer.name, { axis: 1 }), shape: outputShape, perm: null };
};

const batchNorm: Converter = (g, { layer, inputs: [x], outputShape }) => {
  const c = layer.getConfig();
  const rank = x.shape.length;
  const axis = ((c.axis as number) + rank) % rank;
  const want = [0, axis, ...identity(rank).filter((i) => i !== 0 && i !== axis)];
  const channels = x.shape[axis] as number;
  const param = (suffix: string, fill: number): string => {
    const w = weightOf(layer, suffix);
    return w ? floatWeight(g, layer, w) : g.floatTensor(`${layer.name}/${suffix}`, [channels], new Float32Array(channels).fill(fill));
  };
  const out = g.node('BatchNormalization', [g.layout(x, want, layer.name), param('gamma', 1), param('beta', 0), param('moving_mean', 0), param('moving_variance', 1)], layer.name, {
    epsilon: { float: c.epsilon as number },
  });
  return { name: out, shape: outputShape, perm: want };
};

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): Converter {
  return (g, { layer, inputs: [x], outputShape }) => {
    const c = layer.getConfig();
    const s = spatial(c, x);
    const out = g.node(op, [g.layout(x, s.want, layer.name)], layer.name);
    if (c.keepdims === true) return { name: out, shape: outputShape, perm: s.want };
    return { name: g.node('Flatten', [out], layer.name, { axis: 1 }), shape: outputShape, perm: null };
  };
}

function merge(op: 'Add' | 'Mul', average = false): Converter {
  return (g, { layer, inputs, outputShape }) => {
    const perm = inputs[0].perm;
    const names = inputs.map((v) => g.layout(v, perm, layer.name));
    let out = names.slice(1).reduce((acc, n) => g.node(op, [acc, n], layer.name), names[0]);
    if (average) out = g.node('Div', [out, g.scalar(`${layer.name}/count`, inputs.length)], layer.name);
    return { name: out, shape: outputShape, perm };
  };
}

const concatenate: Converter = (g, { layer, inputs, outputShape }) => {
  const perm = inputs[0].perm;
  const rank = outputShape.length;
  const axis = (((layer.getConfig().axis as number) ?? -1) + rank) % rank;
  const out = g.node('Concat', inputs.map((v) => g.layout(v, perm, layer.name)), layer.name, { axis: valueAxis(axis, perm) });
  return { name: out, shape: outputShape, perm };
};

const reshape: Converter = (g, { layer, inputs: [x], outputShape }) => {
  const target = layer.getConfig().targetShape as number[];
  const shape = g.int64Tensor(`${layer.name}/shape`, [0, ...target]);
  return { name: g.node('Reshape', [g.layout(x, null, layer.name), shape], layer.name), shape: outputShape, perm: null };
};

const rescaling: Converter = (g, { layer, inputs: [x], outputShape }) => {
  const c = layer.getConfig();
  const scaled = g.node('Mul', [x.name, g.scalar(`${layer.name}/scale`, c.scale as number)], layer.name);
  const out = (c.offset as number) === 0 ? scaled : g.node('Add', [scaled, g.scalar(`${layer.name}/offset`, c.offset as number)], layer.name);
  return { name: out, shape: outputShape, perm: x.perm };
};

const zeroPadding: Converter = (g, { layer, inputs: [x], outputShape }) => {
  const c = layer.getConfig();
  const [[top, bottom], [left, right]] = c.padding as [[number, number], [number, number]];
  const [hAxis, wAxis] = c.dataFormat === 'channelsFirst' ? [2, 3] : [1, 2];
  const begin = [0, 0, 0, 0];
  const end = [0, 0, 0, 0];
  [[hAxis, top, bottom], [wAxis, left, right]].forEach(([axis, b, e]) => {
    begin[valueAxis(axis, x.perm)] = b;
    end[valueAxis(axis, x.perm)] = e;
  });
  const out = g.node('Pad', [x.name, g.int64Tensor(`${layer.name}/pads`, [...begin, ...end])], layer.name);
  return { name: out, shape: outputShape, perm: x.perm };
};

/** Elementwise layers: the activation runs on the value as it is laid out. */
function elementwise(activation: (c: Config, g: OnnxGraph, x: OnnxValue, scope: string) => string): Converter {
  return (g, { layer, inputs: [x], outputShape }) => ({ name: activation(layer.getConfig(), g, x, layer.name), shape: outputShape, perm: x.perm });
}

const passThrough: Converter = (_g, { inputs: [x], outputShape }) => ({ ...x, shape: outputShape });

function reluLayer(c: Config, g: OnnxGraph, x: OnnxValue, scope: string): string {
  const max = c.maxValue as number | null | undefined;
  const slope = (c.negativeSlope as number | undefined) ?? 0;
  if (((c.threshold as number | undefined) ?? 0) !== 0) throw new Error(`exportOnnx: layer '${scope}' (ReLU): a non-zero threshold has no ONNX export`);
  if (slope !== 0 && max !== null && max !== undefined) throw new Error(`exportOnnx: layer '${scope}' (ReLU): max_value with negative_slope has no ONNX export`);
  if (slope !== 0) return g.node('LeakyRelu', [x.name], scope, { alpha: { float: slope } });
  if (max !== null && max !== undefined) return g.node('Clip', [x.name, g.scalar(`${scope}/min`, 0), g.scalar(`${scope}/max`, max)], scope);
  return g.node('Relu', [x.name], scope);
}

const CONVERTERS: Record<string, Converter> = {
  InputLayer: passThrough,
  Dropout: passThrough,
  SpatialDropout2D: passThrough,
  // The augmentation layers are the identity at inference, which is what an exported model runs.
  RandomFlip: passThrough,
  RandomRotation: passThrough,
  RandomZoom: passThrough,
  RandomTranslation: passThrough,
  RandomContrast: passThrough,
  RandomBrightness: passThrough,
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  Dense: dense,
  MaxPooling2D: pool('MaxPool', false),
  AveragePooling2D: pool('AveragePool', false),
  MinPooling2D: pool('MaxPool', true),
  Flatten: flatten,
  BatchNormalization: batchNorm,
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  Add: merge('Add'),
  Multiply: merge('Mul'),
  Average: merge('Add', true),
  Concatenate: concatenate,
  Reshape: reshape,
  Rescaling: rescaling,
  ZeroPadding2D: zeroPadding,
  Activation: (g, call) => activate(g, call.layer.getConfig().activation, { ...call.inputs[0], shape: call.outputShape }, call.layer.name),
  ReLU: elementwise(reluLayer),
  LeakyReLU: elementwise((c, g, x, s) => g.node('LeakyRelu', [x.name], s, { alpha: { float: c.negativeSlope as number } })),
  ELU: elementwise((c, g, x, s) => g.node('Elu', [x.name], s, { alpha: { float: c.alpha as number } })),
  Softmax: elementwise((c, g, x, s) => g.node('Softmax', [x.name], s, { axis: valueAxis(((c.axis as number) + x.shape.length) % x.shape.length, x.perm) })),
};

export const ONNX_LAYERS: readonly string[] = Object.keys(CONVERTERS);

const FOLD_TARGETS: ReadonlySet<Converter> = new Set([conv2d, depthwiseConv2d]);

export function convertLayer(g: OnnxGraph, call: LayerCall): OnnxValue {
  const convert = CONVERTERS[call.layer.className];
  if (convert === undefined) throw new Error(`exportOnnx: layer '${call.layer.name}' (${call.layer.className}) has no ONNX export; supported: ${ONNX_LAYERS.join(', ')}`);
  if (call.foldedBatchNorm && !FOLD_TARGETS.has(convert)) {
    throw new Error(`exportOnnx: internal error, BatchNormalization '${call.foldedBatchNorm.name}' cannot fold into layer '${call.layer.name}' (${call.layer.className})`);
  }
  return convert(g, call);
}
