/**
 * Checks of the data given to fit / evaluate / predict against what the model expects, before any
 * step runs, with the message a user needs instead of a shape error from deep inside a layer:
 * a single sample without the batch axis, a flat typed array whose sample shape cannot be known,
 * integer class labels given to categorical_crossentropy. Messages give shapes, never data.
 */
import type { SymbolicShape } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TypedNumbers } from './array-data.js';

/** `[N, 28, 28, 1]`: the batch axis as N, other unknown axes as ?. */
export function batchShapeText(shape: SymbolicShape): string {
  return `[${shape.map((d, i) => (i === 0 ? 'N' : d ?? '?')).join(', ')}]`;
}

const text = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Throws when `x` looks like one sample of the expected input: its shape without the batch axis. */
export function checkBatchAxis(x: Tensor, expected: SymbolicShape | null, label: string, op: string): void {
  if (expected === null || x.rank !== expected.length - 1) return;
  const sample = expected.slice(1);
  if (!sample.every((d, i) => d === null || d === x.shape[i])) return;
  throw new Error(`${op}: add a batch dimension: the model expects ${label} of shape ${batchShapeText(expected)}, got ${text(x.shape)} (one sample? give it as [1, ${x.shape.join(', ')}])`);
}

/**
 * A flat typed array is one axis; it is model input only when the model takes one number per
 * sample. Anything else needs the shape from a tensor or from nesting.
 */
export function checkFlatInput(values: TypedNumbers, expected: SymbolicShape | null, label: string, op: string): void {
  if (expected !== null && expected.length === 1) return;
  const wanted = expected === null ? 'its shape' : `shape ${batchShapeText(expected)}`;
  throw new Error(`${op}: ${label} is a flat ${values.constructor.name} of ${values.length} values, which does not give the shape of a sample; ` +
    `pass tensor(values, ${expected === null ? 'shape' : batchShapeText(expected)}) or nested arrays (the model expects ${wanted})`);
}

/**
 * categorical_crossentropy takes one-hot rows; labels of shape [N] or [N, 1] against an output of
 * several classes are class indices meant for the sparse loss (Keras users hit this often).
 */
export function checkTargets(ys: readonly Tensor[], outputShapes: readonly (SymbolicShape | null)[], lossNames: readonly string[], op: string): void {
  ys.forEach((y, k) => {
    const out = outputShapes[k];
    const classes = out?.[out.length - 1];
    if (lossNames[k] !== 'categorical_crossentropy' || out === null || out === undefined || typeof classes !== 'number' || classes < 2) return;
    const labels = y.rank === out.length - 1 || (y.rank === out.length && y.shape[y.rank - 1] === 1);
    const middle = out.slice(1, -1);
    if (!labels || !middle.every((d, i) => d === null || d === y.shape[i + 1])) return;
    const label = ys.length > 1 ? `y[${k}]` : 'y';
    throw new Error(`${op}: categorical_crossentropy needs one-hot targets of shape ${batchShapeText(out)}, got ${label} of shape ${text(y.shape)} (class indices?); ` +
      `use toCategorical(${label}, ${classes}) or loss 'sparse_categorical_crossentropy'`);
  });
}
