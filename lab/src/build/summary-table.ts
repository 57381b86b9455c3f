/**
 * The Keras summary of the stack as an HTML table, with each layer's receptive field (Fovea's
 * `receptiveField`) as an extra column. Rows come from the layers that fitted; the failing layer
 * and those after it are listed without shapes, so the learner sees where the stack breaks.
 */
import { type Layer, type SymbolicShape, receptiveField } from 'fovea';
import { el, withThousands } from '../dom.js';
import { type LayerSpec, className } from './layer-spec.js';
import { INPUT_SHAPE, type StackBuild } from './stack-model.js';

const shapeText = (shape: readonly (number | null)[]) => `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;

/** Receptive field per layer name: convs and pools from receptiveField, Dense sees everything. */
function fields(layers: Layer[]): string[] {
  const byName = new Map<string, [number, number]>();
  try {
    for (const row of receptiveField(layers, { inputShape: INPUT_SHAPE }).rows) byName.set(row.name, row.receptiveField);
  } catch {
    // A stack receptiveField cannot walk (e.g. a window bigger than its input) shows no fields.
    return layers.map(() => '');
  }
  let field = '1×1';
  let flat = false;
  return layers.map((layer) => {
    const rf = byName.get(layer.name);
    if (rf !== undefined) field = `${rf[0]}×${rf[1]}`;
    if (layer.className === 'Flatten') flat = true;
    if (layer.className === 'Dense' && flat) field = `all ${INPUT_SHAPE[0]}×${INPUT_SHAPE[1]}`;
    return field;
  });
}

export function summaryTable(specs: readonly LayerSpec[], build: StackBuild): HTMLElement {
  const layers = build.fitted;
  const rf = fields(layers);
  let shape: SymbolicShape = [null, ...INPUT_SHAPE];
  let total = 0;
  const rows = layers.map((layer, i) => {
    shape = layer.computeOutputShape(shape);
    const params = layer.countParams();
    total += params;
    return el('tr', {}, el('td', {}, `${layer.name} (${layer.className})`), el('td', {}, shapeText(shape)), el('td', { class: 'num' }, withThousands(params)), el('td', {}, rf[i]));
  });
  const unfitted = specs.slice(layers.length).map((spec, i) =>
    el('tr', { class: i === 0 && build.failure !== null ? 'failed' : 'pending' }, el('td', {}, className(spec)), el('td', {}, i === 0 ? 'does not fit' : '—'), el('td', { class: 'num' }, '—'), el('td', {}, '—')));
  const head = el('tr', {}, ...['Layer (type)', 'Output Shape', 'Param #', 'Receptive field'].map((h) => el('th', {}, h)));
  const totals = build.failure === null
    ? el('p', { class: 'totals' }, `Total params: ${withThousands(total)} (${(total * 4 / 1024).toFixed(2)} KB)`)
    : el('p', { class: 'totals failed' }, `Layer ${build.failure.index + 1} does not fit (see its message); no total until it does`);
  return el('div', { class: 'summary' },
    el('table', { class: 'summary-table' }, el('thead', {}, head), el('tbody', {}, el('tr', { class: 'input' }, el('td', {}, 'input'), el('td', {}, shapeText([null, ...INPUT_SHAPE])), el('td', { class: 'num' }, '0'), el('td', {}, '1×1')), ...rows, ...unfitted)),
    totals);
}
