/**
 * Convolution as one matrix product (im2col), with the shapes of AlexNet's first layer: every
 * receptive-field patch becomes a column of X_col, every filter a row of W_row, and W_row × X_col
 * is the output with its spatial axes flattened. The numbers are editable; fovea's im2colShape
 * computes them and the panel shows where each comes from.
 */
import { im2colShape } from 'fovea';
import { el, replaceChildren } from '../../widgets/el.js';
import { notice } from '../../widgets/notice.js';
import { workedOutputSize } from './output-size.js';

interface Im2colInputs {
  size: number;
  channels: number;
  filters: number;
  kernel: number;
  stride: number;
  padding: number;
}

/** AlexNet's conv1: 227x227x3 images, 96 filters 11x11, stride 4, no padding. */
const ALEXNET: Im2colInputs = { size: 227, channels: 3, filters: 96, kernel: 11, stride: 4, padding: 0 };

const FIELDS: { key: keyof Im2colInputs; label: string; min: number }[] = [
  { key: 'size', label: 'Input H = W', min: 1 },
  { key: 'channels', label: 'Channels C', min: 1 },
  { key: 'filters', label: 'Filters K', min: 1 },
  { key: 'kernel', label: 'Kernel f', min: 1 },
  { key: 'stride', label: 'Stride s', min: 1 },
  { key: 'padding', label: 'Padding p', min: 0 },
];

const n = (v: number): string => v.toLocaleString('en-US');

/** The value of each field, or the first field that is not a whole number in range. */
function readFields(inputs: Map<keyof Im2colInputs, HTMLInputElement>): Im2colInputs | string {
  const out: Partial<Im2colInputs> = {};
  for (const { key, label, min } of FIELDS) {
    const text = (inputs.get(key) as HTMLInputElement).value.trim();
    const v = Number(text);
    if (text === '' || !Number.isInteger(v) || v < min || v > 100_000) return `${label} must be a whole number from ${min} to 100,000, got "${text}"`;
    out[key] = v;
  }
  return out as Im2colInputs;
}

function explainShapes(v: Im2colInputs): HTMLElement[] {
  const s = im2colShape([v.size, v.size, v.channels], v.kernel, v.filters, { stride: v.stride, padding: v.padding });
  const out = workedOutputSize(v.size, v.kernel, v.stride, v.padding);
  const patch = v.kernel * v.kernel * v.channels;
  const [oh, ow, k] = s.output;
  const imageValues = v.size * v.size * v.channels;
  const row = (name: string, shape: string, why: string) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', { class: 'lab-shape' }, shape), el('td', {}, why));
  return [
    el('p', { class: 'lab-formula', 'data-formula': 'im2col' }, `Output size = (n + 2p − f) / s + 1 = ${out.worked}`),
    el('table', { class: 'lab-shapes' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Matrix'), el('th', {}, 'Shape'), el('th', {}, 'Why'))),
      el('tbody', {},
        row('X_col', `${n(s.xCol[0])} × ${n(s.xCol[1])}`, `one column per output position (${oh}×${ow} = ${n(oh * ow)}), each a ${v.kernel}×${v.kernel}×${v.channels} patch stretched out (${n(patch)} values)`),
        row('W_row', `${n(s.wRow[0])} × ${n(s.wRow[1])}`, `one row per filter (${k}), each filter stretched out the same way (${n(patch)} weights)`),
        row('W_row · X_col', `${n(s.product[0])} × ${n(s.product[1])}`, `every filter against every patch: one matrix product`),
        row('Output', `${oh} × ${ow} × ${k}`, `the product's columns put back on the ${oh}×${ow} grid`))),
    el('p', { class: 'lab-note' }, `X_col holds ${n(s.xCol[0] * s.xCol[1])} numbers against ${n(imageValues)} in the image (${(s.xCol[0] * s.xCol[1] / imageValues).toFixed(1)}×): overlapping patches repeat pixels. That memory buys one large matrix product, which BLAS libraries run at full speed.`),
  ];
}

export function im2colPanel(): HTMLElement {
  const inputs = new Map<keyof Im2colInputs, HTMLInputElement>();
  const output = el('div', { class: 'lab-im2col-output', 'data-result': 'im2col' });
  const message = notice();
  const update = () => {
    const values = readFields(inputs);
    if (typeof values === 'string') {
      message.show(values, 'error');
      return;
    }
    try {
      replaceChildren(output, ...explainShapes(values));
      message.clear();
    } catch (e) {
      message.show(e instanceof Error ? e.message : String(e), 'error');
    }
  };
  const fields = FIELDS.map(({ key, label, min }) => {
    const input = el('input', { type: 'number', min, step: 1, value: ALEXNET[key], 'data-field': key });
    input.addEventListener('input', update);
    inputs.set(key, input);
    return el('label', { class: 'lab-field' }, `${label} `, input);
  });
  const reset = el('button', { type: 'button' }, 'AlexNet conv1');
  reset.addEventListener('click', () => {
    for (const { key } of FIELDS) (inputs.get(key) as HTMLInputElement).value = String(ALEXNET[key]);
    update();
  });
  const section = el('section', { class: 'lab-panel lab-explain-im2col', 'aria-labelledby': 'lab-explain-im2col-title' },
    el('h3', { id: 'lab-explain-im2col-title' }, 'Convolution as one matrix product (im2col)'),
    el('p', { class: 'lab-intro' }, "AlexNet's first layer: 227×227×3 images, 96 filters of 11×11, stride 4. Change the numbers to see the shapes follow."),
    el('div', { class: 'lab-controls' }, ...fields, reset), message.element, output);
  update();
  return section;
}
