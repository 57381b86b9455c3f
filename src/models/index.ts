/** Keras-style models. */
export { Sequential } from './sequential.js';
export type { SequentialOptions, CompileOptions, EvaluateOptions } from './sequential.js';
export type { FitOptions } from './fit-loop.js';
export { mnistCnn } from './mnist-cnn.js';
export { formatSummary, withThousands, shapeAsTuple } from './summary.js';
