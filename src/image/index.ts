/** Classic image kernels (Sobel, Laplacian, blurs, line detectors ...) and applying them with conv2d. */
export { KERNELS, KERNEL_NAMES, getKernel } from './kernels.js';
export type { KernelName, NamedKernel, OutputMode } from './kernels.js';
export { applyKernel, toPixelRange } from './filter.js';
export type { FilterOptions } from './filter.js';
export { createImage, toGrey } from './image.js';
export type { Image } from './image.js';
export { resizeImage, resizeBilinear, resizeNearest, cropImage, cropToAspectRatio, padToAspectRatio } from './resize.js';
export type { Interpolation, ResizeOptions } from './resize.js';
