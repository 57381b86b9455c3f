/**
 * The `summary()` table, laid out like Keras's:
 *
 *   Model: "sequential"
 *   ______________________________________________________________________
 *    Layer (type)                   Output Shape              Param #
 *   ======================================================================
 *    conv2d (Conv2D)                (None, 26, 26, 32)        320
 *   ...
 *   Total params: 93,322
 */
import type { Layer, SymbolicShape } from '../layers/layer.js';

export interface SummaryRow {
  layer: Layer;
  outputShape: SymbolicShape;
}

/** 93322 -> '93,322'. */
export function withThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras prints shapes as Python tuples: (None, 26, 26, 32); a rank-1 shape keeps its comma. */
export function shapeAsTuple(shape: SymbolicShape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

const sumSizes = (layers: readonly Layer[], pick: (l: Layer) => { size: number }[]): number =>
  layers.reduce((n, l) => n + pick(l).reduce((m, w) => m + w.size, 0), 0);

export function formatSummary(modelName: string, rows: readonly SummaryRow[]): string {
  const cells = rows.map(({ layer, outputShape }) => [`${layer.name} (${layer.className})`, shapeAsTuple(outputShape), withThousands(layer.countParams())]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)) + 4);
  const line = (r: string[]): string => ` ${r.map((cell, c) => cell.padEnd(widths[c])).join('')}`.trimEnd();
  const total = widths.reduce((a, b) => a + b, 1);
  const layers = rows.map((r) => r.layer);
  const trainable = sumSizes(layers, (l) => l.trainableWeights);
  const nonTrainable = sumSizes(layers, (l) => l.nonTrainableWeights);
  return [
    `Model: "${modelName}"`,
    '_'.repeat(total),
    line(header),
    '='.repeat(total),
    ...cells.map(line),
    '='.repeat(total),
    `Total params: ${withThousands(trainable + nonTrainable)}`,
    `Trainable params: ${withThousands(trainable)}`,
    `Non-trainable params: ${withThousands(nonTrainable)}`,
    '_'.repeat(total),
  ].join('\n');
}
