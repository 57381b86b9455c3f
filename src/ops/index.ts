/** The functional API: every op, one import. */
export { tensor, scalar, fill, zeros, ones, zerosLike, onesLike } from './create.js';
export { add, sub, mul, div, pow, maximum, minimum, equal, notEqual, greater, greaterEqual, less, lessEqual } from './binary.js';
export type { TensorLike } from './binary.js';
export {
  unaryOp, neg, abs, exp, log, sqrt, square, sin, cos, sign, reciprocal, erf,
  relu, relu6, leakyRelu, elu, selu, gelu, sigmoid, hardSigmoid, tanh, softplus, softsign, swish, mish, sinc, step, logSigmoid,
} from './unary.js';
export { softmax, logSoftmax, logSumExp } from './softmax.js';
export { softmaxCrossEntropy } from './softmax-cross-entropy.js';
export { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';
export { batchNormTraining, type BatchNormTrainingResult } from './batch-norm.js';
export { sum, mean, max, min, argmax, argmin, argMax } from './reduce.js';
export type { Axes } from './reduce.js';
export { reshape, flatten, expandDims, squeeze, transpose, slice, concat, pad, cast, oneHot, where } from './shape-ops.js';
export { matmul, dense, linear } from './matmul.js';
export type { MatMulOptions } from './matmul.js';
export { conv2d, conv2dAttrs } from './conv2d.js';
export { conv2dPool } from './conv2d-pool.js';
export { conv2dPointwise, type GlobalAverage, type PointwiseConv, type PointwiseStemConv, type SeparableBlock } from './conv2d-pointwise.js';
export type { PoolSpec } from './conv2d-pool.js';
export type { Conv2DOptions } from './conv2d.js';
export { conv2dTranspose } from './conv2d-transpose.js';
export type { Conv2DTransposeOptions } from './conv2d-transpose.js';
export { maxPool2d, minPool2d, avgPool2d, pool2dAttrs } from './pool.js';
export type { Pool2DOptions } from './pool.js';
export type { Padding, DataFormat } from './conv-geometry.js';
export { imageTransform } from './image-transform.js';
export type { ImageTransformOptions } from './image-transform.js';
