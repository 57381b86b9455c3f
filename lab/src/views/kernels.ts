/** Placeholder for the Kernels view (written by lab-views; replaced at merge). */
import { el } from '../dom.js';
import type { LabContext } from '../lab-context.js';

export function mount(root: HTMLElement, _lab: LabContext): void {
  root.append(el('h2', {}, 'Kernels'));
}
