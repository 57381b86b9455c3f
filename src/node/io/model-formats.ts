/**
 * Model files on disk by format, chosen from the path: a folder or `.json` is the TensorFlow.js
 * layers format, `.keras` a Keras 3 archive, `.h5` a legacy Keras 2 model (read only), `.onnx`
 * ONNX (write only), `.safetensors` the weights alone (named `<layer>/<weight>`; reading needs the
 * architecture from another model file), `.pt`/`.pth` a PyTorch state dict (torch.save's zip
 * format; PyTorch names and layouts, for Sequential models; reading needs the architecture).
 * Files are read with a size cap and written atomically.
 *
 * Example:
 *   const model = await loadModelFile('mnist.keras');
 *   await saveModelFile(model, 'mnist.onnx');
 */
import { extname } from 'node:path';
import { loadKeras, saveKeras } from '../../io/keras/keras-file.js';
import { loadLegacyH5 } from '../../io/keras/legacy-h5.js';
import type { LoadedModel } from '../../io/keras/model-from-config.js';
import { ModelFormatError } from '../../io/model-format-error.js';
import { loadModel, saveModel } from '../../io/model-io.js';
import { exportOnnx, type OnnxExportOptions } from '../../io/onnx/onnx-export.js';
import { loadPytorchWeights } from '../../io/pytorch-weights.js';
import { pytorchStateDict } from '../../io/pytorch-state-dict.js';
import { entryValues, readSafetensors, writeSafetensors } from '../../io/safetensors.js';
import { readTorchFile } from '../../io/torch/read-torch-file.js';
import { writeTorchFile } from '../../io/torch/write-torch-file.js';
import { Sequential } from '../../models/sequential.js';
import { tensor } from '../../ops/create.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { writeFileAtomic } from './atomic-write.js';
import './file-system.js';
import { readModelFile } from './read-model-file.js';

export type ModelFormat = 'tfjs' | 'keras' | 'h5' | 'onnx' | 'safetensors' | 'torch';

export const FORMAT_NAMES: Record<ModelFormat, string> = {
  tfjs: 'TensorFlow.js layers model (folder or model.json)',
  keras: 'Keras 3 archive (.keras)',
  h5: 'legacy Keras 2 model (.h5, read only)',
  onnx: 'ONNX (.onnx, write only)',
  safetensors: 'weights only (.safetensors)',
  torch: 'PyTorch state dict (.pt, .pth; weights only, PyTorch names)',
};

/** Largest model file read into memory (2 GiB). */
const MAX_FILE_BYTES = 2 ** 31;

export function formatOf(path: string): ModelFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.keras') return 'keras';
  if (ext === '.h5' || ext === '.hdf5') return 'h5';
  if (ext === '.onnx') return 'onnx';
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.pt' || ext === '.pth') return 'torch';
  if (ext === '' || ext === '.json') return 'tfjs';
  throw new Error(`unknown model format for '${path}'; use one of: ${Object.values(FORMAT_NAMES).join('; ')}`);
}

/** A whole model file: a regular file (no FIFO or device), at most MAX_FILE_BYTES actually read. */
function readCapped(path: string): Promise<Uint8Array> {
  return readModelFile(path, { maxBytes: MAX_FILE_BYTES, why: 'a model file may have' });
}

export interface LoadModelFileOptions {
  /** For weights-only files (.safetensors, .pt): the model file, or the model itself, the weights go into. */
  architecture?: string | LoadedModel;
}

async function architectureFor(path: string, architecture: string | LoadedModel | undefined): Promise<LoadedModel> {
  if (architecture === undefined) throw new Error(`${path}: a ${extname(path)} file holds weights only; give the model architecture (another model file, or a built-in model)`);
  return typeof architecture === 'string' ? loadModelFile(architecture) : architecture;
}

/** A model from a file in any readable format (`architecture` supplies the layers for weights-only files). */
export async function loadModelFile(path: string, options: LoadModelFileOptions = {}): Promise<LoadedModel> {
  const format = formatOf(path);
  switch (format) {
    case 'tfjs': return loadModel(path);
    case 'keras': return loadKeras(await readCapped(path), path);
    case 'h5': return loadLegacyH5(await readCapped(path), path);
    case 'onnx': throw new Error(`${path}: ONNX files cannot be loaded (Fovea exports ONNX; it does not import it)`);
    case 'safetensors': {
      const model = await architectureFor(path, options.architecture);
      loadSafetensorsInto(model, await readCapped(path), path);
      return model;
    }
    case 'torch': {
      const model = await architectureFor(path, options.architecture);
      if (!(model instanceof Sequential)) throw new Error(`${path}: PyTorch weights load into Sequential models only; model "${model.name}" is functional`);
      loadPytorchWeights(model, readTorchFile(await readCapped(path), { file: path }));
      return model;
    }
  }
}

/** Weights named `<layer>/<weight>` (as Fovea writes them), or PyTorch names (`0.weight`, with layout conversion). */
export function loadSafetensorsInto(model: LoadedModel, bytes: Uint8Array, file: string): void {
  const parsed = readSafetensors(bytes, file);
  const names = [...parsed.tensors.keys()];
  if (names.some((n) => n.endsWith('.weight'))) {
    if (!(model instanceof Sequential)) throw new Error(`${file}: PyTorch weights load into Sequential models only`);
    loadPytorchWeights(model, bytes);
    return;
  }
  const weights = model.weights;
  const pairs = weights.map((w) => {
    const entry = parsed.tensors.get(w.name);
    if (entry === undefined) throw new ModelFormatError(file, `weight '${w.name}' ${shapeToString(w.shape)} is missing (the file has ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''})`);
    if (!shapesEqual(entry.shape, w.shape)) throw new ModelFormatError(file, `weight '${w.name}' expects shape ${shapeToString(w.shape)}, the file has ${shapeToString(entry.shape)}`);
    const { dtype, values } = entryValues(entry, file);
    if (dtype !== 'float32') throw new ModelFormatError(file, `weight '${w.name}' is ${entry.dtype}, expected a float type`);
    return { w, values };
  });
  if (names.length !== weights.length) throw new ModelFormatError(file, `the file has ${names.length} tensors, the model ${weights.length} weights`);
  for (const { w, values } of pairs) w.assign(tensor(values, w.shape, 'float32'));
}

/** Writes `model` in the format its path names. */
export async function saveModelFile(model: LoadedModel, path: string, options: OnnxExportOptions = {}): Promise<void> {
  const format = formatOf(path);
  switch (format) {
    case 'tfjs':
      await saveModel(model, path);
      return;
    case 'keras': return writeFileAtomic(path, await saveKeras(model));
    case 'onnx': return writeFileAtomic(path, await exportOnnx(model, options));
    case 'safetensors':
      return writeFileAtomic(path, writeSafetensors(new Map(model.weights.map((w) => [w.name, { dtype: 'float32' as const, shape: w.shape, values: Float32Array.from(w.dataSync()) }])), { format: 'fovea' }));
    case 'torch':
      if (!(model instanceof Sequential)) throw new Error(`${path}: PyTorch state dicts are written for Sequential models only; model "${model.name}" is functional`);
      return writeFileAtomic(path, writeTorchFile(pytorchStateDict(model)));
    case 'h5': throw new Error(`${path}: legacy .h5 files are read only; write a .keras archive instead`);
  }
}

/** Writes the ONNX export of `model` to `path` atomically. */
export async function saveOnnx(model: LoadedModel, path: string, options: OnnxExportOptions = {}): Promise<void> {
  await writeFileAtomic(path, await exportOnnx(model, options));
}
