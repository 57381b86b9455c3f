/**
 * A Dataset as the training loop's batch source (fit, its validation, evaluate, predict), with
 * Keras's rules for dataset input: each element is one batch, `[x, y]`, `[x, y, sampleWeight]`,
 * `{ x, y, sampleWeight? }`, or x alone for predict. The model is built from the first batch
 * (outside any step scope, so the weights survive the step).
 */
import { Dataset } from '../data/dataset.js';
import { isTensor } from '../data/dataset-elements.js';
import type { SymbolicShape } from '../layers/layer.js';
import { tensor } from '../ops/create.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { kindOf } from './array-data.js';
import type { EpochBatches, Names, SourceBatch } from './batch-sources.js';
import { asList, sampleWeightValues, type TensorArg } from './data-set.js';
import type { EventLoopPacer } from './event-loop-yield.js';
import { batchShapeText } from './input-checks.js';
import { predictStep, type StepModel } from './steps.js';

/** The parts of one dataset element. */
interface ElementParts {
  x: TensorArg;
  y?: TensorArg;
  sampleWeight?: Tensor;
}

/** What the source needs from the model: names, expected shapes, and a build-on-first-batch hook. */
export interface DatasetModel {
  names: Names;
  inputShapes: (SymbolicShape | null)[];
  /** Called with the first batch's inputs and targets, outside any step scope. */
  prepare(xs: Tensor[], ys: Tensor[] | null): void;
}

function partsOf(e: unknown, op: string): ElementParts {
  if (Array.isArray(e) && e.length >= 1 && e.length <= 3) return { x: e[0], y: e[1], sampleWeight: e[2] };
  if (typeof e === 'object' && e !== null && !Array.isArray(e) && !isTensor(e) && 'x' in e) {
    const r = e as Record<string, unknown>;
    const extra = Object.keys(r).filter((k) => !['x', 'y', 'sampleWeight'].includes(k));
    if (extra.length > 0) throw new Error(`${op}: a Dataset element { x, y, sampleWeight } has unknown key(s) ${extra.join(', ')}`);
    return r as unknown as ElementParts;
  }
  if (isTensor(e)) return { x: e };
  throw new Error(`${op}: each Dataset element must be a batch [x, y], [x, y, sampleWeight] or { x, y, sampleWeight? }, got ${kindOf(e)}`);
}

/** Refuses unbatched elements with the fix: a single sample where the model takes a batch. */
function checkBatched(xs: Tensor[], expected: (SymbolicShape | null)[], op: string): void {
  xs.forEach((x, i) => {
    const want = expected[i];
    if (want === null || want === undefined || x.rank !== want.length - 1) return;
    if (!want.slice(1).every((d, k) => d === null || d === x.shape[k])) return;
    throw new Error(`${op}: the Dataset's elements are single samples (x of shape [${x.shape.join(', ')}], the model takes ${batchShapeText(want)}); batch it first: dataset.batch(32)`);
  });
}

interface Read {
  xs: Tensor[];
  ys: Tensor[] | null;
  weights: Float32Array | null;
  /** The element's sampleWeight tensor (its values are in `weights`). */
  weightTensor: Tensor | null;
}

/**
 * Gives back an element's tensors at once: for a Dataset that hands its elements over, so that a
 * batch's storage comes back after its step instead of waiting in the heap for a garbage
 * collection (each one a full collection in Node, which also makes V8 grow its young generation).
 */
function releaseAll(xs: Tensor[], ys: Tensor[] | null, weights: Tensor | null): void {
  for (const t of [...xs, ...(ys ?? []), ...(weights === null ? [] : [weights])]) t.release();
}

/** Reads one element into the model's input (and target) lists. */
function readElement(e: unknown, model: DatasetModel, op: string, needTargets: boolean): Read {
  const parts = partsOf(e, op);
  const xs = asList(parts.x, model.names.inputs, 'input', op);
  checkBatched(xs, model.inputShapes, op);
  if (parts.y === undefined) {
    if (needTargets) throw new Error(`${op}: the Dataset's elements have no targets; give [x, y] or { x, y } batches`);
    return { xs, ys: null, weights: null, weightTensor: null };
  }
  const ys = asList(parts.y, model.names.outputs, 'output', op);
  const weights = parts.sampleWeight === undefined ? null : sampleWeightValues(parts.sampleWeight, op);
  const size = xs[0].shape[0];
  for (const [t, what] of [...ys.map((y) => [y, 'y'] as const), ...xs.map((x) => [x, 'x'] as const)]) {
    if (t.shape[0] !== size) throw new Error(`${op}: a Dataset batch has ${size} samples in x but ${t.shape[0]} in ${what}; they must have the same length along the first axis`);
  }
  if (weights !== null && weights.length !== size) throw new Error(`${op}: a Dataset batch has ${weights.length} sample weights for ${size} samples`);
  return { xs, ys, weights, weightTensor: parts.sampleWeight ?? null };
}

