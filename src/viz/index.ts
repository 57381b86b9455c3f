/** Pictures of a CNN as RGBA pixel buffers (browser-safe); `writePng` in fovea's Node build saves them. */
export { Canvas, textWidth } from './canvas.js';
export type { RgbaImage, Rgb } from './canvas.js';
export { diverging, sequential, grey } from './colormap.js';
export { filterGrid, featureGrid } from './grids.js';
export type { FilterGridOptions, FeatureGridOptions } from './grids.js';
export { trainingCurves, parseCsvLog } from './curves.js';
export { confusionMatrix, confusionPicture } from './confusion.js';
export { convKernel, featureMaps } from './model-views.js';
export type { KernelView, FeatureView } from './model-views.js';
export { FONT_CHARACTERS } from './font.js';
