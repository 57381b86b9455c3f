/**
 * One row of the Build view's stack editor: the layer's fields as inputs, and move/remove
 * buttons. A field that is not a valid value marks itself and reports through `onInvalid`; the
 * stack only changes with valid values, so nothing is coerced behind the learner's back.
 */
import { el } from '../dom.js';
import { ACTIVATIONS, type LayerSpec, PADDINGS, POOL_KINDS, className } from './layer-spec.js';

export interface RowActions {
  change(spec: LayerSpec): void;
  move(delta: -1 | 1): void;
  remove(): void;
  invalid(message: string): void;
}

function select(label: string, value: string, options: readonly string[], set: (v: string) => void): HTMLElement {
  const input = el('select', { 'aria-label': label, onchange: () => set(input.value) }, ...options.map((o) => el('option', { value: o, selected: o === value }, o)));
  return el('label', {}, el('span', {}, label), input);
}

function integer(label: string, value: number, min: number, max: number, set: (v: number) => void, invalid: (m: string) => void): HTMLElement {
  const input = el('input', { type: 'number', min, max, step: 1, value, 'aria-label': label });
  input.addEventListener('change', () => {
    const v = Number(input.value);
    const ok = input.value.trim() !== '' && Number.isInteger(v) && v >= min && v <= max;
    input.classList.toggle('invalid', !ok);
    if (ok) set(v);
    else invalid(`${label} must be an integer from ${min} to ${max}, got "${input.value}"`);
  });
  return el('label', {}, el('span', {}, label), input);
}

function fraction(label: string, value: number, set: (v: number) => void, invalid: (m: string) => void): HTMLElement {
  const input = el('input', { type: 'number', min: 0, max: 0.95, step: 0.05, value, 'aria-label': label });
  input.addEventListener('change', () => {
    const v = Number(input.value);
    const ok = input.value.trim() !== '' && v >= 0 && v < 1;
    input.classList.toggle('invalid', !ok);
    if (ok) set(v);
    else invalid(`${label} must be a number in [0, 1), got "${input.value}"`);
  });
  return el('label', {}, el('span', {}, label), input);
}

function fields(spec: LayerSpec, a: RowActions): HTMLElement[] {
  const bad = (m: string) => a.invalid(m);
  switch (spec.kind) {
    case 'conv2d':
      return [
        integer('filters', spec.filters, 1, 512, (v) => a.change({ ...spec, filters: v }), bad),
        integer('kernel', spec.kernel, 1, 28, (v) => a.change({ ...spec, kernel: v }), bad),
        integer('stride', spec.stride, 1, 28, (v) => a.change({ ...spec, stride: v }), bad),
        select('padding', spec.padding, PADDINGS, (v) => a.change({ ...spec, padding: v as typeof spec.padding })),
        select('activation', spec.activation, ACTIVATIONS, (v) => a.change({ ...spec, activation: v as typeof spec.activation })),
      ];
    case 'pool':
      return [
        select('pooling', spec.pool, POOL_KINDS, (v) => a.change({ ...spec, pool: v as typeof spec.pool })),
        integer('size', spec.size, 1, 28, (v) => a.change({ ...spec, size: v }), bad),
        integer('stride', spec.stride, 1, 28, (v) => a.change({ ...spec, stride: v }), bad),
        select('padding', spec.padding, PADDINGS, (v) => a.change({ ...spec, padding: v as typeof spec.padding })),
      ];
    case 'dropout':
      return [fraction('rate', spec.rate, (v) => a.change({ ...spec, rate: v }), bad)];
    case 'dense':
      return [
        integer('units', spec.units, 1, 4096, (v) => a.change({ ...spec, units: v }), bad),
        select('activation', spec.activation, ACTIVATIONS, (v) => a.change({ ...spec, activation: v as typeof spec.activation })),
      ];
    case 'batchnorm':
    case 'flatten':
      return [];
  }
}

/** The editor row for layer `index` of a stack of `count` layers; `error` is shown under it. */
export function layerRow(spec: LayerSpec, index: number, count: number, error: string | null, actions: RowActions): HTMLElement {
  const buttons = el('div', { class: 'row-buttons' },
    el('button', { title: 'Move up', 'aria-label': `Move layer ${index + 1} up`, disabled: index === 0, onclick: () => actions.move(-1) }, '↑'),
    el('button', { title: 'Move down', 'aria-label': `Move layer ${index + 1} down`, disabled: index === count - 1, onclick: () => actions.move(1) }, '↓'),
    el('button', { title: 'Remove', 'aria-label': `Remove layer ${index + 1}`, class: 'remove', onclick: () => actions.remove() }, '✕'));
  const inputs = fields(spec, actions);
  return el('li', { class: error === null ? 'layer' : 'layer failed', 'data-kind': spec.kind },
    el('div', { class: 'layer-head' }, el('span', { class: 'layer-index' }, String(index + 1)), el('strong', {}, className(spec)), buttons),
    inputs.length === 0 ? null : el('div', { class: 'fields' }, ...inputs),
    error === null ? null : el('p', { class: 'layer-error', role: 'alert' }, error));
}
