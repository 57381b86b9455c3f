/** The Keras-style layers, their building blocks and the class-name registry. */
export { Layer, uniqueName, snakeCase } from './layer.js';
export type { LayerArgs, CallOptions, SymbolicShape } from './layer.js';
export { Conv2D } from './conv2d.js';
export type { Conv2DOptions } from './conv2d.js';
export { BasePooling2D } from './base-pooling2d.js';
export type { Pooling2DOptions } from './base-pooling2d.js';
export { MaxPooling2D } from './max-pooling2d.js';
export { AveragePooling2D } from './average-pooling2d.js';
export { MinPooling2D } from './min-pooling2d.js';
export { Flatten } from './flatten.js';
export type { FlattenOptions } from './flatten.js';
export { Dense } from './dense.js';
export type { DenseOptions } from './dense.js';
export { Activation } from './activation.js';
export { InputLayer } from './input-layer.js';
export type { InputLayerOptions } from './input-layer.js';
export { getActivation, ACTIVATION_NAMES } from './activations.js';
export type { ActivationFn, ActivationName, ResolvedActivation } from './activations.js';
export {
  getInitializer, serializeInitializer, computeFans, INITIALIZER_NAMES,
  Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal,
} from './initializers.js';
export type { Initializer, InitializerName, InitializerSpec } from './initializers.js';
export { layerFromConfig, registerLayer, registeredLayerNames } from './registry.js';
export type { LayerConfig, LayerFactory } from './registry.js';
export type { LayerInput, ShapeInput, WeightOptions } from './layer.js';
export { SymbolicTensor, isSymbolic } from './symbolic-tensor.js';
export type { Node } from './symbolic-tensor.js';
export { input } from './input.js';
export type { InputOptions } from './input.js';
export { BaseConv2D } from './base-conv2d.js';
export type { BaseConvOptions } from './conv-options.js';
export { Conv1D } from './conv1d.js';
export type { Conv1DOptions } from './conv1d.js';
export { DepthwiseConv2D } from './depthwise-conv2d.js';
export type { DepthwiseConv2DOptions } from './depthwise-conv2d.js';
export { SeparableConv2D } from './separable-conv2d.js';
export type { SeparableConv2DOptions } from './separable-conv2d.js';
export { Conv2DTranspose } from './conv2d-transpose.js';
export type { Conv2DTransposeOptions } from './conv2d-transpose.js';
export { Dropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { SpatialDropout2D } from './spatial-dropout2d.js';
export { BatchNormalization } from './batch-normalization.js';
export type { BatchNormalizationOptions } from './batch-normalization.js';
export { GlobalAveragePooling2D, GlobalMaxPooling2D } from './global-pooling2d.js';
export type { GlobalPooling2DOptions } from './global-pooling2d.js';
export { ZeroPadding2D } from './zero-padding2d.js';
export { Cropping2D } from './cropping2d.js';
export { UpSampling2D } from './up-sampling2d.js';
export { Reshape } from './reshape.js';
export { Rescaling } from './rescaling.js';
export { ReLU, LeakyReLU, ELU, Softmax } from './activation-layers.js';
export type { ReLUOptions } from './activation-layers.js';
export { PReLU } from './prelu.js';
export type { PReLUOptions } from './prelu.js';
export { Add, Multiply, Average, Concatenate } from './merge.js';
export { L1, L2, L1L2, l1, l2, l1l2, getRegularizer, serializeRegularizer } from './regularizers.js';
export type { Regularizer, RegularizerSpec } from './regularizers.js';
export { MaxNorm, NonNeg, UnitNorm, MinMaxNorm, maxNorm, nonNeg, unitNorm, minMaxNorm, getConstraint, serializeConstraint } from './constraints.js';
export type { Constraint, ConstraintSpec } from './constraints.js';
export type { WeightValue } from './weight-values.js';
export {
  Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness, Normalization,
} from './preprocessing/index.js';
export type {
  ResizingOptions, FlipMode, RandomZoomOptions, RandomAffineOptions, ValueRangeOptions, NormalizationOptions, ImageLayerArgs, Factor,
} from './preprocessing/index.js';
