/**
 * In-memory training data as the loops see it: every input and target read once to the host
 * (see host-data.ts), plus optional per-sample loss weights. Batches are gathered from it inside
 * each step's scope.
 */
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherBatch, type HostData, sliceSamples, toHost } from './host-data.js';
import type { Batch } from './steps.js';

export interface DataSet {
  xs: HostData[];
  ys: HostData[];
  weights: Float32Array | null;
  count: number;
}

/** Model inputs or targets: one tensor, a list (several inputs/outputs) or a map by layer name. */
export type TensorArg = Tensor | Tensor[] | Record<string, Tensor>;

/** `arg` as a list in the order of `names` (a model's input or output layer names). */
export function asList(arg: TensorArg, names: readonly string[], what: string, op: string): Tensor[] {
  if (Array.isArray(arg)) {
    if (arg.length !== names.length) throw new Error(`${op}: the model has ${names.length} ${what}s (${names.join(', ')}) but ${arg.length} were given`);
    return arg;
  }
  if ('shape' in arg && 'dtype' in arg) {
    if (names.length !== 1) throw new Error(`${op}: the model has ${names.length} ${what}s (${names.join(', ')}); pass a list or an object keyed by name`);
    return [arg as Tensor];
  }
  const map = arg as Record<string, Tensor>;
  const unknown = Object.keys(map).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new Error(`${op}: unknown ${what} name(s) ${unknown.join(', ')}; the model's ${what}s are ${names.join(', ')}`);
  return names.map((n) => {
    if (map[n] === undefined) throw new Error(`${op}: no ${what} given for '${n}'`);
    return map[n];
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
