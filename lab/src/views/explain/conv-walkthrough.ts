/**
 * Convolution window by window on the lecture's example: the 5x5 binary image and the 3x3 "X"
 * kernel, whose output is [[4,3,4],[2,4,3],[2,3,4]]. Each step shows the window on the (padded)
 * input, the element-wise products with the kernel and their sum, which fills one output cell.
 * Stride and padding change the walk and the output size, worked out with the formula.
 */
import { explainConv, inspect } from 'fovea';
import { el, replaceChildren } from '../../widgets/el.js';
import { formatNumber, matrixTable } from '../../widgets/matrix-table.js';
import { notice } from '../../widgets/notice.js';
import { choice } from './choice.js';
import { stepper } from './stepper.js';
import { workedOutputSize } from './output-size.js';

type Matrix = number[][];

function zeroPadded(m: Matrix, p: number): Matrix {
  const [h, w] = [m.length, m[0].length];
  return Array.from({ length: h + 2 * p }, (_, r) => Array.from({ length: w + 2 * p }, (_, c) => m[r - p]?.[c - p] ?? 0));
}

export function convWalkthrough(): HTMLElement {
  const input = inspect.SLIDE_CONV_INPUT;
  const kernel = inspect.SLIDE_CONV_KERNEL;
  const f = kernel.length;
  let stride = 1;
  let padding = 0;
  let explanation = explainConv(input, kernel);

  const formula = el('p', { class: 'lab-formula', 'data-formula': 'conv' });
  const grids = el('div', { class: 'lab-explain-grids' });
  const sum = el('p', { class: 'lab-sum' });
  const result = el('p', { class: 'lab-result', 'data-result': 'conv' });
  const message = notice();
  const steps = stepper(showStep);

  function recompute(): void {
    const n = input.length;
    const size = workedOutputSize(n, f, stride, padding);
    formula.textContent = `Output size = (n + 2p − f) / s + 1 = ${size.worked}${size.size > 0 ? `, so the output is ${size.size}×${size.size}` : ''}`;
    if (size.size === 0) {
      message.show(`With padding ${padding} and stride ${stride} the ${f}x${f} kernel does not fit; pick a smaller stride or more padding.`, 'warn');
      return;
    }
    message.clear();
    explanation = explainConv(input, kernel, { stride, padding });
    result.textContent = `Output: ${JSON.stringify(explanation.output.map((r) => r.map((v) => Number(formatNumber(v)))))}`;
    steps.setCount(explanation.steps.length);
  }

  function showStep(index: number): void {
    const step = explanation.steps[index];
    if (step === undefined) return;
    const [r0, c0] = [step.row * stride, step.col * stride];
    const inWindow = (r: number, c: number) => r >= r0 && r < r0 + f && c >= c0 && c < c0 + f;
    const isPad = (r: number, c: number) => r < padding || c < padding || r >= input.length + padding || c >= input[0].length + padding;
    const padded = zeroPadded(input, padding);
    const inputTable = matrixTable(padded, {
      caption: padding > 0 ? `Input ${input.length}×${input.length}, zero-padded by ${padding}` : `Input ${input.length}×${input.length}`,
      cellClass: (r, c) => [isPad(r, c) ? 'pad' : '', inWindow(r, c) ? 'window' : ''].join(' ').trim() || null,
    });
    const kernelTable = matrixTable(kernel, { caption: `Kernel ${f}×${f}` });
    const productTable = matrixTable(step.products, { caption: 'Window × kernel', cellClass: () => 'window' });
    const ow = explanation.output[0].length;
    const outputTable = matrixTable(explanation.output, {
      caption: `Output ${explanation.output.length}×${ow}`,
      cellClass: (r, c) => (r === step.row && c === step.col ? 'current' : null),
      // Cells not reached yet stay blank: the output fills in as the window moves.
      format: (v, r, c) => (r * ow + c <= index ? formatNumber(v) : null),
    });
    replaceChildren(grids, inputTable, el('span', { class: 'lab-op' }, '⊙'), kernelTable, el('span', { class: 'lab-op' }, '='), productTable, el('span', { class: 'lab-op' }, '→'), outputTable);
    const terms = step.products.flat().map(formatNumber).join(' + ');
    sum.textContent = `output[${step.row}][${step.col}] = ${terms} = ${formatNumber(step.value)}`;
  }

  const controls = el('div', { class: 'lab-controls' },
    choice('Stride', [1, 2, 3] as const, 1, (v) => { stride = v; recompute(); }),
    choice('Padding', [0, 1, 2] as const, 0, (v) => { padding = v; recompute(); }));
  const section = el('section', { class: 'lab-panel lab-explain-conv', 'aria-labelledby': 'lab-explain-conv-title' },
    el('h3', { id: 'lab-explain-conv-title' }, 'Convolution, window by window'),
    el('p', { class: 'lab-intro' }, 'The kernel slides over the image. At each position it multiplies the pixels under it by its weights, one by one, and adds the products: that sum is one pixel of the output (CNNs do not flip the kernel: this is cross-correlation).'),
    controls, formula, message.element, steps.element, grids, sum, result);
  recompute();
  return section;
}
