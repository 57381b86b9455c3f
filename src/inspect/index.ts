/** Tools to see inside a CNN: receptive fields, output sizes, im2col shapes, step-by-step explanations. */
export { convOutputSize } from '../tensor/shape.js';
export { receptiveField, formatReceptiveField, formatPercent } from './receptive-field.js';
export type { ReceptiveFieldRow, ReceptiveFieldTable, ReceptiveFieldOptions, ReceptiveFieldModel, WindowSpec } from './receptive-field.js';
export { im2colShape } from './im2col-shape.js';
export type { Im2colShape, Im2colOptions } from './im2col-shape.js';
export { layerTable, formatLayerTable, paramCount } from './layer-table.js';
export type { LayerRow } from './layer-table.js';
export { explainConv, explainPool, SLIDE_CONV_INPUT, SLIDE_CONV_KERNEL, SLIDE_POOL_INPUT } from './explain.js';
export type { Matrix, ConvStep, PoolStep, Explanation, PoolMode } from './explain.js';
