/**
 * The batch loops behind `evaluate` and `predict`. Each loop is a generator that pauses after every
 * batch: the synchronous methods run it straight through, the async ones (`evaluateAsync`,
 * `predictAsync`) let an EventLoopPacer yield to the event loop at the pauses, so both compute
 * exactly the same batches in the same order.
 */
import { tensor } from '../ops/create.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchOf, type DataSet } from './data-set.js';
import type { EventLoopPacer } from './event-loop-yield.js';
import { gatherBatch, type HostData } from './host-data.js';
import { type CompiledState, predictStep, predictTensors, type StepModel, testStep } from './steps.js';

/** Per-sample means of batch values: a batch of 10 counts ten times one of 1, as in Keras. */
export class RunningMeans {
  private sums: number[] = [];
  private count = 0;

  add(values: readonly number[], batchSize: number): void {
    values.forEach((v, i) => (this.sums[i] = (this.sums[i] ?? 0) + v * batchSize));
    this.count += batchSize;
  }

  means(): number[] {
    return this.sums.map((s) => s / this.count);
  }

  /** { loss, accuracy, ... } from the names of the values, optionally prefixed ('val_'). */
  logs(names: readonly string[], prefix = ''): Record<string, number> {
    const means = this.means();
    return Object.fromEntries(names.map((n, i) => [prefix + n, means[i]]));
  }
}

/** A loop that pauses (yields undefined) after each batch and returns its result. */
type BatchLoop<T> = Generator<void, T, void>;

/** Runs a batch loop to its end without pausing. */
export function runLoop<T>(loop: BatchLoop<T>): T {
  for (;;) {
    const r = loop.next();
    if (r.done === true) return r.value;
  }
}

/** Runs a batch loop, letting `pacer` yield to the event loop after each batch. */
export async function runLoopPaced<T>(loop: BatchLoop<T>, pacer: EventLoopPacer): Promise<T> {
  for (;;) {
    const r = loop.next();
    if (r.done === true) return r.value;
    await pacer.batchDone();
  }
}

/** The logged values (loss, ..., metrics) over all samples of `data`. */
export function* evaluateLoop(model: StepModel, compiled: CompiledState, data: DataSet, batchSize: number): BatchLoop<number[]> {
  const acc = new RunningMeans();
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(start + batchSize, data.count);
    acc.add(testStep(model, compiled, () => batchOf(data, null, start, end)), end - start);
    yield;
  }
  return acc.means();
}

/** The model's outputs for every sample, batch by batch: one tensor [count, ...outputShape] per output. */
export function* predictLoop(model: StepModel, xs: HostData[], batchSize: number): BatchLoop<Tensor[]> {
  const count = xs[0].count;
  if (count > 0 && count <= batchSize) {
    // One batch: its outputs are the result (no copy out to JS and back in).
    const outs = predictTensors(model, () => xs.map((x) => gatherBatch(x, null, 0, count)));
    yield;
    return outs;
  }
  let outs: (Float32Array | Int32Array)[] = [];
  let shapes: (readonly number[])[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(start + batchSize, count);
    const batch = predictStep(model, () => xs.map((x) => gatherBatch(x, null, start, end)));
    if (start === 0) {
      shapes = batch.map((b) => b.shape.slice(1));
      outs = batch.map((b, k) => (b.values instanceof Int32Array ? new Int32Array(count * sizeOf(shapes[k])) : new Float32Array(count * sizeOf(shapes[k]))));
    }
    batch.forEach((b, k) => outs[k].set(b.values, start * sizeOf(shapes[k])));
    yield;
  }
  if (outs.length === 0) throw new Error('predict: x has no samples');
  return outs.map((o, k) => tensor(o, [count, ...shapes[k]], o instanceof Int32Array ? 'int32' : 'float32'));
}
