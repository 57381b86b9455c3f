/**
 * The training loop behind `Sequential.fit`: epochs of shuffled batches, one scoped step each,
 * running means for the progress logs, validation at the end of each epoch, and every callback
 * hook awaited in Keras's order.
 */
import type { Callback, CallbackModel, Logs } from '../callbacks/callback.js';
import { CallbackList, History, ProgbarLogger } from '../callbacks/index.js';
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertSameCount, gatherBatch, type HostData, sliceSamples, toHost } from './host-data.js';
import { evaluateLoop, RunningMeans } from './inference-loops.js';
import { type CompiledState, type StepModel, trainStep } from './steps.js';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Reshuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the END before shuffling as Keras does, held out for validation. */
  validationSplit?: number;
  validationData?: [Tensor, Tensor];
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose?: number;
  /** Seed of the shuffling; by default drawn from the model's seed. */
  seed?: number;
  /** Epoch to start from (resuming a run): epochs initialEpoch..epochs-1 are trained. */
  initialEpoch?: number;
}

export interface FitModel extends StepModel, CallbackModel {}

interface Split {
  x: HostData;
  y: HostData;
  val: { x: HostData; y: HostData } | null;
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`fit: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** Reads x/y once and separates the validation samples. */
function splitData(x: Tensor, y: Tensor, o: FitOptions): Split {
  assertSameCount(x, y, 'fit');
  const xh = toHost(x, 'x', 'fit');
  const yh = toHost(y, 'y', 'fit');
  if (o.validationData !== undefined) {
    const [vx, vy] = o.validationData;
    assertSameCount(vx, vy, 'fit (validationData)');
    return { x: xh, y: yh, val: { x: toHost(vx, 'validation x', 'fit'), y: toHost(vy, 'validation y', 'fit') } };
  }
  const split = o.validationSplit ?? 0;
  if (split === 0) return { x: xh, y: yh, val: null };
  const at = Math.floor(xh.count * (1 - split));
  if (!(split > 0 && split < 1) || at === 0 || at === xh.count) {
    throw new Error(`fit: validationSplit ${split} leaves no training or no validation samples out of ${xh.count}`);
  }
  const val = { x: sliceSamples(xh, at, xh.count), y: sliceSamples(yh, at, yh.count) };
  return { x: sliceSamples(xh, 0, at), y: sliceSamples(yh, 0, at), val };
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** One epoch of training steps; returns the epoch's mean loss and metrics. */
async function trainEpoch(
  model: FitModel, compiled: CompiledState, data: Split, order: Int32Array, batchSize: number, list: CallbackList, names: string[],
): Promise<Logs> {
  const acc = new RunningMeans();
  const n = data.x.count;
  for (let step = 0, start = 0; start < n; step++, start += batchSize) {
    const end = Math.min(start + batchSize, n);
    await list.onTrainBatchBegin(step, { batch: step, size: end - start });
    const values = trainStep(model, compiled, () => [gatherBatch(data.x, order, start, end), gatherBatch(data.y, order, start, end)]);
    acc.add(values, end - start);
    await list.onTrainBatchEnd(step, { ...acc.logs(names), batch: step, size: end - start });
    if (model.stopTraining) break;
  }
  return acc.logs(names);
}

/** Trains `model`; returns the History callback holding the per-epoch logs. */
export async function fitLoop(model: FitModel, compiled: CompiledState, x: Tensor, y: Tensor, o: FitOptions, rng: Random): Promise<History> {
  const epochs = positiveInt(o.epochs ?? 1, 'epochs');
  const batchSize = positiveInt(o.batchSize ?? 32, 'batchSize');
  const verbose = o.verbose ?? 1;
  const data = splitData(x, y, o);
  const names = ['loss', ...compiled.metrics.map((m) => m.name)];
  const history = new History();
  const list = new CallbackList([...(o.callbacks ?? []), history, ...(verbose > 0 ? [new ProgbarLogger({ countMode: 'steps' })] : [])]);
  list.setModel(model);
  list.setParams({ epochs, steps: Math.ceil(data.x.count / batchSize), verbose, samples: data.x.count });
  model.stopTraining = false;
  await list.onTrainBegin({});
  let logs: Logs = {};
  for (let epoch = o.initialEpoch ?? 0; epoch < epochs; epoch++) {
    await list.onEpochBegin(epoch, {});
    const order = o.shuffle ?? true ? rng.permutation(data.x.count) : identity(data.x.count);
    logs = await trainEpoch(model, compiled, data, order, batchSize, list, names);
    if (data.val !== null) {
      const valValues = evaluateLoop(model, compiled, data.val.x, data.val.y, batchSize);
      names.forEach((n, i) => (logs[`val_${n}`] = valValues[i]));
    }
    await list.onEpochEnd(epoch, logs);
    if (model.stopTraining) break;
  }
  await list.onTrainEnd(logs);
  return history;
}
