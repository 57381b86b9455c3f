/**
 * One optimizer step over many variables: the variables whose updates are equal (same rule and
 * hyper-parameters, hence the same float32 constants) go through one ApplyOptimizer kernel call,
 * so a step costs one call per distinct update instead of one per variable. Both optimizer
 * families (Keras-style src/optimizers, PyTorch-style src/nn/optim) update through here.
 *
 * Each variable's update runs on its values as stored (tensor/layout.ts): a conv weight held HWIO
 * under an OIHW shape is updated in HWIO, its gradient and slots read in that order too (put in it
 * by one Transpose when something reordered them), and the new values keep the order.
 */
import { engine } from '../backend/engine.js';
import { optimizerSlots, type OptimizerUpdate, type TensorInfo } from '../backend/kernels.js';
import type { StoredOrder } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { zerosLike } from './create.js';

/** One variable's step: its value, gradient and slots in `optimizerSlots(update)` order (null: zeros). */
export interface VariableStep {
  param: Tensor;
  grad: Tensor;
  update: OptimizerUpdate;
  slots: (Tensor | null)[];
}

/**
 * Runs every step; returns, for each in the order given, [new param, ...new slots] (float32, the
 * param's shape and stored order). Inputs are not modified: the caller assigns the results.
 */
export function optimizerStep(steps: readonly VariableStep[]): Tensor[][] {
  const results: Tensor[][] = new Array(steps.length);
  for (const members of groupByUpdate(steps)) {
    const outs = runGroup(members.map((i) => steps[i]!));
    members.forEach((i, j) => (results[i] = outs[j]!));
  }
  return results;
}

/** Indices of the steps grouped by equal updates, groups in order of first appearance. */
function groupByUpdate(steps: readonly VariableStep[]): number[][] {
  const groups = new Map<string, number[]>();
  let last: OptimizerUpdate | null = null;
  let key = '';
  steps.forEach((s, i) => {
    // Keras-style optimizers pass one update object for the whole step; PyTorch-style ones one
    // per parameter, usually equal to the previous one (compared field by field: no key string;
    // equal fields in another order make the same update, so sharing the key is right).
    if (last === null || !sameFields(s.update, last)) key = updateKey(s.update);
    last = s.update;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [i]);
    else g.push(i);
  });
  return [...groups.values()];
}

/** Whether two updates have the same fields with the same values (no allocation: it runs per variable per step). */
function sameFields(a: OptimizerUpdate, b: OptimizerUpdate): boolean {
  if (a === b) return true;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  for (const k in x) if (!(k in y) || !Object.is(x[k], y[k])) return false;
  for (const k in y) if (!(k in x)) return false;
  return true;
}

/**
 * Equal keys for equal updates built by the same code (same fields in the same order); an update
 * built with its fields in another order only lands in a group of its own. Cheap: it runs for
 * every variable of every step.
 */
function updateKey(u: OptimizerUpdate): string {
  let key = '';
  for (const [name, value] of Object.entries(u)) key += `${name}=${String(value)};`;
  return key;
}

/** One ApplyOptimizer call over steps that share their update. */
function runGroup(steps: readonly VariableStep[]): Tensor[][] {
  const update = steps[0]!.update;
  const orders = steps.map((s) => s.param.storedOrder);
  const infos: { params: TensorInfo[]; grads: TensorInfo[]; slots: TensorInfo[] } = { params: [], grads: [], slots: [] };
  steps.forEach((s, i) => {
    const order = orders[i]!;
    infos.params.push(engine.storedInfoIn(s.param, order));
    infos.grads.push(engine.storedInfoIn(s.grad, order));
    for (const slot of s.slots) infos.slots.push(engine.storedInfoIn(slot ?? zerosIn(s.param, order), order));
  });
  const outs = engine.runStored('ApplyOptimizer', infos, update) as TensorInfo[];
  const k = 1 + optimizerSlots(update).length;
  return steps.map((s, i) => outs.slice(i * k, i * k + k).map((o) => engine.wrapInOrder(o, s.param.shape, orders[i]!)));
}

/** Zeros labelled with `order`: zeros are zeros in any order, so no Transpose is needed. */
function zerosIn(p: Tensor, order: StoredOrder | null): Tensor {
  const z = zerosLike(p);
  z.setStoredOrder(order);
  return z;
}
