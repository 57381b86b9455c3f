/**
 * Confusion matrix: counts[t][p] = how many samples of true class t were predicted as p. The
 * picture writes every count in its cell, shades cells by the share of their true class (row),
 * and labels both axes.
 */
import { BLACK, Canvas, type RgbaImage, textWidth } from './canvas.js';
import { inkOn, sequential } from './colormap.js';
import { colourBar, title } from './layout.js';

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

export function confusionPicture(matrix: number[][], options: { classNames?: string[]; title?: string } = {}): RgbaImage {
  const n = matrix.length;
  if (n === 0 || matrix.some((r) => r.length !== n)) throw new Error('confusionPicture: expected a square matrix of counts');
  const names = options.classNames ?? matrix.map((_, i) => String(i));
  const largest = Math.max(...matrix.flat().map((v) => textWidth(String(v))));
  const nameWidth = Math.max(...names.map((s) => textWidth(s)));
  const cell = Math.max(34, largest + 10, ...names.map((s) => textWidth(s) + 10));
    const left = 36 + nameWidth + 8;
  const top = 70;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((s, r, i) => s + r[i], 0);
  const heading = options.title ?? `Confusion matrix (accuracy ${total ? ((100 * correct) / total).toFixed(1) : '0'}%)`;
  const caption = 'colour: share of the true class';
  const canvas = new Canvas(Math.max(left + n * cell + 20, textWidth(heading) + 16, left + textWidth(caption) + 16), top + n * cell + 84);
  title(canvas, heading);
  canvas.text('predicted', left + Math.floor((n * cell - textWidth('predicted')) / 2), 32);
  canvas.textVertical('true', 8, top + Math.floor((n * cell + textWidth('true')) / 2));
  matrix.forEach((row, t) => {
    const rowTotal = row.reduce((a, b) => a + b, 0) || 1;
    canvas.text(names[t], left - 10 - textWidth(names[t]), top + t * cell + Math.floor(cell / 2) - 7);
    row.forEach((v, p) => {
      const bg = sequential(v / rowTotal);
      canvas.fillRect(left + p * cell, top + t * cell, cell, cell, bg);
      const s = String(v);
      canvas.text(s, left + p * cell + Math.floor((cell - textWidth(s)) / 2), top + t * cell + Math.floor(cell / 2) - 7, inkOn(bg));
    });
  });
  names.forEach((s, p) => canvas.text(s, left + p * cell + Math.floor((cell - textWidth(s)) / 2), top - 20));
  canvas.line(left, top, left + n * cell, top, BLACK);
  canvas.line(left, top, left, top + n * cell, BLACK);
  colourBar(canvas, left, top + n * cell + 16, Math.min(240, n * cell), 0, 1, sequential);
  canvas.text(caption, left, top + n * cell + 60);
  return canvas;
}
