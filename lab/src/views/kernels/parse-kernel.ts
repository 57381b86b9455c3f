/**
 * A 3x3 kernel typed by the learner: nine numbers, row by row, separated by spaces, commas,
 * semicolons or new lines ("0 -1 0, -1 5 -1, 0 -1 0"). Anything else is refused with what was
 * wrong, so a typo never silently becomes a zero.
 */
export type ParsedKernel = { ok: true; weights: number[][] } | { ok: false; message: string };

export function parseKernel(text: string): ParsedKernel {
  const items = text.split(/[\s,;]+/).filter((s) => s !== '');
  const bad = items.findIndex((s) => !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) || !Number.isFinite(Number(s)));
  if (bad >= 0) return { ok: false, message: `Kernel: "${items[bad]}" (item ${bad + 1}) is not a number; type 9 numbers, e.g. 0 -1 0, -1 5 -1, 0 -1 0` };
  if (items.length !== 9) return { ok: false, message: `Kernel: expected 9 numbers (3 rows of 3), got ${items.length}` };
  const values = items.map(Number);
  return { ok: true, weights: [values.slice(0, 3), values.slice(3, 6), values.slice(6, 9)] };
}

/** The kernel as the learner would type it: one row per line. */
export function formatKernel(weights: readonly (readonly number[])[]): string {
  return weights.map((row) => row.map((v) => String(Number(v.toFixed(4)))).join(' ')).join('\n');
}
