/** Fovea for Node: the core plus what needs the file system or a terminal. */
export * from './index.js';
