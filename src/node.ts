// The Node entry's declarations name Node's types (Buffer, streams); this makes a consumer's compiler load
// @types/node for them even where `types` lists nothing (TypeScript 6+ default). The core (index.ts) has none.
/// <reference types="node" preserve="true" />
/** Fovea for Node: the core plus what needs the file system or a terminal. */
// Lets the wasm heap reclaim unreachable tensors when it would otherwise grow (tensor/reclamation.ts).
import './node/install-collector.js';
import { registerWasmBackend } from './node/wasm/register.js';
// The fast backend is the default in Node wherever it loads; it falls back to 'ref' with a notice.
registerWasmBackend();

export * from './index.js';
// Shadows the core's `callbacks` namespace (an explicit export wins over `export *`) with one that adds the Node-only callbacks.
export * as callbacks from './node/callbacks-namespace.js';
export { registerWasmBackend, createNodeWasmBackend, defaultThreads } from './node/wasm/register.js';
export { createWasmBackend } from './backend/wasm/backend.js';
export { compileKernels } from './backend/wasm/loader.js';
export type { RegisterWasmOptions } from './node/wasm/register.js';
export { loadMnist } from './data/mnist.js';
export type { Mnist, MnistOptions } from './data/mnist.js';
export { imageDatasetFromDirectory } from './node/data/image-dataset.js';
export type { ImageDataset, ImageDatasetOptions, LabelMode } from './node/data/image-dataset.js';
export type { ColorMode } from './node/data/decode-image.js';
export { ImageFileError } from './node/data/image-file.js';
export { loadIdxDataset } from './node/idx-dataset.js';
export type { IdxDataset, IdxDatasetOptions } from './node/idx-dataset.js';
export { loadCifar10 } from './node/cifar10.js';
export type { Cifar10, Cifar10Options } from './node/cifar10.js';
export { useTerminalProgressBar } from './node/progress-bar.js';
export { fileSystem, writeFileAtomic, writeFileAtomicSync } from './node/io/index.js';
export { readImage, writePng, encodePng, decodePng, imageToRgba } from './node/image-io.js';
export { writeChart, chartFormatOf } from './node/chart-file.js';
export type { ChartFormat, WriteChartOptions } from './node/chart-file.js';
export { svgToPng } from './node/svg-png.js';
export type { SvgToPngOptions } from './node/svg-png.js';
export { loadModelFile, saveModelFile, saveOnnx, formatOf, loadTorchFile, saveTorchFile } from './node/io/index.js';
export { ModelCheckpoint, BackupAndRestore, CSVLogger, TensorBoard, EventFileWriter, BACKUP_FILE } from './node/callbacks/index.js';
export type { ModelCheckpointOptions, BackupAndRestoreOptions, CSVLoggerOptions, TensorBoardOptions } from './node/callbacks/index.js';
