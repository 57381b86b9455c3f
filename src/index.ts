/**
 * Fovea's public API (browser-safe core). Node-only helpers (MNIST files, terminal progress bar)
 * are added by `node.ts`, which is what `import 'fovea'` resolves to in Node.
 */

export * as ops from './ops/index.js';
export * from './ops/index.js';
export { Tensor } from './tensor/tensor.js';
export { Variable } from './tensor/variable.js';
export { Random } from './tensor/random.js';
export type { DType, DataArray } from './tensor/dtype.js';
export { convOutputSize, samePadding } from './tensor/shape.js';
export type { Shape } from './tensor/shape.js';
export { gradients, backward } from './autograd/backward.js';
export { noGrad, isGradEnabled } from './autograd/grad-mode.js';
export { engine, setBackend, getBackend, memory } from './backend/engine.js';
export type { Backend } from './backend/backend.js';
export type { KernelId, KernelSpecs } from './backend/kernels.js';
export * as layers from './layers/index.js';
export {
  Layer, Conv2D, MaxPooling2D, AveragePooling2D, MinPooling2D, Flatten, Dense, Activation, InputLayer,
  getActivation, getInitializer, layerFromConfig, registerLayer,
  input, SymbolicTensor, Conv1D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, Dropout, SpatialDropout2D,
  BatchNormalization, GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D, Cropping2D, UpSampling2D,
  Reshape, Rescaling, ReLU, LeakyReLU, PReLU, ELU, Softmax, Add, Multiply, Average, Concatenate,
  l1, l2, l1l2, L1, L2, L1L2, maxNorm, nonNeg, unitNorm, minMaxNorm, MaxNorm, NonNeg, UnitNorm, MinMaxNorm,
  Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness, Normalization,
} from './layers/index.js';
export type { LayerArgs, CallOptions, SymbolicShape, Initializer, Regularizer, Constraint, InputOptions, ActivationName, InitializerName } from './layers/index.js';
export { Sequential, Model, Trainer, mnistCnn, warmUpBackend } from './models/index.js';
export type {
  SequentialOptions, CompileOptions, EvaluateOptions, PredictOptions, FitOptions, YieldEvery, WarmUpOptions, WarmUpReport, ModelOptions, DataBatch, BatchIterable, BatchWeights, TensorArg, DataArg, ArrayData, NestedData, TypedNumbers,
} from './models/index.js';
export * as optimizers from './optimizers/index.js';
export {
  Optimizer, SGD, RMSprop, Adam, AdamW, getOptimizer, LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, CosineDecay,
} from './optimizers/index.js';
export type { BaseOptimizerOptions, ClipOptions, OptimizerName } from './optimizers/index.js';
export * as io from './io/index.js';
export {
  saveModel, loadModel, ModelFormatError, fromMemory, withSaveHandler, fromFiles, intoFiles, indexedDbHandler, downloadsHandler,
  browserFiles, readSafetensors, writeSafetensors, loadPytorchWeights, registerIORouter, readTorchFile, writeTorchFile, pytorchStateDict,
} from './io/index.js';
export type { ModelArtifacts, IOHandler, SaveResult, SaveOptions, LoadOptions, WeightSpec, ReadTorchFileOptions, TorchStateDict } from './io/index.js';
export * as losses from './losses/index.js';
export { getLoss } from './losses/index.js';
export type { LossName } from './losses/index.js';
export * as metrics from './metrics/index.js';
export { getMetric } from './metrics/index.js';
export type { MetricName } from './metrics/index.js';
export * as callbacks from './callbacks/index.js';
export { Callback, CallbackList, History, LambdaCallback, ProgbarLogger, setDefaultProgressRenderer } from './callbacks/index.js';
export type { Logs, ProgressRenderer } from './callbacks/index.js';
export { EarlyStopping, LearningRateScheduler, ReduceLROnPlateau, RemoteMonitor, TerminateOnNaN, SwapEMAWeights } from './callbacks/index.js';
export type {
  EarlyStoppingOptions, ReduceLROnPlateauOptions, RemoteMonitorOptions, Schedule, MonitorMode, TrainingModel,
} from './callbacks/index.js';
export { MovingAverages } from './optimizers/index.js';
export type { EmaOptions } from './optimizers/index.js';
export { toCategorical } from './data/to-categorical.js';
export { parseIdx } from './data/idx.js';
export { fetchMnist } from './data/fetch-mnist.js';
export type { FetchMnistOptions } from './data/fetch-mnist.js';
export type { Mnist } from './data/mnist-files.js';
export { Dataset } from './data/dataset.js';
export type { BatchOptions, ShuffleOptions, MapOptions } from './data/dataset.js';
export type { Element, Batched, Unbatched } from './data/dataset-elements.js';
export { decodeCifarRecords, parseCifarClassNames, CIFAR10_CLASS_NAMES } from './data/cifar10.js';
export { withScope, keep } from './tensor/scope.js';
export * as nn from './nn/index.js';
export { F, optim } from './nn/index.js';
export * as zoo from './zoo/index.js';
export { lenet5, LeNet5, lenet5Keras, alexnet, alexnetLayers, smallCnn, cifarVgg, cifarVggNn, resnet8, resnet8Nn, mobilenetMini, mobilenetMiniNn } from './zoo/index.js';
export type { ZooOptions, ResNet8Options, MobileNetMiniOptions } from './zoo/index.js';
export * as inspect from './inspect/index.js';
export { receptiveField, formatReceptiveField, im2colShape, explainConv, explainPool, layerTable, formatLayerTable } from './inspect/index.js';
export * as image from './image/index.js';
export { applyKernel, KERNELS, getKernel } from './image/index.js';
export * as viz from './viz/index.js';
export type { RgbaImage } from './viz/index.js';
// createWasmBackend is in 'fovea/wasm' (and the Node entry): useWasmBackendInBrowser imports it on
// first use, so the browser core does not load the wasm kernels' code at start.
export type { WasmBackend, WasmBackendOptions } from './backend/wasm/backend.js';
export { browserPlatform } from './backend/wasm/browser-platform.js';
export { type BrowserWasmOptions, useWasmBackendInBrowser, ISOLATION_HEADERS } from './backend/wasm/browser-register.js';
export { getBackendStatus } from './backend/backend-status.js';
export type { BackendStatus, KernelVariant } from './backend/backend-status.js';
export { detectFeatures } from './backend/wasm/features.js';
export type { WasmPlatform } from './backend/wasm/platform.js';
export { saveKeras, loadKeras, kerasConfig, loadLegacyH5, readHdf5, writeHdf5, h5Group, h5Dataset, KERAS_FORMAT_VERSION } from './io/keras/index.js';
export type { KerasSaveable, KerasLoadOptions, LoadedModel, H5Group, H5Dataset } from './io/keras/index.js';
export { exportOnnx, ONNX_LAYERS, ONNX_ACTIVATIONS } from './io/onnx/index.js';
export type { OnnxExportOptions } from './io/onnx/index.js';
