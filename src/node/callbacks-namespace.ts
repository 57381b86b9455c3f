/**
 * The `callbacks` namespace of `import 'fovea'` in Node: the core's callbacks (browser-safe) and
 * the ones that write files, so `callbacks.ModelCheckpoint` works as `keras.callbacks.ModelCheckpoint`
 * does. The browser build's `callbacks` (from index.ts) has only the core's.
 */
export * from '../callbacks/index.js';
export * from './callbacks/index.js';
