/**
 * Step-by-step convolution and pooling on small 2-D matrices, the way the slides work them by
 * hand: for each output position, the window, the element-wise products and their sum (or the
 * window's max / min / mean). The arithmetic is plain JavaScript on purpose: this is the
 * definition, and the tests check it against the engine's conv2d and pooling kernels.
 *
 * Example (the slide's 5x5 binary image and X-shaped kernel) ends with [[4,3,4],[2,4,3],[2,3,4]].
 */
export type Matrix = number[][];

export interface ConvStep {
  row: number;
  col: number;
  window: Matrix;
  products: Matrix;
  value: number;
}

export interface PoolStep {
  row: number;
  col: number;
  window: Matrix;
  value: number;
}

export interface Explanation<S> {
  steps: S[];
  output: Matrix;
  text: string;
}

/** The slide example: a 5x5 binary image and a 3x3 "X" kernel. */
export const SLIDE_CONV_INPUT: Matrix = [
  [1, 1, 1, 0, 0],
  [0, 1, 1, 1, 0],
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1, 0],
  [0, 1, 1, 0, 0],
];
export const SLIDE_CONV_KERNEL: Matrix = [
  [1, 0, 1],
  [0, 1, 0],
  [1, 0, 1],
];
/** The slide's pooling example: 2x2 max pooling with stride 2 gives [[0.9, 0.8], [0.8, 0.9]]. */
export const SLIDE_POOL_INPUT: Matrix = [
  [0.2, 0.8, 0.3, 0.6],
  [0.2, 0.9, 0.3, 0.8],
  [0.3, 0.8, 0.8, 0.9],
  [0, 0, 0.2, 0.8],
];

/** Checks that `m` is a non-empty rectangle of finite numbers. */
export function checkMatrix(m: unknown, what: string): Matrix {
  const ok = Array.isArray(m) && m.length > 0 && m.every((r) => Array.isArray(r) && r.length === (m[0] as unknown[]).length && r.length > 0 && r.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok) throw new Error(`explain: ${what} must be a non-empty rectangular matrix of numbers, e.g. [[1,0],[0,1]], got ${JSON.stringify(m)}`);
  return m as Matrix;
}

/** 0.30000000000000004 -> '0.3': at most 4 decimals, no trailing zeros. */
export function fmt(v: number): string {
  return String(Number(v.toFixed(4)));
}

function block(m: Matrix, width: number): string[] {
  return m.map((r) => r.map((v) => fmt(v).padStart(width)).join(' '));
}

function cellWidth(...ms: Matrix[]): number {
  return Math.max(...ms.flatMap((m) => m.flatMap((r) => r.map((v) => fmt(v).length))));
}

function outputSize(n: number, k: number, stride: number, what: string): number {
  const out = Math.floor((n - k) / stride) + 1;
  if (out < 1) throw new Error(`explain: the ${k}-wide ${what} does not fit the ${n}-wide (padded) input`);
  return out;
}

function zeroPad(m: Matrix, p: number): Matrix {
  if (p === 0) return m;
  const w = m[0].length + 2 * p;
  const blank = () => new Array<number>(w).fill(0);
  return [...Array.from({ length: p }, blank), ...m.map((r) => [...new Array<number>(p).fill(0), ...r, ...new Array<number>(p).fill(0)]), ...Array.from({ length: p }, blank)];
}

function windowAt(m: Matrix, r0: number, c0: number, kh: number, kw: number): Matrix {
  return m.slice(r0, r0 + kh).map((r) => r.slice(c0, c0 + kw));
}

