/**
 * Choosing the kernel: one of fovea's named kernels, or nine numbers typed into the box (which
 * shows the chosen kernel's weights, so editing starts from them). `current()` says which kernel
 * to apply and how its responses become pixels, or why the typed one is refused.
 */
import { KERNELS, image } from 'fovea';
import { el } from '../../widgets/el.js';
import { formatKernel, parseKernel } from './parse-kernel.js';

type KernelName = image.KernelName;
type OutputMode = image.OutputMode;

export const CUSTOM = 'custom';

export type ChosenKernel = { ok: true; name: KernelName | typeof CUSTOM; description: string; weights: number[][]; output: OutputMode } | { ok: false; message: string };

export interface KernelPicker {
  elements: HTMLElement[];
  current(): ChosenKernel;
}

/** How a typed kernel's responses become pixels: detectors (weights summing to 0) show |response|. */
export function customOutput(weights: number[][]): OutputMode {
  return Math.abs(weights.flat().reduce((a, b) => a + b, 0)) < 1e-6 ? 'abs' : 'clip';
}

export function kernelPicker(initial: KernelName, onChange: () => void): KernelPicker {
  const select = el('select', { 'data-control': 'kernel' },
    ...(Object.keys(KERNELS) as KernelName[]).map((name) => el('option', { value: name, selected: name === initial, title: KERNELS[name].description }, name)),
    el('option', { value: CUSTOM }, 'typed below'));
  const text = el('textarea', { rows: 3, cols: 18, spellcheck: 'false', 'data-control': 'kernel-text', 'aria-label': '3x3 kernel, 9 numbers row by row' });
  text.value = formatKernel(KERNELS[initial].weights);
  select.addEventListener('change', () => {
    if (select.value !== CUSTOM) text.value = formatKernel(KERNELS[select.value as KernelName].weights);
    onChange();
  });
  text.addEventListener('input', () => {
    select.value = CUSTOM;
    onChange();
  });
  return {
    elements: [el('label', { class: 'lab-field' }, 'Kernel ', select), el('label', { class: 'lab-field lab-kernel-text' }, '3×3 weights ', text)],
    current() {
      if (select.value !== CUSTOM) {
        const k = KERNELS[select.value as KernelName];
        return { ok: true, name: k.name, description: k.description, weights: k.weights, output: k.output };
      }
      const parsed = parseKernel(text.value);
      return parsed.ok ? { ok: true, name: CUSTOM, description: 'your kernel', weights: parsed.weights, output: customOutput(parsed.weights) } : parsed;
    },
  };
}
