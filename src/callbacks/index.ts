/** Training callbacks: the Keras hooks, the list `fit` drives, History, progress and lambdas. */
export { Callback } from './callback.js';
export type { CallbackModel, Logs, TrainingParams } from './callback.js';
export { CallbackList } from './callback-list.js';
export { History } from './history.js';
export { LambdaCallback } from './lambda-callback.js';
export type { LambdaCallbackOptions } from './lambda-callback.js';
export { ProgbarLogger } from './progbar-logger.js';
export type { ProgbarLoggerOptions } from './progbar-logger.js';
export { LineProgressRenderer, setDefaultProgressRenderer, createDefaultProgressRenderer } from './progress-renderer.js';
export type { ProgressRenderer } from './progress-renderer.js';
export { progressBar, formatValue, formatLogs, formatEta, formatPerUnit, formatRate } from './progress-format.js';
