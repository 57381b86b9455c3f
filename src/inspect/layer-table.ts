/**
 * A Keras-style summary of layers computed from shapes alone: output shapes from each layer's
 * `computeOutputShape`, parameter counts from its configuration. Nothing is built or allocated,
 * so even AlexNet's 62 million weights are counted in microseconds.
 */
import { Activation } from '../layers/activation.js';
import { BasePooling2D } from '../layers/base-pooling2d.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { shapeAsTuple, withThousands } from '../models/summary.js';

export interface LayerRow {
  name: string;
  className: string;
  outputShape: SymbolicShape;
  params: number;
}

/** Weights `layer` has (or will have once built) for inputs of `inputShape`. */
export function paramCount(layer: Layer, inputShape: SymbolicShape): number {
  if (layer.built) return layer.countParams();
  if (layer instanceof Conv2D) {
    const channels = (layer.dataFormat === 'channelsLast' ? inputShape[3] : inputShape[1]) as number;
    const [kh, kw] = layer.kernelSize;
    return kh * kw * (channels / layer.groups) * layer.filters + (layer.useBias ? layer.filters : 0);
  }
  if (layer instanceof Dense) return (inputShape[1] as number) * layer.units + (layer.useBias ? layer.units : 0);
  if (layer instanceof BasePooling2D || layer instanceof Flatten || layer instanceof Activation) return 0;
  throw new Error(`paramCount: cannot count the weights of unbuilt layer "${layer.name}" (${layer.className}) from its configuration; build it first`);
}

/** Rows for `layers` fed inputs of one sample of `sampleShape` (no batch axis). */
export function layerTable(layers: readonly Layer[], sampleShape: readonly number[]): LayerRow[] {
  let shape: SymbolicShape = [null, ...sampleShape];
  return layers.map((layer) => {
    const params = paramCount(layer, shape);
    shape = layer.computeOutputShape(shape);
    return { name: layer.name, className: layer.className, outputShape: shape, params };
  });
}

/** The Keras summary layout for `layerTable` rows (all weights count as trainable). */
export function formatLayerTable(modelName: string, rows: readonly LayerRow[]): string {
  const cells = rows.map((r) => [`${r.name} (${r.className})`, shapeAsTuple(r.outputShape), withThousands(r.params)]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)) + 4);
  const line = (r: string[]) => ` ${r.map((cell, c) => cell.padEnd(widths[c])).join('')}`.trimEnd();
  const width = widths.reduce((a, b) => a + b, 1);
  const total = rows.reduce((n, r) => n + r.params, 0);
  return [
    `Model: "${modelName}"`, '_'.repeat(width), line(header), '='.repeat(width), ...cells.map(line), '='.repeat(width),
    `Total params: ${withThousands(total)}`, `Trainable params: ${withThousands(total)}`, 'Non-trainable params: 0', '_'.repeat(width),
  ].join('\n');
}
