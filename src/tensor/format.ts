/**
 * The printed form of a tensor, following PyTorch's repr so values read the same in both:
 *
 *   tensor([[1., 2.],            floats that are all whole numbers end in '.'
 *           [3., 4.]])
 *   tensor([0.1000, 2.5000])     otherwise 4 decimals, or 4 significant digits in scientific
 *                                notation when the magnitudes span more than 1000x, exceed 1e8
 *                                or go below 1e-4
 *   tensor([1, 2], dtype=int32)  a dtype other than float32 is named
 *
 * Tensors with more than 1000 elements show the first and last 3 entries of each dim longer than
 * 6, with '...' between; rows wrap at 80 columns. Entries are right-aligned to a common width.
 */
import type { DataArray, DType } from './dtype.js';
import { shapeToString, stridesOf } from './shape.js';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = 'tensor(';

export interface Printable {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: DataArray;
  /** Extra `key=value` parts PyTorch shows after the values (requiresGrad, gradFn). */
  readonly suffixes?: readonly string[];
}

/** How every entry of one tensor is written: one mode and one width for all. */
interface Formatter {
  readonly isFloat: boolean;
  readonly mode: 'int' | 'fixed' | 'sci';
  readonly width: number;
}

/** Python's `{:.4e}`: the exponent has a sign and at least two digits (1.0000e+00). */
function scientific(v: number): string {
  const [mantissa, exp] = v.toExponential(PRECISION).split('e');
  const sign = exp.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
}

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

/** One entry without padding. */
function entry(v: number, f: Formatter): string {
  if (!f.isFloat) return String(v);
  if (!Number.isFinite(v)) return nonFinite(v);
  // JS drops the sign of -0; Python (and so PyTorch) keeps it.
  const sign = Object.is(v, -0) ? '-' : '';
  if (f.mode === 'sci') return sign + scientific(v);
  if (f.mode === 'int') return `${sign}${v.toFixed(0)}.`;
  return sign + v.toFixed(PRECISION);
}

/** PyTorch's choice of mode and width, made from the entries that will be shown. */
function formatterFor(shown: readonly number[], dtype: DType): Formatter {
  if (dtype === 'int32') return { isFloat: false, mode: 'int', width: Math.max(1, ...shown.map((v) => String(v).length)) };
  const finite = shown.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  if (finite.length === 0) return { isFloat: true, mode: 'int', width: 1 };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const whole = finite.every((v) => Number.isInteger(v));
  const wide = hi / lo > 1000 || hi > 1e8;
  const mode = wide || (!whole && lo < 1e-4) ? 'sci' : whole ? 'int' : 'fixed';
  const f: Formatter = { isFloat: true, mode, width: 1 };
  const signed = shown.filter((v) => Number.isFinite(v) && v !== 0);
  return { ...f, width: Math.max(1, ...signed.map((v) => entry(v, f).length)) };
}

/** Indices along a dim of length n that are shown (-1 marks the '...'). */
function shownIndices(n: number, summarize: boolean): number[] {
  const all = [...Array(n).keys()];
  if (!summarize || n <= 2 * EDGE_ITEMS) return all;
  return [...all.slice(0, EDGE_ITEMS), -1, ...all.slice(n - EDGE_ITEMS)];
}

/** Walks the shown entries in order, calling `visit` with each flat offset. */
function collect(shape: readonly number[], strides: readonly number[], summarize: boolean, dim: number, offset: number, out: number[]): void {
  if (dim === shape.length) {
    out.push(offset);
    return;
  }
  for (const i of shownIndices(shape[dim], summarize)) if (i >= 0) collect(shape, strides, summarize, dim + 1, offset + i * strides[dim], out);
}

interface Layout {
  readonly p: Printable;
  readonly strides: readonly number[];
  readonly summarize: boolean;
  readonly f: Formatter;
}

function padded(v: number, f: Formatter): string {
  return entry(v, f).padStart(f.width);
}

/** A 1-d row: entries joined by ', ', wrapped to the line width. */
function vector(l: Layout, offset: number, indent: number): string {
  const dim = l.p.shape.length - 1;
  const items = shownIndices(l.p.shape[dim], l.summarize).map((i) => (i < 0 ? ' ...' : padded(l.p.values[offset + i * l.strides[dim]], l.f)));
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (l.f.width + 2)));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

/** Dims from `dim` on, nested brackets; blocks of higher dims are separated by blank lines. */
function block(l: Layout, dim: number, offset: number, indent: number): string {
  const rank = l.p.shape.length;
  if (dim === rank - 1) return vector(l, offset, indent);
  const parts = shownIndices(l.p.shape[dim], l.summarize).map((i) => (i < 0 ? '...' : block(l, dim + 1, offset + i * l.strides[dim], indent + 1)));
  return `[${parts.join(`,${'\n'.repeat(rank - dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** PyTorch's rule for the parts after the values: same line unless it would pass 80 columns. */
function withSuffixes(body: string, suffixes: readonly string[]): string {
  let out = body;
  let lineLength = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lineLength + s.length + 2 > LINE_WIDTH) {
      out += `,\n${' '.repeat(PREFIX.length)}${s}`;
      lineLength = PREFIX.length + s.length;
    } else {
      out += `, ${s}`;
      lineLength += s.length + 2;
    }
  }
  return `${out})`;
}

/** The PyTorch-style text of a tensor's values (see the file comment). */
export function formatTensor(p: Printable): string {
  const suffixes = [...(p.dtype === 'float32' ? [] : [`dtype=${p.dtype}`]), ...(p.suffixes ?? [])];
  if (p.values.length === 0) {
    const size = p.shape.length === 1 ? [] : [`shape=${shapeToString(p.shape)}`];
    return withSuffixes(`${PREFIX}[]`, [...size, ...suffixes]);
  }
  const summarize = p.values.length > THRESHOLD;
  const strides = stridesOf(p.shape);
  const offsets: number[] = [];
  collect(p.shape, strides, summarize, 0, 0, offsets);
  const f = formatterFor(offsets.map((o) => p.values[o]), p.dtype);
  const body = p.shape.length === 0 ? padded(p.values[0], f) : block({ p, strides, summarize, f }, 0, 0, PREFIX.length);
  return withSuffixes(PREFIX + body, suffixes);
}

/** What a released tensor prints: its shape and dtype, since its values are gone. */
export function formatReleased(shape: readonly number[], dtype: DType): string {
  return `${PREFIX}<released>, shape=${shapeToString(shape)}, dtype=${dtype})`;
}
