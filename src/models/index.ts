/** Keras-style models: Sequential and the functional Model share one training API (Trainer). */
export { Sequential } from './sequential.js';
export type { SequentialOptions } from './sequential.js';
export { Model } from './functional.js';
export type { ModelOptions } from './functional.js';
export { Trainer } from './trainer.js';
export type { EvaluateOptions, PredictOptions, BatchWeights } from './trainer.js';
export type { CompileOptions } from './compile.js';
export type { FitOptions } from './fit-loop.js';
export type { YieldEvery } from './event-loop-yield.js';
export type { DataBatch, BatchIterable } from './batch-sources.js';
export type { DataArg, TensorArg } from './data-set.js';
export type { ArrayData, NestedData, TypedNumbers } from './array-data.js';
export { mnistCnn } from './mnist-cnn.js';
export { warmUpBackend } from './warm-up.js';
export type { WarmUpOptions, WarmUpReport } from './warm-up.js';
export { formatSummary, withThousands, shapeAsTuple } from './summary.js';
