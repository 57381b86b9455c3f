/** A labelled <select> of a few values (stride, padding, pool mode ...). */
import { el } from '../../widgets/el.js';

export function choice<T extends string | number>(label: string, values: readonly T[], initial: T, onChange: (value: T) => void): HTMLLabelElement {
  const select = el('select', { 'data-control': label.toLowerCase() });
  for (const v of values) select.append(el('option', { value: String(v), selected: v === initial }, String(v)));
  select.addEventListener('change', () => onChange(values[select.selectedIndex]));
  return el('label', { class: 'lab-choice' }, `${label} `, select);
}
