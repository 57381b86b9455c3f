/**
 * Pooling window by window on the lecture's 4x4 example (2x2 max pooling, stride 2, gives
 * [[0.9, 0.8], [0.8, 0.9]]): each step shows the window, which value wins (or the mean), and
 * the output cell it fills. Mode, window size and stride are controls; the output size is
 * worked out with the same formula as convolution, without padding.
 */
import { explainPool, inspect } from 'fovea';
import { el, replaceChildren } from '../../widgets/el.js';
import { formatNumber, matrixTable } from '../../widgets/matrix-table.js';
import { notice } from '../../widgets/notice.js';
import { choice } from './choice.js';
import { stepper } from './stepper.js';
import { workedOutputSize } from './output-size.js';

type Mode = 'max' | 'min' | 'avg';

export function poolWalkthrough(): HTMLElement {
  const input = inspect.SLIDE_POOL_INPUT;
  let mode: Mode = 'max';
  let size = 2;
  let stride = 2;
  let explanation = explainPool(input, { size, stride, mode });

  const formula = el('p', { class: 'lab-formula', 'data-formula': 'pool' });
  const grids = el('div', { class: 'lab-explain-grids' });
  const sum = el('p', { class: 'lab-sum' });
  const result = el('p', { class: 'lab-result', 'data-result': 'pool' });
  const message = notice();
  const steps = stepper(showStep);

  function recompute(): void {
    const out = workedOutputSize(input.length, size, stride, 0);
    formula.textContent = `Output size = (n + 2p − f) / s + 1 = ${out.worked}${out.size > 0 ? `, so the output is ${out.size}×${out.size}` : ''}`;
    if (out.size === 0) {
      message.show(`A ${size}x${size} window does not fit the ${input.length}x${input.length} input.`, 'warn');
      return;
    }
    message.clear();
    explanation = explainPool(input, { size, stride, mode });
    result.textContent = `Output: ${JSON.stringify(explanation.output.map((r) => r.map((v) => Number(formatNumber(v)))))}`;
    steps.setCount(explanation.steps.length);
  }

  function showStep(index: number): void {
    const step = explanation.steps[index];
    if (step === undefined) return;
    const [r0, c0] = [step.row * stride, step.col * stride];
    const inWindow = (r: number, c: number) => r >= r0 && r < r0 + size && c >= c0 && c < c0 + size;
    // The winner of a max/min pool: the first cell of the window holding the pooled value.
    const flat = step.window.flat();
    const winner = mode === 'avg' ? -1 : flat.indexOf(step.value);
    const isWinner = (r: number, c: number) => inWindow(r, c) && (r - r0) * size + (c - c0) === winner;
    const inputTable = matrixTable(input, {
      caption: `Input ${input.length}×${input.length}`,
      cellClass: (r, c) => [inWindow(r, c) ? 'window' : '', isWinner(r, c) ? 'winner' : ''].join(' ').trim() || null,
    });
    const ow = explanation.output[0].length;
    const outputTable = matrixTable(explanation.output, {
      caption: `Output ${explanation.output.length}×${ow}`,
      cellClass: (r, c) => (r === step.row && c === step.col ? 'current' : null),
      format: (v, r, c) => (r * ow + c <= index ? formatNumber(v) : null),
    });
    replaceChildren(grids, inputTable, el('span', { class: 'lab-op' }, '→'), outputTable);
    const values = flat.map(formatNumber);
    const how = mode === 'avg' ? `(${values.join(' + ')}) / ${values.length}` : `${mode}(${values.join(', ')})`;
    sum.textContent = `output[${step.row}][${step.col}] = ${how} = ${formatNumber(step.value)}`;
  }

  const controls = el('div', { class: 'lab-controls' },
    choice('Mode', ['max', 'avg', 'min'] as const, 'max', (v) => { mode = v; recompute(); }),
    choice('Window', [2, 3] as const, 2, (v) => { size = v; recompute(); }),
    choice('Pool stride', [1, 2] as const, 2, (v) => { stride = v; recompute(); }));
  const section = el('section', { class: 'lab-panel lab-explain-pool', 'aria-labelledby': 'lab-explain-pool-title' },
    el('h3', { id: 'lab-explain-pool-title' }, 'Pooling, window by window'),
    el('p', { class: 'lab-intro' }, 'Pooling has no weights: each window is summarised by one number, its largest value (max pooling), its mean or its smallest. With a 2×2 window and stride 2 the map halves in each direction.'),
    controls, formula, message.element, steps.element, grids, sum, result);
  recompute();
  return section;
}
