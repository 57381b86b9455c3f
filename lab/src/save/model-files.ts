/**
 * Saving and loading the Lab's model through Fovea's handlers: downloads (TF.js layers format:
 * NAME.json + NAME.weights.bin), IndexedDB (indexeddb://NAME), uploaded files, and ONNX export.
 * A model that does not load throws here; the caller keeps the current model.
 */
import { Sequential, browserFiles, downloadsHandler, exportOnnx, indexedDbHandler, loadModel, saveModel, type SaveResult } from 'fovea';

/** Names become file names and IndexedDB keys: keep them plain. */
export function checkedName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new Error(`Save: a model name is 1-64 letters, digits, '_', '.' or '-' (starting with a letter or digit), got ${JSON.stringify(name)}`);
  }
  return name;
}

function sequentialOnly(model: unknown, source: string): Sequential {
  if (model instanceof Sequential) return model;
  throw new Error(`Save: ${source} holds a functional model; the Lab works with Sequential models`);
}

export function downloadModel(model: Sequential, name: string): Promise<SaveResult> {
  return saveModel(model, downloadsHandler(checkedName(name)));
}

export function storeModel(model: Sequential, name: string): Promise<SaveResult> {
  return saveModel(model, indexedDbHandler(checkedName(name)));
}

export async function restoreModel(name: string): Promise<Sequential> {
  return sequentialOnly(await loadModel(indexedDbHandler(checkedName(name))), `indexeddb://${name}`);
}

/** Loads from the files the learner picked: one model.json and the weight files it names. */
export async function uploadedModel(files: readonly File[]): Promise<Sequential> {
  if (files.length === 0) throw new Error('Save: choose a model.json and its weights file(s)');
  return sequentialOnly(await loadModel(browserFiles(files)), 'the uploaded files');
}

/** Downloads the model as NAME.onnx (ONNX opset 13); returns its size in bytes. */
export async function downloadOnnx(model: Sequential, name: string): Promise<number> {
  const bytes = await exportOnnx(model);
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${checkedName(name)}.onnx`;
  link.click();
  // Revoked later: revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return bytes.byteLength;
}
