/**
 * Turns the edited stack into a Fovea Sequential model for 28x28x1 MNIST images, layer by layer,
 * so that when shapes do not fit the learner sees the library's own message at the layer that
 * failed (and the layers before it still show their shapes).
 */
import {
  AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout, Flatten, type Layer, MaxPooling2D, MinPooling2D, Sequential,
} from 'fovea';
import type { LayerSpec } from './layer-spec.js';

export const INPUT_SHAPE: [number, number, number] = [28, 28, 1];
/** The model's seed: the same stack always starts from the same weights (tests rely on it). */
export const MODEL_SEED = 1;

export interface StackBuild {
  /** The built model, or null when some layer does not fit. */
  model: Sequential | null;
  /** The layers that did fit, in order (all of them when `model` is not null). */
  fitted: Layer[];
  /** Which layer failed (0-based) and the library's message. */
  failure: { index: number; message: string } | null;
}

/**
 * Layer names as a fresh Keras session gives them (conv2d, conv2d_1, ...): numbered per stack, not
 * per page, so the table reads the same after every edit.
 */
function layerName(base: string, counts: Map<string, number>): string {
  const n = counts.get(base) ?? 0;
  counts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

function makeLayer(spec: LayerSpec, name: string, first: boolean): Layer {
  const input = first ? { inputShape: INPUT_SHAPE } : {};
  switch (spec.kind) {
    case 'conv2d':
      return new Conv2D(spec.filters, spec.kernel, { name, strides: spec.stride, padding: spec.padding, activation: spec.activation, ...input });
    case 'pool': {
      const options = { name, poolSize: spec.size, strides: spec.stride, padding: spec.padding, ...input };
      return spec.pool === 'max' ? new MaxPooling2D(options) : spec.pool === 'min' ? new MinPooling2D(options) : new AveragePooling2D(options);
    }
    case 'dropout': return new Dropout(spec.rate, { name, ...input });
    case 'batchnorm': return new BatchNormalization({ name, ...input });
    case 'flatten': return new Flatten({ name, ...input });
    case 'dense': return new Dense(spec.units, { name, activation: spec.activation, ...input });
  }
}

const BASE_NAMES: Record<LayerSpec['kind'], (spec: LayerSpec) => string> = {
  conv2d: () => 'conv2d',
  pool: (s) => (s.kind === 'pool' ? `${s.pool === 'average' ? 'average' : s.pool}_pooling2d` : 'pooling2d'),
  dropout: () => 'dropout',
  batchnorm: () => 'batch_normalization',
  flatten: () => 'flatten',
  dense: () => 'dense',
};

/** Builds every layer (weights included) or stops at the first that does not fit. */
export function buildStack(specs: readonly LayerSpec[]): StackBuild {
  if (specs.length === 0) return { model: null, fitted: [], failure: { index: 0, message: 'the stack is empty: add a layer or pick a preset' } };
  const model = new Sequential({ name: 'lab_model', seed: MODEL_SEED });
  const counts = new Map<string, number>();
  for (const [index, spec] of specs.entries()) {
    try {
      model.add(makeLayer(spec, layerName(BASE_NAMES[spec.kind](spec), counts), index === 0));
    } catch (e) {
      return { model: null, fitted: model.layers, failure: { index, message: e instanceof Error ? e.message : String(e) } };
    }
  }
  return { model, fitted: model.layers, failure: null };
}
