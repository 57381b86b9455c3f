/**
 * A small matrix of numbers as a table, the way the slides draw them: one cell per entry, with
 * classes to mark cells (the current window, padding, the winning value of a max pool ...).
 */
import { el } from './el.js';

export type CellClass = (row: number, col: number) => string | null;

export interface MatrixTableOptions {
  caption?: string;
  /** Extra classes per cell. */
  cellClass?: CellClass;
  /** How a value is written (default: up to 4 decimals); null leaves the cell blank. */
  format?: (value: number, row: number, col: number) => string | null;
}

/** 0.30000000000000004 -> '0.3'. */
export function formatNumber(v: number): string {
  return String(Number(v.toFixed(4)));
}

export function matrixTable(matrix: readonly (readonly number[])[], options: MatrixTableOptions = {}): HTMLTableElement {
  const format = options.format ?? ((v: number) => formatNumber(v));
  const table = el('table', { class: 'lab-matrix' }, options.caption !== undefined ? el('caption', {}, options.caption) : null);
  const body = el('tbody');
  matrix.forEach((row, r) => {
    const tr = el('tr');
    row.forEach((value, c) => {
      const text = format(value, r, c);
      const cls = options.cellClass?.(r, c) ?? null;
      tr.append(el('td', { class: cls ?? undefined, 'data-row': r, 'data-col': c }, text ?? ''));
    });
    body.append(tr);
  });
  table.append(body);
  return table;
}
