/**
 * Layer classes by their Keras class name, so a saved config ({ className, config }) can be
 * turned back into a layer. Custom layers register themselves with `registerLayer`.
 */
import { Activation } from './activation.js';
import { AveragePooling2D } from './average-pooling2d.js';
import { Conv2D, type Conv2DOptions } from './conv2d.js';
import { Dense, type DenseOptions } from './dense.js';
import { Flatten } from './flatten.js';
import { InputLayer } from './input-layer.js';
import type { Layer, LayerArgs } from './layer.js';
import { MaxPooling2D } from './max-pooling2d.js';
import { MinPooling2D } from './min-pooling2d.js';
import { ELU, LeakyReLU, ReLU, Softmax } from './activation-layers.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv1D, type Conv1DOptions } from './conv1d.js';
import { Conv2DTranspose, type Conv2DTransposeOptions } from './conv2d-transpose.js';
import { Cropping2D } from './cropping2d.js';
import { DepthwiseConv2D, type DepthwiseConv2DOptions } from './depthwise-conv2d.js';
import { Dropout } from './dropout.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from './global-pooling2d.js';
import { Add, Average, Concatenate, Multiply } from './merge.js';
import type { PairSpec } from './padding-utils.js';
import { PReLU } from './prelu.js';
import { Rescaling } from './rescaling.js';
import { Reshape } from './reshape.js';
import { SeparableConv2D, type SeparableConv2DOptions } from './separable-conv2d.js';
import { SpatialDropout2D } from './spatial-dropout2d.js';
import { UpSampling2D } from './up-sampling2d.js';
import { ZeroPadding2D } from './zero-padding2d.js';
import {
  CenterCrop, Normalization, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Resizing,
} from './preprocessing/index.js';
import { unknownNameError } from '../names/unknown-name.js';

export type LayerConfig = Record<string, unknown>;
export type LayerFactory = (config: LayerConfig) => Layer;

/** Turns a config's `batchInputShape` back into the `inputShape` / `batchSize` constructor args. */
export function layerArgs(config: LayerConfig): LayerArgs {
  const { batchInputShape, ...rest } = config as LayerConfig & { batchInputShape?: (number | null)[] };
  if (batchInputShape === undefined) return rest as LayerArgs;
  const isDim = (d: unknown) => d === null || (Number.isInteger(d) && (d as number) > 0);
  if (!Array.isArray(batchInputShape) || batchInputShape.length < 2 || !batchInputShape.every(isDim)) {
    throw new Error(`layer config: batchInputShape must be [batch or null, ...positive integers], got ${JSON.stringify(batchInputShape)}`);
  }
  const [batch, ...sample] = batchInputShape;
  return { ...rest, inputShape: sample as number[], batchSize: batch ?? undefined } as LayerArgs;
}

function required<T>(config: LayerConfig, key: string, className: string): T {
  if (config[key] === undefined) throw new Error(`${className} config: missing '${key}'`);
  return config[key] as T;
}

