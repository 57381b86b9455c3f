/** ONNX export of Sequential and functional models. */
import type { OnnxExportable, OnnxExportOptions } from './onnx-export.js';

export type { OnnxExportOptions, OnnxExportable } from './onnx-export.js';
export { ONNX_LAYERS, ONNX_ACTIVATIONS } from './onnx-support.js';

/**
 * The ONNX ModelProto bytes of a built Sequential or functional model (onnx-export.ts). The
 * exporter, protobufjs with it (~30 kB gzipped), is imported on the first call, so a browser bundle
 * that never exports does not load it.
 */
export async function exportOnnx(model: OnnxExportable, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  const exporter = await import('./onnx-export.js');
  return exporter.exportOnnx(model, options);
}
