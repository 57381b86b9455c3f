/** The batch loops behind `evaluate` (and fit's validation) and `predict`. */
import { tensor } from '../ops/create.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
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

/** [loss, ...metrics] over all samples of x/y. */
export function evaluateLoop(model: StepModel, compiled: CompiledState, x: HostData, y: HostData, batchSize: number): number[] {
  const acc = new RunningMeans();
  for (let start = 0; start < x.count; start += batchSize) {
    const end = Math.min(start + batchSize, x.count);
    const values = testStep(model, compiled, () => [gatherBatch(x, null, start, end), gatherBatch(y, null, start, end)]);
    acc.add(values, end - start);
  }
  return acc.means();
}

/** The model's outputs for every sample, batch by batch, as one tensor [count, ...outputShape]. */
export function predictLoop(model: StepModel, x: HostData, batchSize: number): Tensor {
  let out: Float32Array | Int32Array | null = null;
  let sampleShape: readonly number[] = [];
  for (let start = 0; start < x.count; start += batchSize) {
    const end = Math.min(start + batchSize, x.count);
    const batch = predictStep(model, () => gatherBatch(x, null, start, end));
    if (out === null) {
      sampleShape = batch.shape.slice(1);
      out = batch.values instanceof Int32Array ? new Int32Array(x.count * sizeOf(sampleShape)) : new Float32Array(x.count * sizeOf(sampleShape));
    }
    out.set(batch.values, start * sizeOf(sampleShape));
  }
  if (out === null) throw new Error('predict: x has no samples');
  return tensor(out, [x.count, ...sampleShape], out instanceof Int32Array ? 'int32' : 'float32');
}
