/**
 * The kernel contract: every kernel id, its typed inputs and attributes. One file, so a backend's
 * coverage is checked by the compiler: a backend's kernel table must implement every entry.
 *
 * Layout conventions every kernel follows:
 * - activations are NHWC (batch, height, width, channels), conv filters HWIO
 *   (height, width, inChannels / groups, outChannels). Channels-first callers transpose in the op.
 * - padding is explicit `[top, bottom, left, right]`; ops turn 'valid'/'same' into numbers.
 * - all arrays are row-major; kernels never mutate their inputs and always return new storage.
 */
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { ImageTransformAttrs } from './ref/image-sampling.js';

export type { FillMode, ImageTransformAttrs, Interpolation } from './ref/image-sampling.js';
export { FILL_MODES, INTERPOLATIONS } from './ref/image-sampling.js';

/** Opaque storage owned by one backend (a JS array, a WebAssembly heap range, ...). */
export interface DataHandle {
  readonly __backendHandle: true;
}

/** What a kernel sees of a tensor: where its data is, its shape and dtype. */
export interface TensorInfo {
  readonly handle: DataHandle;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  // comparisons return float32 1/0, so `mean(equal(a, b))` is an accuracy.
  | 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual';

export type UnaryOp =
  // math
  | 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square' | 'sin' | 'cos' | 'sign' | 'reciprocal' | 'erf'
  // activations (alpha: leakyRelu slope, elu alpha)
  | 'relu' | 'relu6' | 'leakyRelu' | 'elu' | 'selu' | 'gelu' | 'sigmoid' | 'hardSigmoid' | 'tanh'
  | 'softplus' | 'softsign' | 'swish' | 'mish' | 'sinc' | 'step' | 'logSigmoid';

/**
 * Activations a conv or matmul kernel may fuse into its output (gradient is taken from y).
 * relu6 = min(max(x, 0), 6), as the Unary op computes it.
 */
export type FusedActivation = 'linear' | 'relu' | 'relu6';

export type ReduceOp = 'sum' | 'max' | 'min';
export type PoolMode = 'max' | 'min' | 'avg';

export interface Conv2DAttrs {
  strides: [number, number];
  /** [top, bottom, left, right] zero padding. */
  pad: [number, number, number, number];
  dilations: [number, number];
  groups: number;
}

/** The conv before Conv2DPointwise's blocks (a MobileNet's stem): its attributes, activation and whether it has a bias. */
export interface PointwiseStem extends Conv2DAttrs {
  activation: FusedActivation;
  bias: boolean;
}

/** One block of Conv2DPointwise: the first conv's attributes and activation, the pointwise conv's activation, which biases it has. */
export interface PointwiseBlock extends Conv2DAttrs {
  activation: FusedActivation;
  pointwiseActivation: FusedActivation;
  bias: boolean;
  pointwiseBias: boolean;
}

export interface Pool2DAttrs {
  mode: PoolMode;
  poolSize: [number, number];
  strides: [number, number];
  /** [top, bottom, left, right]; padded cells never win a max/min and are not counted by avg. */
  pad: [number, number, number, number];
}

/**
 * One optimizer step's hyper-parameters, already resolved for the step (a schedule's learning rate,
 * Adam's step count). Keras 3 rules (src/optimizers) and PyTorch rules (src/nn/optim, `torch*`:
 * epsilon outside the square root, L2 weight decay added to the gradient) differ, so each family
 * keeps its own. The equations are in ref/optimizer-rules.ts; `optimizerSlots` gives the slots.
 */
export type OptimizerUpdate =
  | { rule: 'sgd'; learningRate: number; momentum: number; nesterov: boolean }
  | { rule: 'rmsprop'; learningRate: number; rho: number; momentum: number; epsilon: number; centered: boolean }
  /** `step` counts from 1 and includes this step (it sets the bias correction). */
  | { rule: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number; amsgrad: boolean; step: number }
  /** `firstStep`: the momentum buffer starts as the gradient (its slot's values are ignored). */
  | { rule: 'torchSgd'; learningRate: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; firstStep: boolean }
  /** `rho` is PyTorch's `alpha`. */
  | { rule: 'torchRmsprop'; learningRate: number; rho: number; momentum: number; epsilon: number; centered: boolean; weightDecay: number }
  | { rule: 'torchAdam'; learningRate: number; beta1: number; beta2: number; epsilon: number; amsgrad: boolean; weightDecay: number; step: number };

export type OptimizerRule = OptimizerUpdate['rule'];

/**
 * The slots an update reads and writes, in kernel order; names are the ones the optimizers store
 * them under (Keras slot names, PyTorch state keys). Options that need no state add no slot.
 */
export function optimizerSlots(u: OptimizerUpdate): string[] {
  switch (u.rule) {
    case 'sgd': return u.momentum > 0 ? ['momentum'] : [];
    case 'rmsprop': return ['velocity', ...(u.centered ? ['average_gradient'] : []), ...(u.momentum > 0 ? ['momentum'] : [])];
    case 'adam': return ['momentum', 'velocity', ...(u.amsgrad ? ['velocity_hat'] : [])];
    case 'torchSgd': return u.momentum > 0 ? ['momentumBuffer'] : [];
    case 'torchRmsprop': return ['squareAvg', ...(u.centered ? ['gradAvg'] : []), ...(u.momentum > 0 ? ['momentumBuffer'] : [])];
    case 'torchAdam': return ['expAvg', 'expAvgSq', ...(u.amsgrad ? ['maxExpAvgSq'] : [])];
    default: throw new Error(`ApplyOptimizer: unknown rule '${String((u as { rule: unknown }).rule)}'`);
  }
}

/**
 * Each kernel: `inputs` (tensors by name) and `attrs` (plain values). Optional inputs may be absent.
 * Output is one tensor unless the entry declares `output` (run those with engine.runKernelOutputs).
 */
export interface KernelSpecs {
  /** Elementwise with NumPy broadcasting; a and b have the same dtype. */
  Binary: { inputs: { a: TensorInfo; b: TensorInfo }; attrs: { op: BinaryOp } };
  /** Elementwise y = f(x). */
  Unary: { inputs: { x: TensorInfo }; attrs: { op: UnaryOp; alpha: number } };
  /** dx = dy * f'(x) for the same op; x and dy have the same shape. */
  UnaryGrad: { inputs: { x: TensorInfo; dy: TensorInfo }; attrs: { op: UnaryOp; alpha: number } };
  /** y = cond != 0 ? a : b, broadcasting all three. */
  Where: { inputs: { cond: TensorInfo; a: TensorInfo; b: TensorInfo }; attrs: Record<string, never> };
  /** Reduces over `axes` (sorted, non-negative); `keepDims` keeps them as size 1. */
  Reduce: { inputs: { x: TensorInfo }; attrs: { op: ReduceOp; axes: number[]; keepDims: boolean } };
  /** int32 index of the max (first on ties) along `axis`, which is removed. */
  ArgMax: { inputs: { x: TensorInfo }; attrs: { axis: number } };
  /**
   * y = act(op(a) @ op(b) + bias). a: [M, K] or [B, M, K] (before transposes), b likewise with the
   * same batch; bias (optional) has length N and broadcasts over rows.
   */
  MatMul: {
    inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
    attrs: { transposeA: boolean; transposeB: boolean; activation: FusedActivation };
  };
  Transpose: { inputs: { x: TensorInfo }; attrs: { perm: number[] } };
  Slice: { inputs: { x: TensorInfo }; attrs: { begin: number[]; size: number[] } };
  Concat: { inputs: { xs: TensorInfo[] }; attrs: { axis: number } };
  /** Constant padding; paddings[i] = [before, after] for axis i. */
  Pad: { inputs: { x: TensorInfo }; attrs: { paddings: [number, number][]; value: number } };
  Cast: { inputs: { x: TensorInfo }; attrs: { dtype: DType } };
  /** float32 one-hot rows from int32 indices; out-of-range indices give an all-zero row. */
  OneHot: { inputs: { indices: TensorInfo }; attrs: { depth: number } };
  /** y = act(conv(x, filter) + bias). x NHWC, filter HWIO (I = inChannels / groups), bias [O]. */
  /**
   * activation(conv(x, filter) + bias + residual): `residual` (the output's shape, optional) is a
   * residual block's shortcut, added before the activation (the planner's conv -> Add -> ReLU).
   */
  Conv2D: {
    inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; residual?: TensorInfo };
    attrs: Conv2DAttrs & { activation: FusedActivation };
  };
  /**
   * [y, pooled]: Conv2D's y and Pool2D(y, `pool`) from one kernel call, so a backend can pool each
   * output row while it is still in cache instead of reading y back (the first layer's 5.5 MB at
   * batch 64). Equal to Conv2D then Pool2D. With `poolOnly` the output is [pooled] alone: no graph
   * will read y (inference), so a backend need not write it to memory. With `poolOnly`, `crop`
   * [rows, cols] keeps the pooled map's top-left rows x cols (at most all of it): the next op reads
   * no more, so a backend need not compute the rest (the planner's convPoolCrop).
   */
  Conv2DPool: {
    inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    attrs: Conv2DAttrs & { activation: FusedActivation; pool: Pool2DAttrs; poolOnly?: boolean; crop?: [number, number] };
    output: TensorInfo[];
  };
  /**
   * Blocks of a conv, then a pointwise (1x1, stride 1) Conv2D of its output, each block's output
   * the next one's input: block i is pact(conv1x1(act(conv(h, filters[i]) + bias), pointwiseFilters[i])
   * + pointwiseBias), pointwiseFilters[i] [1, 1, O, K]; `biases` holds the biases the blocks have
   * (PointwiseBlock.bias, .pointwiseBias), in block order. Equal to the Conv2D kernels one after
   * the other (then Reduce sum and Binary div, with globalAverage: [N, K], the mean over the last
   * block's pixels). With `stem`, the blocks' input is Conv2D(x, stemFilter, stemBias) first. A
   * backend may run all blocks image by image, every intermediate in cache (a MobileNet's stem and
   * depthwise -> pointwise blocks).
   */
  Conv2DPointwise: {
    inputs: { x: TensorInfo; filters: TensorInfo[]; pointwiseFilters: TensorInfo[]; biases: TensorInfo[]; stemFilter?: TensorInfo; stemBias?: TensorInfo };
    attrs: { blocks: PointwiseBlock[]; globalAverage: boolean; stem?: PointwiseStem };
  };
  /**
   * dx of Conv2D for upstream dy (NHWC); `inputShape` is x's NHWC shape. With `accumulate` (x's
   * shape), dx + accumulate: the gradient x already gathered from its other consumers (a residual
   * block's input feeds the block's first conv and its shortcut), summed in the kernel's own output
   * pass where it has one, so autograd's sum needs no pass and no tensor of its own.
   */
  Conv2DBackpropInput: {
    inputs: { dy: TensorInfo; filter: TensorInfo; accumulate?: TensorInfo };
    attrs: Conv2DAttrs & { inputShape: [number, number, number, number] };
  };
  /** dfilter of Conv2D (HWIO); `filterShape` is the filter's HWIO shape. */
  Conv2DBackpropFilter: {
    inputs: { x: TensorInfo; dy: TensorInfo };
    attrs: Conv2DAttrs & { filterShape: [number, number, number, number] };
  };
  /**
   * The backward of a fused bias + activation (Conv2D, MatMul) in one pass: [dz, dbias] with
   * dz = dy * act'(y), taken from the activation's output y, and dbias = dz summed over every axis
   * but the last (float64 accumulation). y and dy have one shape.
   */
  BiasActivationGrad: {
    inputs: { dy: TensorInfo; y: TensorInfo };
    attrs: { activation: FusedActivation };
    output: TensorInfo[];
  };
  /**
   * BatchNormalization in training mode over the last axis of x [..., C] (float32, rank >= 2):
   * [y, mean, variance] with mean and the biased variance [C] over every other axis (float64
   * sums), y = (x - mean) / sqrt(variance + epsilon) * gamma + beta (gamma, beta [C], optional),
   * then the activation ('relu': max(y, 0); 'relu6': min(max(y, 0), 6)) of a ReLU that follows,
   * fused by the planner. With `residual` (x's shape) y = activation(normalized + residual): a
   * residual block's BN -> Add -> ReLU.
   */
  BatchNormTraining: {
    inputs: { x: TensorInfo; gamma?: TensorInfo; beta?: TensorInfo; residual?: TensorInfo };
    attrs: { epsilon: number; activation?: FusedActivation };
    output: TensorInfo[];
  };
  /**
   * The backward of BatchNormTraining's y for upstream dy, from the forward's mean and variance:
   * [dx, dgamma, dbeta] with s = 1 / sqrt(variance + epsilon), xhat = (x - mean) * s,
   * dbeta = sum dy, dgamma = sum dy * xhat (over every axis but the last) and
   * dx = gamma * s * (dy - dbeta / M - xhat * dgamma / M), M the rows summed (gamma 1 when absent).
   * With y (the forward's output with an activation), dy counts only where y > 0 (relu6: where
   * 0 < y < 6): the activation's gradient first. With `residual` true (the forward added one) a
   * fourth output is the residual's gradient: dy after the activation's gradient.
   */
  BatchNormTrainingGrad: {
    inputs: { dy: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma?: TensorInfo; y?: TensorInfo };
    attrs: { epsilon: number; activation?: FusedActivation; residual?: boolean };
    output: TensorInfo[];
  };
  /**
   * BatchNormalization's moving statistics after a training step, for both conventions (Keras:
   * keep = momentum, blend = 1 - momentum, varianceScale 1; PyTorch: keep = 1 - momentum, blend =
   * momentum, varianceScale = M / (M - 1) for the unbiased variance), all [C] float32:
   * [movingMean * keep + mean * blend, movingVariance * keep + (variance * varianceScale) * blend],
   * each product and sum rounded to float32 (the composed mul/add chain's values, bit for bit).
   * With `meanShift` [C], mean + meanShift (rounded to float32) in place of mean: the batch mean of
   * x + meanShift, for a per-channel constant (a conv's bias) the normalization did not see.
   */
  BatchNormMovingUpdate: {
    inputs: { movingMean: TensorInfo; movingVariance: TensorInfo; mean: TensorInfo; variance: TensorInfo; meanShift?: TensorInfo };
    attrs: { keep: number; blend: number; varianceScale: number };
    output: TensorInfo[];
  };
  /** Max, min or average pooling over NHWC. */
  Pool2D: { inputs: { x: TensorInfo }; attrs: Pool2DAttrs };
  /** dx of Pool2D; max/min route dy to the first winning cell of each window. */
  Pool2DGrad: { inputs: { x: TensorInfo; dy: TensorInfo }; attrs: Pool2DAttrs };
  /**
   * The backward through pool(relu(z + bias)) from the pool's upstream dy, in one kernel: [dz,
   * dbias] with dz = relu'(y) * Pool2DGrad(y, dy), where y is the relu output the pool read, and
   * dbias = dz summed over N, H and W (float64 accumulation). A fused Conv2D(relu) followed by
   * pooling needs no Pool2DGrad and BiasActivationGrad passes over its full-size output.
   */
  Pool2DReluBiasGrad: {
    inputs: { y: TensorInfo; dy: TensorInfo };
    attrs: Pool2DAttrs;
    output: TensorInfo[];
  };
  /**
   * One optimizer step of a group of variables that share the update: for variable i,
   * [new params[i], ...its new slots], one after the other (variable-major). `slots` is
   * variable-major too: variable i's slots, in `optimizerSlots` order, are
   * slots[i * k .. i * k + k - 1] with k = optimizerSlots(attrs).length. A variable's param, grad
   * and slots are float32 of one shape; variables may differ in shape. Nothing is updated in
   * place: the optimizer assigns the outputs to its variables. One call per step and rule, not
   * one per variable: the engine's fixed cost per kernel call dominated the small variables.
   */
  ApplyOptimizer: {
    inputs: { params: TensorInfo[]; grads: TensorInfo[]; slots: TensorInfo[] };
    attrs: OptimizerUpdate;
    output: TensorInfo[];
  };
  /**
   * Per-row softmax cross-entropy from logits: loss[r] = -sum_j labels[r, j] * logSoftmax(logits[r])_j.
   * logits and labels float32 [rows, classes]; output [rows]. Stable for any logits (max shift).
   */
  SoftmaxCrossEntropy: { inputs: { logits: TensorInfo; labels: TensorInfo }; attrs: Record<string, never> };
  /** dlogits [rows, classes] = dy[r] * (softmax(logits[r])_j * sum_j labels[r, j] - labels[r, j]); dy is [rows]. */
  SoftmaxCrossEntropyGrad: { inputs: { logits: TensorInfo; labels: TensorInfo; dy: TensorInfo }; attrs: Record<string, never> };
  /**
   * SoftmaxCrossEntropy against int32 class indices [rows] instead of label rows:
   * loss[r] = logSumExp(logits[r]) - logits[r, classes[r]]; the one-hot form's bits for finite logits.
   * A class outside 0..classes-1 throws.
   */
  SparseSoftmaxCrossEntropy: { inputs: { logits: TensorInfo; classes: TensorInfo }; attrs: Record<string, never> };
  /** dlogits [rows, classes] = dy[r] * (softmax(logits[r])_j - [j = classes[r]]); dy is [rows]. */
  SparseSoftmaxCrossEntropyGrad: { inputs: { logits: TensorInfo; classes: TensorInfo; dy: TensorInfo }; attrs: Record<string, never> };
  /**
   * Softmax along the last axis: y[r, j] = exp(x[r, j] - max_k x[r, k]) / sum_k exp(x[r, k] - max_k x[r, k]),
   * float64 inside, float32 out. x float32 of rank >= 1; a row with a NaN is NaN.
   */
  Softmax: { inputs: { x: TensorInfo }; attrs: Record<string, never> };
  /**
   * Log-softmax along the last axis: y[r, j] = (x[r, j] - m) - log sum_k exp(x[r, k] - m), m the
   * row's max, float64 inside, float32 out (one rounding where the composed op rounded six times).
   * x float32 of rank >= 1; a row with a NaN is NaN.
   */
  LogSoftmax: { inputs: { x: TensorInfo }; attrs: Record<string, never> };
  /**
   * Resamples NHWC float32 images under one projective transform per image (transforms float32
   * [N, 8], or [1, 8] for the whole batch), TensorFlow's ImageProjectiveTransformV3: output
   * [N, outputSize[0], outputSize[1], C]. Rules in ref/image-sampling.ts.
   */
  ImageTransform: { inputs: { images: TensorInfo; transforms: TensorInfo }; attrs: ImageTransformAttrs };
  /** dImages of ImageTransform for upstream dy; `inputShape` is the images' NHWC shape. */
  ImageTransformGrad: {
    inputs: { dy: TensorInfo; transforms: TensorInfo };
    attrs: ImageTransformAttrs & { inputShape: [number, number, number, number] };
  };
}

