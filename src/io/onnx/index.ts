/** ONNX export of Sequential and functional models. */
export { exportOnnx } from './onnx-export.js';
export type { OnnxExportOptions, OnnxExportable } from './onnx-export.js';
export { ONNX_LAYERS } from './onnx-layers.js';
export { ONNX_ACTIVATIONS } from './onnx-activations.js';
