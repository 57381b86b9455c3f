/**
 * Pictures of a CNN as SVG text (browser-safe; Vega lays out the charts): filter and feature-map
 * grids, training curves and a confusion matrix. `writeChart` in fovea's Node build saves them
 * as SVG or PNG.
 */
export type { RgbaImage } from './rgba-image.js';
export type { Rgb } from './colormap.js';
export { diverging, sequential, grey } from './colormap.js';
export { encodePngBytes, pngDataUrl } from './png-encode.js';
export { filterGrid, featureGrid, filterGridSpec, featureGridSpec } from './grids.js';
export type { FilterGridOptions, FeatureGridOptions } from './grids.js';
export { trainingCurves, trainingCurvesSpec, parseCsvLog } from './curves.js';
export { confusionMatrix, confusionPicture, confusionSpec } from './confusion.js';
export type { ConfusionOptions } from './confusion.js';
export { renderSvg } from './vega-svg.js';
export type { ChartSpec } from './vega-svg.js';
export { convKernel, featureMaps } from './model-views.js';
export type { KernelView, FeatureView } from './model-views.js';
