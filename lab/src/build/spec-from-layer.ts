/**
 * The way back from a model (one loaded from a file or IndexedDB) to the editable stack, so the
 * Build view shows what was loaded. Only what the Build view can express converts; anything else
 * (a 5x3 kernel, dilation, a layer kind the editor lacks) is reported by name, not approximated.
 */
import type { Layer } from 'fovea';
import { ACTIVATIONS, type Activation, type LayerSpec, PADDINGS, type Padding } from './layer-spec.js';

type Config = Record<string, unknown>;

function square(value: unknown, what: string, layer: Layer): number {
  if (Array.isArray(value) && value.length === 2 && value[0] === value[1] && typeof value[0] === 'number') return value[0];
  throw new Error(`layer "${layer.name}" (${layer.className}): the Build view edits square ${what}s only, got ${JSON.stringify(value)}`);
}

function checked<T extends string>(value: unknown, allowed: readonly T[], what: string, layer: Layer): T {
  if (allowed.includes(value as T)) return value as T;
  throw new Error(`layer "${layer.name}" (${layer.className}): ${what} ${JSON.stringify(value)} is not one the Build view offers (${allowed.join(', ')})`);
}

function convSpec(c: Config, layer: Layer): LayerSpec {
  if (c['groups'] !== 1 || square(c['dilationRate'], 'dilation', layer) !== 1) throw new Error(`layer "${layer.name}" (Conv2D): grouped or dilated convolutions are not editable in the Build view`);
  return {
    kind: 'conv2d', filters: c['filters'] as number, kernel: square(c['kernelSize'], 'kernel', layer), stride: square(c['strides'], 'stride', layer),
    padding: checked<Padding>(c['padding'], PADDINGS, 'padding', layer), activation: checked<Activation>(c['activation'], ACTIVATIONS, 'activation', layer),
  };
}

function poolSpec(c: Config, layer: Layer, pool: 'max' | 'min' | 'average'): LayerSpec {
  return { kind: 'pool', pool, size: square(c['poolSize'], 'pool size', layer), stride: square(c['strides'], 'stride', layer), padding: checked<Padding>(c['padding'], PADDINGS, 'padding', layer) };
}

/** The spec of one layer of a loaded model; throws naming the layer when the editor cannot show it. */
export function specFromLayer(layer: Layer): LayerSpec {
  const c = layer.getConfig();
  switch (layer.className) {
    case 'Conv2D': return convSpec(c, layer);
    case 'MaxPooling2D': return poolSpec(c, layer, 'max');
    case 'MinPooling2D': return poolSpec(c, layer, 'min');
    case 'AveragePooling2D': return poolSpec(c, layer, 'average');
    case 'Dropout': return { kind: 'dropout', rate: c['rate'] as number };
    case 'BatchNormalization': return { kind: 'batchnorm' };
    case 'Flatten': return { kind: 'flatten' };
    case 'Dense': return { kind: 'dense', units: c['units'] as number, activation: checked<Activation>(c['activation'], ACTIVATIONS, 'activation', layer) };
    default: throw new Error(`layer "${layer.name}" (${layer.className}) is not a kind the Build view edits`);
  }
}
