/** The preprocessing and augmentation layers (Keras 3 names). */
export { Resizing } from './resizing.js';
export type { ResizingOptions } from './resizing.js';
export { CenterCrop } from './center-crop.js';
export { RandomCrop } from './random-crop.js';
export { RandomFlip } from './random-flip.js';
export type { FlipMode } from './random-flip.js';
export { RandomRotation } from './random-rotation.js';
export { RandomZoom } from './random-zoom.js';
export type { RandomZoomOptions } from './random-zoom.js';
export { RandomTranslation } from './random-translation.js';
export type { RandomAffineOptions } from './random-affine.js';
export { RandomContrast } from './random-contrast.js';
export type { ValueRangeOptions } from './random-contrast.js';
export { RandomBrightness } from './random-brightness.js';
export { Normalization } from './normalization.js';
export type { NormalizationOptions } from './normalization.js';
export type { ImageLayerArgs } from './image-layer.js';
export type { Factor } from './factors.js';
