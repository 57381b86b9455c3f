/**
 * In-memory training data as the loops see it: every input and target read once to the host
 * (see host-data.ts), plus optional per-sample loss weights. Batches are gathered from it inside
 * each step's scope.
 */
import type { SymbolicShape } from '../layers/layer.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ArrayData, isArrayData, isTypedNumbers, kindOf, tensorFromArrayData } from './array-data.js';
import { gatherBatch, type HostData, sliceSamples, toHost } from './host-data.js';
import { checkBatchAxis, checkFlatInput } from './input-checks.js';
import type { Batch } from './steps.js';

export interface DataSet {
  xs: HostData[];
  ys: HostData[];
  weights: Float32Array | null;
  count: number;
}

/** One input or target: a tensor, or plain JavaScript data (nested arrays, a typed array; see array-data.ts). */
export type DataArg = Tensor | ArrayData;

/** Model inputs or targets: one, a list (several inputs/outputs) or a map by layer name. */
export type TensorArg = DataArg | DataArg[] | Record<string, DataArg>;

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isTypedNumbers(v) && 'shape' in v && 'dtype' in v;
}

/**
 * One input or target as a tensor: plain data is converted once. For inputs (`expected` given,
 * null when unknown) a flat typed array must fit a model of one number per sample, and a single
 * sample without the batch axis is named as such.
 */
function toTensor(v: unknown, label: string, op: string, expected: SymbolicShape | null | undefined): Tensor {
  let t: Tensor;
  if (isTensor(v)) t = v;
  else if (isArrayData(v)) {
    if (expected !== undefined && isTypedNumbers(v)) checkFlatInput(v, expected, label, op);
    t = tensorFromArrayData(v, label, op);
  } else throw new Error(`${op}: ${label} must be a tensor, nested arrays of numbers or a typed array, got ${kindOf(v)}`);
  if (expected !== undefined) checkBatchAxis(t, expected, label, op);
  return t;
}

/**
 * `arg` as a list of tensors in the order of `names` (a model's input or output layer names).
 * An array is the list of a model's inputs (outputs) when the model has several, or when it
 * holds tensors; otherwise it is the data of the one input (output). `expected` are the input
 * shapes (batch axis first, null when not known yet), given for inputs.
 */
export function asList(arg: TensorArg, names: readonly string[], what: string, op: string, expected?: readonly (SymbolicShape | null)[]): Tensor[] {
  const xy = what === 'input' ? 'x' : 'y';
  const label = (i: number): string => (names.length > 1 ? `${xy}[${i}]` : xy);
  const convert = (v: unknown, i: number): Tensor => toTensor(v, label(i), op, expected === undefined ? undefined : expected[i] ?? null);
  if (Array.isArray(arg) && (names.length > 1 || arg.some(isTensor))) {
    if (arg.length !== names.length) throw new Error(`${op}: the model has ${names.length} ${what}s (${names.join(', ')}) but ${arg.length} were given`);
    return arg.map(convert);
  }
  if (isTensor(arg) || isArrayData(arg)) {
    if (names.length !== 1) throw new Error(`${op}: the model has ${names.length} ${what}s (${names.join(', ')}); pass a list or an object keyed by name`);
    return [convert(arg, 0)];
  }
  if (typeof arg !== 'object' || arg === null) throw new Error(`${op}: ${xy} must be a tensor, nested arrays, a list or an object keyed by ${what} name, got ${kindOf(arg)}`);
  const map = arg as Record<string, DataArg>;
  const unknown = Object.keys(map).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown ${what} name(s) ${unknown.join(', ')}; the model's ${what}s are ${names.join(', ')}`);
  return names.map((n, i) => {
    if (map[n] === undefined) throw new Error(`${op}: no ${what} given for '${n}'`);
    return convert(map[n], i);
  });
}

/**
 * Throws when the inputs hold no sample: a loop over nothing would return an empty history,
 * NaN means or no outputs instead of saying what is wrong.
 */
export function assertNotEmpty(xs: readonly Tensor[], op: string): void {
  const empty = xs.findIndex((x) => x.rank >= 1 && x.shape[0] === 0);
  if (xs.length > 0 && empty >= 0) {
    const what = xs.length > 1 ? `x[${empty}]` : 'x';
    throw new Error(`${op}: the data is empty (${what} has 0 samples, shape ${shapeToString(xs[empty].shape)}); give at least one sample`);
  }
}

/** Reads lists of input and target tensors once; checks every one has the same number of samples. */
export function toDataSet(xs: Tensor[], ys: Tensor[], weights: Float32Array | null, op: string): DataSet {
  assertNotEmpty(xs, op);
  const hx = xs.map((x, i) => toHost(x, xs.length > 1 ? `x[${i}]` : 'x', op));
  const hy = ys.map((y, i) => toHost(y, ys.length > 1 ? `y[${i}]` : 'y', op));
  const count = hx[0].count;
  for (const [h, what] of [...hx.map((h) => [h, 'x'] as const), ...hy.map((h) => [h, 'y'] as const)]) {
    if (h.count !== count) {
      const label = what === 'y' ? 'labels' : 'samples';
      throw new Error(`${op}: x has ${count} samples but ${what} has ${h.count} ${label}; they must have the same length along the first axis`);
    }
  }
  if (weights !== null && weights.length !== count) throw new Error(`${op}: sampleWeight has ${weights.length} values for ${count} samples`);
  return { xs: hx, ys: hy, weights, count };
}

export function sliceDataSet(d: DataSet, start: number, end: number): DataSet {
  return {
    xs: d.xs.map((h) => sliceSamples(h, start, end)),
    ys: d.ys.map((h) => sliceSamples(h, start, end)),
    weights: d.weights === null ? null : d.weights.subarray(start, end),
    count: end - start,
  };
}

/** The batch of samples `order[start..end)` (in order when `order` is null); call inside a step scope. */
export function batchOf(d: DataSet, order: Int32Array | null, start: number, end: number): Batch {
  let weights: Float32Array | null = null;
  if (d.weights !== null) {
    const w = d.weights;
    weights = Float32Array.from({ length: end - start }, (_, i) => w[order === null ? start + i : order[start + i]]);
  }
  return { xs: d.xs.map((h) => gatherBatch(h, order, start, end)), ys: d.ys.map((h) => gatherBatch(h, order, start, end)), weights };
}

/** Checks a sample-weight tensor: one float per sample. */
export function sampleWeightValues(w: Tensor, op: string): Float32Array {
  if (w.rank !== 1) throw new Error(`${op}: sampleWeight must be a vector [samples], got shape ${shapeToString(w.shape)}`);
  return Float32Array.from(w.dataSync());
}
