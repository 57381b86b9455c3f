/**
 * Every layer's output for one image: the image runs through the Sequential's layers one at a
 * time (inference mode, no gradients), so each intermediate result is whole and can be shown.
 */
import { type Sequential, type Tensor, noGrad } from 'fovea';

export interface LayerOutput {
  name: string;
  className: string;
  /** One sample's output, batch axis dropped. */
  shape: number[];
  values: Float32Array;
}

export function layerOutputs(model: Sequential, x: Tensor): LayerOutput[] {
  if (x.shape[0] !== 1) throw new Error(`layerOutputs: expected one image [1, H, W, C], got shape [${x.shape.join(', ')}]`);
  const outputs: LayerOutput[] = [];
  noGrad(() => {
    let h = x;
    for (const layer of model.layers) {
      h = layer.apply(h);
      outputs.push({ name: layer.name, className: layer.className, shape: h.shape.slice(1), values: Float32Array.from(h.dataSync() as ArrayLike<number>) });
    }
  });
  return outputs;
}
