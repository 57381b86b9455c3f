/**
 * The config keys each Keras layer class accepts, so a layer config with any other key is refused
 * as Keras refuses it ("Unrecognized keyword arguments passed to Dense"). A one-bit flip
 * 'activation' -> 'actiwation' would otherwise load a model without its softmax.
 *
 * The lists are the union of what Keras 3, tf.keras 2 and TensorFlow.js write and accept for the
 * class, plus Fovea's own keys, so every real file loads; Fovea may ignore some of them (e.g.
 * `seed`, `fused`), but a key none of them knows is a corrupted or foreign file. Layer classes not
 * listed here (custom layers registered by the user) are not checked.
 */
import { describeValue } from './bytes.js';
import { toCamelKey, toSnakeKey } from './json-case.js';
import { ModelFormatError } from './model-format-error.js';

/** Accepted by every layer: Keras's base Layer (3 and 2), and bookkeeping of Keras files. */
const BASE = [
  'name', 'trainable', 'dtype', 'autocast', 'activity_regularizer', 'input_dim', 'input_shape', 'batch_input_shape',
  'batch_shape', 'batch_size', 'weights', 'implementation', 'dynamic', 'input_dtype', 'module', 'registered_name', 'build_config',
];

const BIAS = ['use_bias', 'bias_initializer', 'bias_regularizer', 'bias_constraint'];
const KERNEL = ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint'];
const CONV = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', ...BIAS, ...KERNEL, 'lora_rank', 'lora_alpha'];
const DEPTHWISE = ['depth_multiplier', 'depthwise_initializer', 'depthwise_regularizer', 'depthwise_constraint'];
const POINTWISE = ['pointwise_initializer', 'pointwise_regularizer', 'pointwise_constraint'];
const POOLING = ['pool_size', 'strides', 'padding', 'data_format'];
const GLOBAL_POOLING = ['data_format', 'keepdims'];
// Keras 3's image preprocessing layers all take data_format; the random ones a seed.
const IMAGE = ['data_format'];
const RANDOM = [...IMAGE, 'seed', 'bounding_box_format'];
const AFFINE = [...RANDOM, 'fill_mode', 'interpolation', 'fill_value'];

const OWN: Record<string, readonly string[]> = {
  InputLayer: ['shape', 'sparse', 'ragged', 'input_tensor', 'optional', 'type_spec'],
  Dense: ['units', 'activation', ...BIAS, ...KERNEL, 'lora_rank', 'lora_alpha', 'quantization_config'],
  Conv1D: CONV,
  Conv2D: CONV,
  Conv2DTranspose: [...CONV, 'output_padding'],
  // tf.keras 2 passes the kernel_* keys on to its Conv base, so files may carry them (unused).
  DepthwiseConv2D: [...CONV.filter((k) => k !== 'filters'), ...DEPTHWISE],
  SeparableConv2D: [...CONV, ...DEPTHWISE, ...POINTWISE],
  MaxPooling2D: POOLING,
  AveragePooling2D: POOLING,
  MinPooling2D: POOLING,
  GlobalAveragePooling2D: GLOBAL_POOLING,
  GlobalMaxPooling2D: GLOBAL_POOLING,
  Flatten: ['data_format'],
  Activation: ['activation'],
  Dropout: ['rate', 'noise_shape', 'seed'],
  SpatialDropout2D: ['rate', 'noise_shape', 'seed', 'data_format'],
  BatchNormalization: [
    'axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer',
    'moving_variance_initializer', 'beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint',
    'synchronized', 'renorm', 'renorm_clipping', 'renorm_momentum', 'fused', 'virtual_batch_size', 'adjustment',
  ],
  ZeroPadding2D: ['padding', 'data_format'],
  Cropping2D: ['cropping', 'data_format'],
  UpSampling2D: ['size', 'data_format', 'interpolation'],
  Reshape: ['target_shape'],
  Rescaling: ['scale', 'offset'],
  ReLU: ['max_value', 'negative_slope', 'threshold'],
  LeakyReLU: ['negative_slope', 'alpha'],
  PReLU: ['alpha_initializer', 'alpha_regularizer', 'alpha_constraint', 'shared_axes'],
  ELU: ['alpha'],
  Softmax: ['axis'],
  Add: [],
  Multiply: [],
  Average: [],
  Concatenate: ['axis'],
  Resizing: [...IMAGE, 'height', 'width', 'interpolation', 'crop_to_aspect_ratio', 'pad_to_aspect_ratio', 'fill_mode', 'fill_value', 'antialias'],
  CenterCrop: [...IMAGE, 'height', 'width'],
  RandomCrop: [...RANDOM, 'height', 'width'],
  RandomFlip: [...RANDOM, 'mode'],
  RandomRotation: [...AFFINE, 'factor', 'value_range'],
  RandomZoom: [...AFFINE, 'height_factor', 'width_factor'],
  RandomTranslation: [...AFFINE, 'height_factor', 'width_factor'],
  RandomContrast: [...RANDOM, 'factor', 'value_range'],
  RandomBrightness: [...RANDOM, 'factor', 'value_range'],
  Normalization: ['axis', 'mean', 'variance', 'invert'],
};

const ACCEPTED = new Map(Object.entries(OWN).map(([name, keys]) => [name, new Set([...BASE, ...keys])]));

/**
 * Keys Keras accepts that change what the layer computes, where Fovea's layer has only the
 * default: accepted at that value (files always write them), refused otherwise.
 */
const DEFAULT_ONLY: Record<string, Record<string, readonly unknown[]>> = {
  Conv2DTranspose: { groups: [1] },
  DepthwiseConv2D: { groups: [1] },
  SeparableConv2D: { groups: [1] },
  BatchNormalization: { renorm: [false], virtual_batch_size: [null], adjustment: [null] },
  Dense: { quantization_config: [null] },
  Resizing: { antialias: [false], fill_mode: ['constant'] },
};

/** The canonical snake_case spelling of a key written either way. */
function canonical(key: string): string {
  return toSnakeKey(toCamelKey(key));
}

/** Edit distance, for the "did you mean" hint (keys are short). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length];
}

function closest(key: string, accepted: ReadonlySet<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of accepted) {
    const d = distance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Whether Fovea checks the keys of this layer class (a Keras class or one of Fovea's own). */
export function checksKeysOf(className: string): boolean {
  return ACCEPTED.has(className);
}

/**
 * Throws a ModelFormatError naming the key and the layer when `config` (as the file wrote it) has
 * a key the Keras class does not accept, or a default-only key at another value.
 */
export function checkLayerKeys(className: string, config: Record<string, unknown>, where: string, file: string): void {
  const accepted = ACCEPTED.get(className);
  if (accepted === undefined) return;
  for (const [key, value] of Object.entries(config)) {
    const name = canonical(key);
    if (!accepted.has(name)) {
      const hint = closest(name, accepted);
      const own = OWN[className].join(', ') || 'none';
      throw new ModelFormatError(file, `${where}: unknown config key '${key}'${hint === null ? '' : ` (did you mean '${hint}'?)`}; ` +
        `Keras's ${className} takes no such argument (its own keys: ${own}; besides name, trainable, dtype and the other keys of every layer)`);
    }
    const defaults = DEFAULT_ONLY[className]?.[name];
    if (defaults !== undefined && value !== undefined && !defaults.includes(value)) {
      throw new ModelFormatError(file, `${where}: '${key}' = ${describeValue(value)} is not supported by Fovea's ${className} (only ${defaults.map((d) => JSON.stringify(d)).join(' or ')})`);
    }
  }
}
