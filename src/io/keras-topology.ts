/**
 * Keras topology JSON <-> Fovea layer configs (Sequential; functional-topology.ts writes functional
 * models, keras/model-from-config.ts reads them). Writes the TensorFlow.js / Keras 2 dialect
 * (`{ class_name: 'Sequential', config: { name, layers } }`, snake_case keys); reads that, the
 * Python converter's nesting under `model_config`, the old list-of-layers form, and the Keras 3
 * spellings (`batch_shape`, DTypePolicy objects, `module` / `registered_name`).
 */
import type { LayerConfig } from '../layers/registry.js';
import { describeValue, isRecord } from './bytes.js';
import { camelKeys, snakeKeys } from './json-case.js';
import { checkLayerKeys } from './keras-layer-keys.js';
import { ModelFormatError } from './model-format-error.js';

export const KERAS_VERSION = 'fovea 0.1.0';

/** What a Sequential model's `getConfig()` gives. */
export interface SequentialConfig {
  name: string;
  layers: { className: string; config: Record<string, unknown> }[];
}

/** One layer of a parsed topology, in Fovea's camelCase form. */
export interface LayerEntry {
  className: string;
  config: LayerConfig;
}

export interface ParsedTopology {
  name: string | undefined;
  layers: LayerEntry[];
}

// Fovea stores data formats as 'channelsLast'; Keras files spell them 'channels_last'.
const DATA_FORMAT_TO_KERAS: Record<string, string> = { channelsLast: 'channels_last', channelsFirst: 'channels_first' };

export function layerToKeras(layer: SequentialConfig['layers'][number]): Record<string, unknown> {
  const config = snakeKeys(layer.config) as Record<string, unknown>;
  const format = config.data_format;
  if (typeof format === 'string' && format in DATA_FORMAT_TO_KERAS) config.data_format = DATA_FORMAT_TO_KERAS[format];
  return { class_name: layer.className, config: { ...config, dtype: 'float32' } };
}

/** The Keras topology of a Sequential model's config. */
export function sequentialTopology(config: SequentialConfig): Record<string, unknown> {
  return {
    class_name: 'Sequential',
    config: { name: config.name, layers: config.layers.map(layerToKeras) },
    keras_version: KERAS_VERSION,
    backend: 'fovea',
  };
}

// Settings Fovea's layers do not have: accepted when off (null/false), rejected otherwise, so a
// file is never loaded into a model that computes something else.
// (Regularizers and constraints go to the layers, which implement them.)
const MUST_BE_OFF = ['sparse', 'ragged', 'loraRank'];
// Bookkeeping keys of Keras files with no effect on the computation.
const IGNORED = ['dtype', 'module', 'registeredName', 'buildConfig', 'inputDtype', 'autocast', 'loraAlpha'];

function checkDtype(dtype: unknown, where: string, file: string): void {
  const name = isRecord(dtype) && isRecord(dtype.config) ? dtype.config.name : dtype;
  if (name !== undefined && name !== null && name !== 'float32') {
    throw new ModelFormatError(file, `${where}: dtype ${JSON.stringify(name)} is not supported (Fovea layers compute in float32)`);
  }
}

/** Keys holding a serialized object (`{ className, config }`) or a name, by their suffix. */
const SPEC_KEY = /(Initializer|Regularizer|Constraint)$/;

/** Checks the types of the fields every layer interprets the same way, so a layer never sees junk. */
function checkCommonFields(config: LayerConfig, where: string, file: string): void {
  for (const [key, value] of Object.entries(config)) {
    const isSpec = SPEC_KEY.test(key) && value !== null && typeof value !== 'string' &&
      !(isRecord(value) && typeof value.className === 'string' && (value.config === undefined || isRecord(value.config)));
    const badActivation = key === 'activation' && value !== null && typeof value !== 'string';
    const badName = key === 'name' && typeof value !== 'string';
    if (isSpec || badActivation || badName) {
      throw new ModelFormatError(file, `${where}: '${key}' must be ${SPEC_KEY.test(key) ? 'null, a name or { class_name, config }' : key === 'name' ? 'a string' : 'null or a name'}, got ${describeValue(value)}`);
    }
  }
}

function layerFromKeras(raw: unknown, index: number, file: string): LayerEntry {
  if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config)) {
    throw new ModelFormatError(file, `modelTopology layer #${index} must be { class_name: string, config: object }, got ${describeValue(raw)}`);
  }
  const where = `modelTopology layer #${index} (${raw.class_name})`;
  const named = typeof raw.config.name === 'string' ? `modelTopology layer #${index} (${raw.class_name} '${raw.config.name}')` : where;
  checkLayerKeys(raw.class_name, raw.config, named, file);
  const config = camelKeys(raw.config, file) as LayerConfig;
  checkDtype(config.dtype, where, file);
  checkCommonFields(config, where, file);
  for (const key of MUST_BE_OFF) {
    if (config[key] !== undefined && config[key] !== null && config[key] !== false) {
      throw new ModelFormatError(file, `${where}: '${key}' = ${JSON.stringify(config[key])} is not supported by Fovea`);
    }
  }
  for (const key of [...MUST_BE_OFF, ...IGNORED]) delete config[key];
  // Keras 3 spells the input layer's shape `batch_shape`.
  if (config.batchShape !== undefined && config.batchInputShape === undefined) config.batchInputShape = config.batchShape;
  delete config.batchShape;
  // Keras 2 and TensorFlow.js call LeakyReLU's slope `alpha`; Keras 3 (and Fovea) `negative_slope`.
  if (raw.class_name === 'LeakyReLU' && config.alpha !== undefined) {
    if (config.negativeSlope === undefined) config.negativeSlope = config.alpha;
    delete config.alpha;
  }
  return { className: raw.class_name, config };
}

/** Unwraps the Python converter's `{ model_config: {...}, training_config }` form. */
export function unwrapTopology(topology: unknown, file: string): Record<string, unknown> {
  if (!isRecord(topology)) throw new ModelFormatError(file, `modelTopology must be an object, got ${describeValue(topology)}`);
  return isRecord(topology.model_config) ? topology.model_config : topology;
}

/** The layers of a Sequential topology, checked and in Fovea's config form. */
export function parseTopology(topology: unknown, file: string): ParsedTopology {
  const model = unwrapTopology(topology, file);
  if (model.class_name !== 'Sequential') {
    throw new ModelFormatError(file, `modelTopology class_name ${describeValue(model.class_name)} is not supported; Fovea loads 'Sequential' and functional ('Model', 'Functional') models`);
  }
  // Keras 1 and early TensorFlow.js wrote a Sequential config as the bare list of layers.
  const config = Array.isArray(model.config) ? { layers: model.config } : model.config;
  if (!isRecord(config) || !Array.isArray(config.layers) || config.layers.length === 0) {
    throw new ModelFormatError(file, `modelTopology.config.layers must be a non-empty array, got ${describeValue(isRecord(config) ? config.layers : config)}`);
  }
  if (config.name !== undefined && typeof config.name !== 'string') throw new ModelFormatError(file, `modelTopology.config.name must be a string, got ${describeValue(config.name)}`);
  const layers = config.layers.map((l, i) => layerFromKeras(l, i, file));
  // Keras 3 records the build shape on the model when there is no InputLayer.
  const buildShape = config.build_input_shape;
  if (Array.isArray(buildShape) && layers[0].className !== 'InputLayer' && layers[0].config.batchInputShape === undefined) {
    layers.unshift({ className: 'InputLayer', config: { batchInputShape: buildShape } });
  }
  return { name: config.name as string | undefined, layers };
}