/** How batches are pulled from a dataset: a fresh pass each epoch, or one pass continued across epochs. */
export interface DatasetBatchesOptions {
  op: string;
  /** Batches per epoch; null for a whole pass. */
  steps: number | null;
  /**
   * Keras's steps_per_epoch on a dataset: one iterator continues across epochs and restarts only
   * once it is used up.
   */
  continueAcrossEpochs: boolean;
  /** Extra per-sample weights from the targets (classWeight), multiplied into sampleWeight. */
  weightsOf?: ((ys: Tensor[]) => Float32Array | null) | null;
}

/** A function giving each epoch's batches from `data`. */
export function datasetEpochs(data: Dataset<unknown>, model: DatasetModel, o: DatasetBatchesOptions): () => EpochBatches {
  let iterator: AsyncIterator<unknown> | null = null;
  let prepared = false;
  return () => {
    if (iterator === null || !o.continueAcrossEpochs) iterator = data[Symbol.asyncIterator]();
    const it = iterator;
    let taken = 0;
    return {
      next: async (): Promise<SourceBatch | null> => {
        if (o.steps !== null && taken >= o.steps) return null;
        const r = await it.next();
        if (r.done) {
          iterator = null;
          return null;
        }
        taken++;
        const read = readElement(r.value, model, o.op, true);
        const ys = read.ys as Tensor[];
        if (!prepared) {
          model.prepare(read.xs, ys);
          prepared = true;
        }
        const cw = o.weightsOf?.(ys) ?? null;
        const weights = cw === null ? read.weights : read.weights === null ? cw : read.weights.map((w, i) => w * cw[i]);
        const release = data.elementsHandedOver ? () => releaseAll(read.xs, ys, read.weightTensor) : undefined;
        return { make: () => ({ xs: read.xs, ys, weights }), size: read.xs[0].shape[0], release };
      },
    };
  };
}

/** Steps of one epoch over `data`: `steps` when given, else the dataset's length (refused when infinite). */
export function datasetSteps(data: Dataset<unknown>, steps: number | undefined, op: string, stepsName: string): number | null {
  if (steps !== undefined) {
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`${op}: ${stepsName} must be a positive integer, got ${steps}`);
    return steps;
  }
  if (data.cardinality() === Dataset.INFINITE) {
    throw new Error(`${op}: the Dataset is infinite (repeat() without a count); give ${stepsName} to say how many batches make an epoch`);
  }
  return null;
}

/** The model's outputs over every batch of `data` (x only; targets are ignored, as in Keras). */
export async function predictDataset(model: StepModel, data: Dataset<unknown>, source: DatasetModel, steps: number | null, pacer: EventLoopPacer): Promise<Tensor[]> {
  const chunks: { values: Float32Array | Int32Array; shape: readonly number[] }[][] = [];
  let prepared = false;
  for await (const e of data) {
    if (steps !== null && chunks.length >= steps) break;
    const { xs } = readElement(e, source, 'predict', false);
    if (!prepared) {
      source.prepare(xs, null);
      prepared = true;
    }
    chunks.push(predictStep(model, () => xs));
    if (data.elementsHandedOver) releaseAll(xs, null, null);
    await pacer.batchDone();
  }
  if (chunks.length === 0) throw new Error('predict: the Dataset is empty (no batch); give at least one batch');
  return chunks[0].map((first, k) => {
    const sample = first.shape.slice(1);
    const count = chunks.reduce((n, c) => n + c[k].shape[0], 0);
    const out = first.values instanceof Int32Array ? new Int32Array(count * sizeOf(sample)) : new Float32Array(count * sizeOf(sample));
    let at = 0;
    for (const c of chunks) {
      out.set(c[k].values, at);
      at += c[k].values.length;
    }
    return tensor(out, [count, ...sample], out instanceof Int32Array ? 'int32' : 'float32');
  });
}
