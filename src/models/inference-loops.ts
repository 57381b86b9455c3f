/** The batch loops behind `evaluate` (and fit's validation) and `predict`. */
import { tensor } from '../ops/create.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchOf, type DataSet } from './data-set.js';
import { gatherBatch, type HostData } from './host-data.js';
import { type CompiledState, predictStep, type StepModel, testStep } from './steps.js';

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

/** The logged values (loss, ..., metrics) over all samples of `data`. */
export function evaluateLoop(model: StepModel, compiled: CompiledState, data: DataSet, batchSize: number): number[] {
  const acc = new RunningMeans();
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(start + batchSize, data.count);
    acc.add(testStep(model, compiled, () => batchOf(data, null, start, end)), end - start);
  }
  return acc.means();
}

/** The model's outputs for every sample, batch by batch: one tensor [count, ...outputShape] per output. */
export function predictLoop(model: StepModel, xs: HostData[], batchSize: number): Tensor[] {
  const count = xs[0].count;
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
  }
  if (outs.length === 0) throw new Error('predict: x has no samples');
  return outs.map((o, k) => tensor(o, [count, ...shapes[k]], o instanceof Int32Array ? 'int32' : 'float32'));
}
