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
  /** A shape, or Keras's 'multiple' for a shared layer called on different shapes. */
  outputShape: SymbolicShape | 'multiple';
  /** Functional models: the inbound tensors as `layer[node][tensor]` ('-' for inputs). */
  connectedTo?: string[];
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

/** Table lines of one layer: its cells, then continuation lines for further connections. */
function rowLines(row: SummaryRow, withConnections: boolean): string[][] {
  const shape = row.outputShape === 'multiple' ? 'multiple' : shapeAsTuple(row.outputShape);
  const first = [`${row.layer.name} (${row.layer.className})`, shape, withThousands(row.layer.countParams())];
  if (!withConnections) return [first];
  const links = row.connectedTo ?? [];
  const shown = links.length === 0 ? ['-'] : links.map((l, i) => (i < links.length - 1 ? `${l},` : l));
  return [[...first, shown[0]], ...shown.slice(1).map((l) => ['', '', '', l])];
}

export function formatSummary(modelName: string, rows: readonly SummaryRow[]): string {
  const withConnections = rows.some((r) => r.connectedTo !== undefined);
  const blocks = rows.map((r) => rowLines(r, withConnections));
  const cells = blocks.flat();
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(withConnections ? ['Connected to'] : [])];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)) + 4);
  const line = (r: string[]): string => ` ${r.map((cell, c) => cell.padEnd(widths[c])).join('')}`.trimEnd();
  // Functional summaries separate layers with a rule, as Keras does when rows span several lines.
  const body = withConnections ? blocks.flatMap((b, i) => [...b.map(line), ...(i < blocks.length - 1 ? ['_'.repeat(widths.reduce((a, w) => a + w, 1))] : [])]) : cells.map(line);
  const total = widths.reduce((a, b) => a + b, 1);
  const layers = rows.map((r) => r.layer);
  const trainable = sumSizes(layers, (l) => l.trainableWeights);
  const nonTrainable = sumSizes(layers, (l) => l.nonTrainableWeights);
  return [
    `Model: "${modelName}"`,
    '_'.repeat(total),
    line(header),
    '='.repeat(total),
    ...body,
    '='.repeat(total),
    `Total params: ${withThousands(trainable + nonTrainable)}`,
    `Trainable params: ${withThousands(trainable)}`,
    `Non-trainable params: ${withThousands(nonTrainable)}`,
    '_'.repeat(total),
  ].join('\n');
}
