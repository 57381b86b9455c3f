/** Fovea for Node: the core plus what needs the file system or a terminal. */
export * from './index.js';
export { loadMnist } from './data/mnist.js';
export type { Mnist, MnistOptions } from './data/mnist.js';
export { useTerminalProgressBar } from './node/progress-bar.js';
