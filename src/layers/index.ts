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
export type { ActivationFn, ResolvedActivation } from './activations.js';
export {
  getInitializer, serializeInitializer, computeFans, INITIALIZER_NAMES,
  Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, Orthogonal,
} from './initializers.js';
export type { Initializer, InitializerSpec } from './initializers.js';
export { layerFromConfig, registerLayer, registeredLayerNames } from './registry.js';
export type { LayerConfig, LayerFactory } from './registry.js';
