/**
 * The model's answer for the drawing: ten horizontal bars, one per digit, the winner marked.
 * A model whose last layer gives logits (no softmax) gets a softmax here, and the panel says so.
 */
import { el, replaceChildren } from '../../widgets/el.js';

/** The outputs as probabilities, and whether a softmax had to be applied. */
export function asProbabilities(outputs: ArrayLike<number>): { probabilities: number[]; softmaxed: boolean } {
  const v = Array.from(outputs);
  const sum = v.reduce((a, b) => a + b, 0);
  if (v.every((p) => p >= 0 && p <= 1) && Math.abs(sum - 1) < 1e-3) return { probabilities: v, softmaxed: false };
  const top = Math.max(...v);
  const e = v.map((z) => Math.exp(z - top));
  const total = e.reduce((a, b) => a + b, 0);
  return { probabilities: e.map((z) => z / total), softmaxed: true };
}

/** The filled part of a bar, sized through the CSSOM (a page with a strict CSP allows that, not style attributes). */
function barFill(p: number): HTMLElement {
  const fill = el('span', { class: 'lab-bar-fill' });
  fill.style.width = `${(100 * p).toFixed(2)}%`;
  return fill;
}

export interface ProbabilityBars {
  element: HTMLElement;
  show(outputs: ArrayLike<number>): void;
  clear(text: string): void;
}

export function probabilityBars(): ProbabilityBars {
  const list = el('ol', { class: 'lab-probabilities', start: 0 });
  const note = el('p', { class: 'lab-note' });
  const element = el('div', { class: 'lab-panel lab-probability-panel' }, el('h3', {}, 'Class probabilities'), note, list);
  return {
    element,
    show(outputs) {
      const { probabilities, softmaxed } = asProbabilities(outputs);
      const best = probabilities.indexOf(Math.max(...probabilities));
      note.textContent = `Prediction: ${best} (${(100 * probabilities[best]).toFixed(1)}%)${softmaxed ? '; softmax applied to the last layer\'s outputs (logits)' : ''}`;
      replaceChildren(list, ...probabilities.map((p, digit) => el('li', { class: digit === best ? 'best' : undefined, 'data-class': digit, 'data-probability': p },
        el('span', { class: 'lab-digit' }, digit),
        el('span', { class: 'lab-bar' }, barFill(p)),
        el('span', { class: 'lab-percent' }, `${(100 * p).toFixed(1)}%`))));
    },
    clear(text) {
      note.textContent = text;
      list.replaceChildren();
    },
  };
}