export type KernelId = keyof KernelSpecs;
export type KernelInputs<K extends KernelId> = KernelSpecs[K]['inputs'];
export type KernelAttrs<K extends KernelId> = KernelSpecs[K]['attrs'];

/** What a kernel returns: one tensor, or the list its entry declares as `output`. */
export type KernelOutput<K extends KernelId> = KernelSpecs[K] extends { output: infer O } ? O : TensorInfo;
/** Kernels that return several tensors (engine.runKernelOutputs runs them). */
export type MultiOutputKernelId = { [K in KernelId]: KernelOutput<K> extends TensorInfo[] ? K : never }[KernelId];

/** A backend's implementation of one kernel. It allocates its outputs on its own backend. */
export type KernelFn<K extends KernelId> = (inputs: KernelInputs<K>, attrs: KernelAttrs<K>) => KernelOutput<K>;

/** Every kernel, implemented: the compiler rejects a backend that misses one. */
export type KernelTable = { readonly [K in KernelId]: KernelFn<K> };

/** All kernel ids, for conformance sweeps. */
export const KERNEL_IDS: readonly KernelId[] = [
  'Binary', 'Unary', 'UnaryGrad', 'Where', 'Reduce', 'ArgMax', 'MatMul', 'Transpose', 'Slice',
  'Concat', 'Pad', 'Cast', 'OneHot', 'Conv2D', 'Conv2DPool', 'Conv2DPointwise', 'Conv2DBackpropInput', 'Conv2DBackpropFilter',
  'BiasActivationGrad', 'BatchNormTraining', 'BatchNormTrainingGrad', 'BatchNormMovingUpdate', 'Pool2D', 'Pool2DGrad', 'Pool2DReluBiasGrad', 'ApplyOptimizer',
  'SoftmaxCrossEntropy', 'SoftmaxCrossEntropyGrad', 'SparseSoftmaxCrossEntropy', 'SparseSoftmaxCrossEntropyGrad', 'Softmax', 'LogSoftmax', 'ImageTransform', 'ImageTransformGrad',
];