/** Cross-correlation (what CNNs call convolution) of `input` with `kernel`, step by step. */
export function explainConv(input: Matrix, kernel: Matrix, options: { stride?: number; padding?: number } = {}): Explanation<ConvStep> {
  const { stride = 1, padding = 0 } = options;
  const x = zeroPad(checkMatrix(input, 'input'), padding);
  const k = checkMatrix(kernel, 'kernel');
  const [kh, kw] = [k.length, k[0].length];
  const [oh, ow] = [outputSize(x.length, kh, stride, 'kernel'), outputSize(x[0].length, kw, stride, 'kernel')];
  const steps: ConvStep[] = [];
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const window = windowAt(x, i * stride, j * stride, kh, kw);
      const products = window.map((r, a) => r.map((v, b) => v * k[a][b]));
      steps.push({ row: i, col: j, window, products, value: products.flat().reduce((s, v) => s + v, 0) });
    }
  }
  const output = rows(steps, oh, ow);
  const width = cellWidth(x, k, ...steps.map((s) => s.products));
  const lines = [`Convolution of a ${x.length}x${x[0].length} input${padding ? ` (zero-padded by ${padding})` : ''} with a ${kh}x${kw} kernel, stride ${stride}: output ${oh}x${ow}`, ''];
  for (const [n, s] of steps.entries()) {
    lines.push(`Step ${n + 1}: output[${s.row}][${s.col}], window rows ${s.row * stride}..${s.row * stride + kh - 1}, cols ${s.col * stride}..${s.col * stride + kw - 1}`);
    const [w, kk, p] = [block(s.window, width), block(k, width), block(s.products, width)];
    const mid = Math.floor(kh / 2);
    lines.push(...w.map((_, r) => `  ${w[r]}  ${r === mid ? '*' : ' '}  ${kk[r]}  ${r === mid ? '=' : ' '}  ${p[r]}`));
    lines.push(`  sum = ${s.products.flat().map(fmt).join(' + ').replace(/\+ -/g, '- ')} = ${fmt(s.value)}`, '');
  }
  return { steps, output, text: [...lines, ...resultLines(output)].join('\n') };
}

export type PoolMode = 'max' | 'min' | 'avg';

/** Max, min or average pooling of `input`, step by step; the stride defaults to the size. */
export function explainPool(input: Matrix, options: { size?: number; stride?: number; mode?: PoolMode } = {}): Explanation<PoolStep> {
  const { size = 2, mode = 'max' } = options;
  const stride = options.stride ?? size;
  if (!['max', 'min', 'avg'].includes(mode)) throw new Error(`explain pool: mode must be max, min or avg, got '${mode}'`);
  const x = checkMatrix(input, 'input');
  const [oh, ow] = [outputSize(x.length, size, stride, 'pool window'), outputSize(x[0].length, size, stride, 'pool window')];
  const reduce = { max: (v: number[]) => Math.max(...v), min: (v: number[]) => Math.min(...v), avg: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length }[mode];
  const steps: PoolStep[] = [];
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const window = windowAt(x, i * stride, j * stride, size, size);
      steps.push({ row: i, col: j, window, value: reduce(window.flat()) });
    }
  }
  const output = rows(steps, oh, ow);
  const width = cellWidth(x);
  const lines = [`${mode === 'avg' ? 'Average' : mode === 'max' ? 'Max' : 'Min'} pooling of a ${x.length}x${x[0].length} input, window ${size}x${size}, stride ${stride}: output ${oh}x${ow}`, ''];
  for (const [n, s] of steps.entries()) {
    lines.push(`Step ${n + 1}: output[${s.row}][${s.col}], window rows ${s.row * stride}..${s.row * stride + size - 1}, cols ${s.col * stride}..${s.col * stride + size - 1}`);
    lines.push(...block(s.window, width).map((r) => `  ${r}`));
    const values = s.window.flat().map(fmt);
    const how = mode === 'avg' ? `(${values.join(' + ')}) / ${values.length}` : `${mode}(${values.join(', ')})`;
    lines.push(`  ${how} = ${fmt(s.value)}`, '');
  }
  return { steps, output, text: [...lines, ...resultLines(output)].join('\n') };
}

function rows<S extends { value: number }>(steps: S[], oh: number, ow: number): Matrix {
  return Array.from({ length: oh }, (_, i) => steps.slice(i * ow, (i + 1) * ow).map((s) => s.value));
}

function resultLines(output: Matrix): string[] {
  const width = cellWidth(output);
  return [`Output (${output.length}x${output[0].length}):`, ...block(output, width).map((r) => `  ${r}`), JSON.stringify(output.map((r) => r.map((v) => Number(fmt(v)))))];
}
