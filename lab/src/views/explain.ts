/**
 * Explain: convolution and pooling worked window by window on the lecture's own examples, the
 * output-size formula with the numbers, and im2col's shapes for AlexNet's first layer. Pure
 * arithmetic from fovea's inspect tools; it does not need a model.
 */
import type { LabContext } from '../lab-context.js';
import { el, replaceChildren } from '../widgets/el.js';
import { convWalkthrough } from './explain/conv-walkthrough.js';
import { im2colPanel } from './explain/im2col-panel.js';
import { poolWalkthrough } from './explain/pool-walkthrough.js';

export function mount(root: HTMLElement, _lab: LabContext): void {
  root.classList.add('lab-view', 'lab-explain');
  replaceChildren(root,
    el('h2', {}, 'Explain: convolution and pooling by hand'),
    convWalkthrough(),
    poolWalkthrough(),
    im2colPanel());
}
