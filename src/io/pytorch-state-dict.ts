/**
 * `pytorchStateDict(model)`: a Keras-style Sequential model's weights as the state dict of the
 * same network written with `torch.nn.Sequential`, the inverse of `loadPytorchWeights`:
 *   Conv2D kernel [kh, kw, in, out] (HWIO)  ->  weight [out, in, kh, kw] (OIHW)
 *   Dense  kernel [in, out]                 ->  weight [out, in]
 *   Dense after Flatten of a [H, W, C] map: rows reordered from H,W,C to PyTorch's C,H,W.
 * Module indices are those of the `nn.Sequential` a PyTorch user writes: each layer is one module,
 * and a layer's activation (other than 'linear') is one more module after it (`nn.ReLU()`), except
 * a softmax on the last layer, which PyTorch leaves to the loss (`nn.CrossEntropyLoss`). So the
 * Keras course CNN gives `0.weight` (conv), `3.weight`, `6.weight`, `9.weight` (linear), `11.weight`.
 * Pass `mapping` (layer name -> module prefix) for other module names.
 *
 * Example: `writeFileSync('cnn.pt', writeTorchFile(pytorchStateDict(model)))`, then in Python
 * `net.load_state_dict(torch.load('cnn.pt', weights_only=True))`.
 */
import type { Layer } from '../layers/layer.js';
import { tensor } from '../ops/create.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import { flattenedMap, layerInputShapes, type LayeredModel } from './pytorch-weights.js';

/** The module prefix of each layer with weights, counting activation modules as PyTorch does. */
function defaultPrefixes(layers: readonly Layer[]): Map<Layer, string> {
  const out = new Map<Layer, string>();
  let index = 0;
  layers.forEach((layer, i) => {
    out.set(layer, String(index));
    const activation = layer.getConfig()['activation'];
    const last = i === layers.length - 1;
    const hasModule = typeof activation === 'string' && activation !== 'linear' && !(last && activation === 'softmax');
    index += hasModule ? 2 : 1;
  });
  return out;
}

function torchKernel(layer: Layer, kernel: Tensor, map: [number, number, number] | null): Tensor {
  if (layer.className === 'Conv2D') return transpose(kernel, [3, 2, 0, 1]);
  if (layer.className !== 'Dense') throw new Error(`pytorchStateDict: layer '${layer.name}' (${layer.className}) has weights but no PyTorch conversion (supported: Conv2D, Dense)`);
  if (map === null) return transpose(kernel, [1, 0]);
  const [h, w, c] = map;
  const out = kernel.shape[1];
  return reshape(transpose(reshape(kernel, [h, w, c, out]), [3, 2, 0, 1]), [out, c * h * w]);
}

/** The model's weights under PyTorch's names and layouts, in module order. */
export function pytorchStateDict(model: LayeredModel, mapping?: Record<string, string>): Map<string, Tensor> {
  const inputs = layerInputShapes(model);
  const prefixes = defaultPrefixes(model.layers);
  const dict = new Map<string, Tensor>();
  model.layers.forEach((layer, index) => {
    if (layer.weights.length === 0) return;
    const prefix = mapping === undefined ? prefixes.get(layer) : mapping[layer.name];
    if (prefix === undefined) throw new Error(`pytorchStateDict: mapping has no entry for layer '${layer.name}'`);
    for (const variable of layer.weights) {
      const suffix = variable.name.slice(variable.name.lastIndexOf('/') + 1);
      const value = tensor(Float32Array.from(variable.dataSync()), variable.shape, 'float32');
      const converted = suffix === 'kernel' ? torchKernel(layer, value, flattenedMap(index, model.layers, inputs)) : value;
      const key = `${prefix}.${suffix === 'kernel' ? 'weight' : suffix}`;
      if (dict.has(key)) throw new Error(`pytorchStateDict: two weights map to '${key}'; pass a mapping`);
      dict.set(key, tensor(converted.dataSync(), converted.shape, 'float32'));
    }
  });
  return dict;
}
