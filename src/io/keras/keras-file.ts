/**
 * Keras 3 `.keras` archives: a zip of `metadata.json` ({ keras_version, date_saved }),
 * `config.json` (the model in Keras 3's config dialect) and `model.weights.h5` (see
 * keras3-weights.ts). Saving a Fovea model gives a file Keras 3 loads with
 * `keras.saving.load_model`; loading checks the archive, the config and every weight before any
 * value reaches the model.
 *
 * Example:
 *   const bytes = await saveKeras(model);            // Uint8Array of the .keras file
 *   const again = await loadKeras(bytes, 'mnist.keras');
 */
import { Sequential } from '../../models/sequential.js';
import { describeValue, encodeJson, isRecord, parseJsonBytes } from '../bytes.js';
import { ModelFormatError } from '../model-format-error.js';
import { readHdf5, writeHdf5 } from './hdf5.js';
import { functionalConfig, isFunctional, sequentialConfig, type FunctionalLike, type SequentialLike } from './keras3-config.js';
import { assignWeights, weightsTree } from './keras3-weights.js';
import { type LoadedModel, modelFromKerasConfig } from './model-from-config.js';
import { openZip, writeZip, type ZipLimits } from './zip-archive.js';

/** The Keras release whose format these files follow (written to metadata.json). */
export const KERAS_FORMAT_VERSION = '3.5.0';
export const KERAS_MEMBERS = ['metadata.json', 'config.json', 'model.weights.h5'] as const;

export type KerasSaveable = SequentialLike | FunctionalLike;

/** Keras's `%Y-%m-%d@%H:%M:%S`. */
function dateSaved(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}@${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** The Keras 3 config.json object of a model. */
export function kerasConfig(model: KerasSaveable): Record<string, unknown> {
  if (isFunctional(model)) return functionalConfig(model);
  if (!(model instanceof Sequential) && model.className !== 'Sequential') throw new Error(`saveKeras: model "${model.name}" (${model.className}) is neither Sequential nor functional`);
  if (!(model as Sequential).built) throw new Error(`saveKeras: model "${model.name}" is not built; give it an input shape first`);
  return sequentialConfig(model as SequentialLike);
}

/** The bytes of a `.keras` file for `model`. */
export async function saveKeras(model: KerasSaveable, options: { date?: Date } = {}): Promise<Uint8Array> {
  const date = options.date ?? new Date();
  const config = kerasConfig(model);
  const weights = await writeHdf5(weightsTree(model.layers));
  return writeZip([
    ['metadata.json', encodeJson({ keras_version: KERAS_FORMAT_VERSION, date_saved: dateSaved(date) })],
    ['config.json', encodeJson(config)],
    ['model.weights.h5', weights],
  ], date);
}

export interface KerasLoadOptions extends ZipLimits {}

/** Keras writes metadata.json as two short strings; config.json is a few MB even for deep models. */
export const METADATA_MAX_BYTES = 1 << 20;
export const CONFIG_MAX_BYTES = 16 << 20;
/** What model.weights.h5 may hold beyond the model's own values: HDF5 headers, groups, names. */
const H5_FIXED_OVERHEAD = 1 << 20;
const H5_PER_LAYER_OVERHEAD = 64 << 10;
/** Keras also stores optimizer slots there: at most three per weight (Adam with amsgrad). */
const H5_COPIES_PER_WEIGHT = 4;

function checkMetadata(bytes: Uint8Array, file: string): void {
  const meta = parseJsonBytes(bytes, `${file} (metadata.json)`, METADATA_MAX_BYTES);
  if (!isRecord(meta) || typeof meta.keras_version !== 'string') throw new ModelFormatError(file, `metadata.json must be an object with a string keras_version, got ${describeValue(meta)}`);
  const major = Number(meta.keras_version.split('.')[0]);
  if (Number.isFinite(major) && major < 3) throw new ModelFormatError(file, `metadata.json says keras_version ${meta.keras_version}; .keras archives are a Keras 3 format`);
}

/**
 * The most bytes model.weights.h5 can need for `model`: its float32 values (with room for the
 * optimizer's slots) plus HDF5 structure per layer. The weights file is inflated no further.
 */
export function weightsFileCap(model: LoadedModel): { maxBytes: number; why: string } {
  const values = model.weights.reduce((n, w) => n + w.size, 0);
  const maxBytes = H5_COPIES_PER_WEIGHT * 4 * values + H5_FIXED_OVERHEAD + H5_PER_LAYER_OVERHEAD * model.layers.length;
  return { maxBytes, why: `the config's ${model.layers.length} layers and ${values} weight values can need (zip bomb?)` };
}

/**
 * A model from the bytes of a `.keras` file. Nothing is inflated beyond what it may hold: the
 * metadata and config under small fixed caps, then the model is built from the config (its
 * weights limited by the declared size of the weights file), and only then is model.weights.h5
 * inflated, capped by what those weights can take.
 */
export async function loadKeras(bytes: Uint8Array, file = 'model.keras', options: KerasLoadOptions = {}): Promise<LoadedModel> {
  const zip = openZip(bytes, file, options);
  for (const name of KERAS_MEMBERS) if (!zip.names.includes(name)) throw new ModelFormatError(file, `the archive has no '${name}' (members: ${zip.names.join(', ') || 'none'})`);
  checkMetadata(zip.read('metadata.json', { maxBytes: METADATA_MAX_BYTES, why: 'a metadata.json may have' }), file);
  const config = parseJsonBytes(zip.read('config.json', { maxBytes: CONFIG_MAX_BYTES, why: 'a config.json may have' }), `${file} (config.json)`, CONFIG_MAX_BYTES);
  // A float32 value takes 4 bytes of the weights file, so its declared size bounds what the build may allocate.
  const model = modelFromKerasConfig(config, Math.floor(zip.declaredSize('model.weights.h5') / 4), `${file} (config.json)`);
  const tree = await readHdf5(zip.read('model.weights.h5', weightsFileCap(model)), `${file} (model.weights.h5)`, { attributes: false });
  assignWeights(model.layers, tree, `${file} (model.weights.h5)`);
  return model;
}