const registry = new Map<string, LayerFactory>([
  ['Conv2D', (c) => new Conv2D(required(c, 'filters', 'Conv2D'), required(c, 'kernelSize', 'Conv2D'), layerArgs(c) as Conv2DOptions)],
  ['Dense', (c) => new Dense(required(c, 'units', 'Dense'), layerArgs(c) as DenseOptions)],
  ['MaxPooling2D', (c) => new MaxPooling2D(layerArgs(c))],
  ['AveragePooling2D', (c) => new AveragePooling2D(layerArgs(c))],
  ['MinPooling2D', (c) => new MinPooling2D(layerArgs(c))],
  ['Flatten', (c) => new Flatten(layerArgs(c))],
  ['Activation', (c) => new Activation(required(c, 'activation', 'Activation'), layerArgs(c))],
  ['InputLayer', (c) => new InputLayer(c)],
  ['Conv1D', (c) => new Conv1D(required(c, 'filters', 'Conv1D'), required(c, 'kernelSize', 'Conv1D'), layerArgs(c) as Conv1DOptions)],
  ['DepthwiseConv2D', (c) => new DepthwiseConv2D(required(c, 'kernelSize', 'DepthwiseConv2D'), layerArgs(c) as DepthwiseConv2DOptions)],
  ['SeparableConv2D', (c) => new SeparableConv2D(required(c, 'filters', 'SeparableConv2D'), required(c, 'kernelSize', 'SeparableConv2D'), layerArgs(c) as SeparableConv2DOptions)],
  ['Conv2DTranspose', (c) => new Conv2DTranspose(required(c, 'filters', 'Conv2DTranspose'), required(c, 'kernelSize', 'Conv2DTranspose'), layerArgs(c) as Conv2DTransposeOptions)],
  ['Dropout', (c) => new Dropout(required(c, 'rate', 'Dropout'), layerArgs(c))],
  ['SpatialDropout2D', (c) => new SpatialDropout2D(required(c, 'rate', 'SpatialDropout2D'), layerArgs(c))],
  ['BatchNormalization', (c) => new BatchNormalization(layerArgs(c))],
  ['GlobalAveragePooling2D', (c) => new GlobalAveragePooling2D(layerArgs(c))],
  ['GlobalMaxPooling2D', (c) => new GlobalMaxPooling2D(layerArgs(c))],
  ['ZeroPadding2D', (c) => new ZeroPadding2D(required<PairSpec>(c, 'padding', 'ZeroPadding2D'), layerArgs(c))],
  ['Cropping2D', (c) => new Cropping2D(required<PairSpec>(c, 'cropping', 'Cropping2D'), layerArgs(c))],
  ['UpSampling2D', (c) => new UpSampling2D(required(c, 'size', 'UpSampling2D'), layerArgs(c))],
  ['Reshape', (c) => new Reshape(required(c, 'targetShape', 'Reshape'), layerArgs(c))],
  ['Rescaling', (c) => new Rescaling(required(c, 'scale', 'Rescaling'), layerArgs(c))],
  ['ReLU', (c) => new ReLU(layerArgs(c))],
  ['LeakyReLU', (c) => new LeakyReLU(layerArgs(c))],
  ['PReLU', (c) => new PReLU(layerArgs(c))],
  ['ELU', (c) => new ELU(layerArgs(c))],
  ['Softmax', (c) => new Softmax(layerArgs(c))],
  ['Add', (c) => new Add(layerArgs(c))],
  ['Multiply', (c) => new Multiply(layerArgs(c))],
  ['Average', (c) => new Average(layerArgs(c))],
  ['Concatenate', (c) => new Concatenate(layerArgs(c))],
  ['Resizing', (c) => new Resizing(required(c, 'height', 'Resizing'), required(c, 'width', 'Resizing'), layerArgs(c))],
  ['CenterCrop', (c) => new CenterCrop(required(c, 'height', 'CenterCrop'), required(c, 'width', 'CenterCrop'), layerArgs(c))],
  ['RandomCrop', (c) => new RandomCrop(required(c, 'height', 'RandomCrop'), required(c, 'width', 'RandomCrop'), layerArgs(c))],
  ['RandomFlip', (c) => new RandomFlip((c.mode as RandomFlip['mode'] | undefined) ?? undefined, layerArgs(c))],
  ['RandomRotation', (c) => new RandomRotation(required(c, 'factor', 'RandomRotation'), layerArgs(c))],
  ['RandomZoom', (c) => new RandomZoom(required(c, 'heightFactor', 'RandomZoom'), layerArgs(c))],
  ['RandomTranslation', (c) => new RandomTranslation(required(c, 'heightFactor', 'RandomTranslation'), required(c, 'widthFactor', 'RandomTranslation'), layerArgs(c))],
  ['RandomContrast', (c) => new RandomContrast(required(c, 'factor', 'RandomContrast'), layerArgs(c))],
  ['RandomBrightness', (c) => new RandomBrightness(required(c, 'factor', 'RandomBrightness'), layerArgs(c))],
  ['Normalization', (c) => new Normalization(layerArgs(c))],
]);

export function registerLayer(className: string, factory: LayerFactory): void {
  registry.set(className, factory);
}

export function registeredLayerNames(): string[] {
  return [...registry.keys()];
}

/** A new layer from its class name and config (the output of `getConfig()`). */
export function layerFromConfig(className: string, config: LayerConfig): Layer {
  const factory = registry.get(className);
  if (factory === undefined) {
    const unknown = unknownNameError('layer class', className, registeredLayerNames(), 'a model config');
    throw new Error(`${unknown.message} (custom layers: registerLayer)`);
  }
  return factory(config);
}
