/** Reading a layer's weights for export: by their Keras name suffix ('kernel', 'moving_mean', ...). */
import type { Layer } from '../../layers/layer.js';
import type { Variable } from '../../tensor/variable.js';

export function weightOf(layer: Layer, suffix: string): Variable | undefined {
  return layer.weights.find((w) => w.name.endsWith(`/${suffix}`));
}

export function requireWeight(layer: Layer, suffix: string): Variable {
  const w = weightOf(layer, suffix);
  if (w === undefined) throw new Error(`exportOnnx: layer '${layer.name}' (${layer.className}) has no weight '${suffix}'; is it built?`);
  return w;
}

/** The weight's values as a float32 copy, safe to permute or scale without touching the variable. */
export function weightValues(w: Variable): Float32Array {
  return Float32Array.from(w.dataSync());
}
