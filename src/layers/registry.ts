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

export type LayerConfig = Record<string, unknown>;
export type LayerFactory = (config: LayerConfig) => Layer;

/** Turns a config's `batchInputShape` back into the `inputShape` / `batchSize` constructor args. */
export function layerArgs(config: LayerConfig): LayerArgs {
  const { batchInputShape, ...rest } = config as LayerConfig & { batchInputShape?: (number | null)[] };
  if (batchInputShape === undefined) return rest as LayerArgs;
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
    throw new Error(`Unknown layer class '${className}'; registered: ${registeredLayerNames().join(', ')} (use registerLayer for custom layers)`);
  }
  return factory(config);
}
