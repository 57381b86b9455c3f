/**
 * Build: edit the CNN layer by layer. Every valid edit rebuilds the model (StackStore) and the
 * summary (output shapes, parameters, receptive fields) updates at once; a stack that does not
 * fit shows the library's message at the failing layer and keeps the stack as typed.
 */
import { el } from '../dom.js';
import type { LabContext } from '../lab-context.js';
import { type LayerKind, type LayerSpec, PRESETS, defaultSpec } from '../build/layer-spec.js';
import { layerRow } from '../build/layer-editor.js';
import type { StackStore } from '../build/stack-store.js';
import { summaryTable } from '../build/summary-table.js';

const KINDS: [LayerKind, string][] = [
  ['conv2d', 'Conv2D'], ['pool', 'Pooling (max/min/average)'], ['dropout', 'Dropout'], ['batchnorm', 'BatchNormalization'], ['flatten', 'Flatten'], ['dense', 'Dense'],
];

function moved(specs: readonly LayerSpec[], index: number, delta: -1 | 1): LayerSpec[] {
  const next = [...specs];
  [next[index], next[index + delta]] = [next[index + delta], next[index]];
  return next;
}

function presets(store: StackStore): HTMLElement {
  return el('div', { class: 'toolbar' }, el('span', { class: 'label' }, 'Presets:'),
    ...Object.entries(PRESETS).map(([id, preset]) => el('button', { 'data-preset': id, onclick: () => store.set(preset.layers) }, preset.label)));
}

function adder(store: StackStore): HTMLElement {
  const kind = el('select', { 'aria-label': 'Layer kind' }, ...KINDS.map(([k, label]) => el('option', { value: k }, label)));
  return el('div', { class: 'toolbar' }, kind, el('button', { class: 'primary', id: 'add-layer', onclick: () => store.set([...store.specs(), defaultSpec(kind.value as LayerKind)]) }, 'Add layer'));
}

function stackList(store: StackStore, lab: LabContext): HTMLElement {
  const specs = store.specs();
  const failure = store.build().failure;
  return el('ol', { class: 'stack' }, ...specs.map((spec, i) => layerRow(spec, i, specs.length, failure?.index === i ? failure.message : null, {
    change: (next) => store.set(specs.map((s, j) => (j === i ? next : s))),
    move: (delta) => store.set(moved(specs, i, delta)),
    remove: () => store.set(specs.filter((_, j) => j !== i)),
    invalid: (message) => lab.showError(`Build, layer ${i + 1}: ${message}`),
  })));
}

export function mount(root: HTMLElement, lab: LabContext, store: StackStore): void {
  const editor = el('div', { class: 'editor' });
  const summary = el('div', { class: 'summary-pane' });
  const render = () => {
    editor.replaceChildren(el('h3', {}, 'Layers (input 28×28×1)'), stackList(store, lab), adder(store));
    // The library's message is shown once, at the failing layer; the table marks where the stack breaks.
    summary.replaceChildren(el('h3', {}, 'Summary'), summaryTable(store.specs(), store.build()));
  };
  store.onChange(render);
  render();
  root.append(el('h2', {}, 'Build a CNN'), presets(store), el('div', { class: 'build-grid' }, editor, summary));
}
