/**
 * Confusion matrix: counts[t][p] = how many samples of true class t were predicted as p. The
 * chart writes every count in its cell, shades cells by the share of their true class (row, so
 * rare classes read as well as common ones), labels both axes as scikit-learn's display does
 * (true label down the side, predicted label along the bottom) and shows the colour scale.
 */
import { SEQUENTIAL_STOPS, hex } from './colormap.js';
import { type ChartSpec, renderSvg } from './vega-svg.js';

export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number): number[][] {
  if (labels.length !== predictions.length) throw new Error(`confusionMatrix: ${labels.length} labels but ${predictions.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const [t, p] = [labels[i], predictions[i]];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses && Number.isInteger(t) && Number.isInteger(p))) {
      throw new Error(`confusionMatrix: sample ${i} has label ${t} and prediction ${p}; both must be integers in 0..${numClasses - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

export interface ConfusionOptions {
  classNames?: string[];
  title?: string;
}

function cells(matrix: number[][], names: string[]) {
  return matrix.flatMap((row, t) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => ({ truth: names[t], predicted: names[p], count, share: rowTotal > 0 ? count / rowTotal : 0 }));
  });
}

/** The Vega specification of the matrix. */
export function confusionSpec(matrix: number[][], options: ConfusionOptions = {}): ChartSpec {
  const n = matrix.length;
  if (n === 0 || matrix.some((r) => r.length !== n)) throw new Error(`confusionPicture: expected a square matrix of counts, got ${n} rows of lengths [${matrix.map((r) => r.length).join(', ')}]`);
  const names = options.classNames ?? matrix.map((_, i) => String(i));
  if (names.length !== n || new Set(names).size !== n) throw new Error(`confusionPicture: expected ${n} distinct class names, got [${names.join(', ')}]`);
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((s, r, i) => s + r[i], 0);
  const digits = Math.max(...matrix.flat().map((v) => String(v).length), ...names.map((s) => s.length));
  const cell = Math.max(36, 9 * digits + 12);
  return {
    padding: 12,
    autosize: 'pad',
    width: n * cell,
    height: n * cell,
    title: { text: options.title ?? `Confusion matrix (accuracy ${total ? ((100 * correct) / total).toFixed(1) : '0'}%)` },
    data: [{ name: 'cells', values: cells(matrix, names) }],
    scales: [
      { name: 'x', type: 'band', domain: names, range: 'width' },
      { name: 'y', type: 'band', domain: names, range: 'height' },
      { name: 'colour', type: 'linear', domain: [0, 1], range: SEQUENTIAL_STOPS.map(hex), interpolate: 'rgb' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'predicted label', domain: false, ticks: false, labelAngle: 0, labelPadding: 6 },
      { orient: 'left', scale: 'y', title: 'true label', domain: false, ticks: false, labelPadding: 6 },
    ],
    legends: [{ fill: 'colour', type: 'gradient', title: 'share of true class', direction: 'vertical', gradientLength: Math.min(n * cell, 240), format: '.0%' }],
    marks: [
      {
        type: 'rect', from: { data: 'cells' },
        encode: { enter: { x: { scale: 'x', field: 'predicted' }, y: { scale: 'y', field: 'truth' }, width: { scale: 'x', band: 1 }, height: { scale: 'y', band: 1 }, fill: { scale: 'colour', field: 'share' }, stroke: { value: '#d0d0d0' }, strokeWidth: { value: 0.5 } } },
      },
      {
        type: 'text', from: { data: 'cells' },
        encode: { enter: {
          x: { scale: 'x', field: 'predicted', band: 0.5 }, y: { scale: 'y', field: 'truth', band: 0.5 },
          text: { field: 'count' }, align: { value: 'center' }, baseline: { value: 'middle' }, fontSize: { value: 12 },
          // White on the darker half of the scale, black on the lighter one.
          fill: { signal: "datum.share > 0.5 ? 'white' : 'black'" },
        } },
      },
    ],
  };
}

/** The matrix as SVG text. */
export function confusionPicture(matrix: number[][], options: ConfusionOptions = {}): Promise<string> {
  return renderSvg(confusionSpec(matrix, options));
}
