/**
 * Model I/O (browser-safe): save/load through handlers, the TensorFlow.js layers format,
 * safetensors, PyTorch weights. File paths are added by the Node entry (src/node/io).
 */
export { saveModel, loadModel } from './model-io.js';
export type { SaveOptions } from './model-io.js';
export { modelToArtifacts } from './model-artifacts.js';
export { artifactsToModel } from './artifacts-to-model.js';
export type { SaveableModel, ArtifactOptions } from './model-artifacts.js';
export type { LoadOptions } from './artifacts-to-model.js';
export { ModelFormatError } from './model-format-error.js';
export { registerIORouter, resolveHandler } from './router.js';
export type { IORouter } from './router.js';
export { fromMemory, withSaveHandler, fromFiles, intoFiles } from './memory-handlers.js';
export { artifactsToFiles, filesToArtifacts, DEFAULT_SHARD_BYTES } from './layers-format.js';
export type { ModelFiles, ShardReader, ToFilesOptions } from './layers-format.js';
export { indexedDbHandler } from './browser/indexeddb.js';
export type { IdbFactoryLike } from './browser/indexeddb.js';
export { downloadsHandler, browserFiles, browserDownloadSink } from './browser/downloads.js';
export type { DownloadFile, DownloadSink, FileLike } from './browser/downloads.js';
export { readSafetensors, writeSafetensors, entryValues } from './safetensors.js';
export type { SafetensorsEntry, SafetensorsFile, SafetensorsInput } from './safetensors.js';
export { loadPytorchWeights } from './pytorch-weights.js';
export type { StateDictLike, StateDictValue } from './pytorch-weights.js';
export { pytorchStateDict } from './pytorch-state-dict.js';
export { readTorchFile } from './torch/read-torch-file.js';
export type { ReadTorchFileOptions, TorchStateDict } from './torch/read-torch-file.js';
export { writeTorchFile } from './torch/write-torch-file.js';
export type { WritableStateDict } from './torch/write-torch-file.js';
export type {
  ModelArtifacts, IOHandler, SaveResult, WeightSpec, WeightsManifestGroup, WeightDType, WeightGroup,
  Quantization, QuantizedDType, HandlerSaveOptions,
} from './types.js';
