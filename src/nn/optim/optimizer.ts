/**
 * The PyTorch optimizer contract: built from parameters (or parameter groups with their own
 * options), `zeroGrad()` forgets the gradients `loss.backward()` filled in, `step()` applies one
 * update from `.grad`. Updates run without recording gradients, and their temporaries are freed
 * as soon as the step ends; per-parameter state lives in a map keyed by the parameter.
 */
import { noGrad } from '../../autograd/grad-mode.js';
import { engine } from '../../backend/engine.js';
import { optimizerSlots, type OptimizerUpdate } from '../../backend/kernels.js';
import { zerosLike } from '../../ops/create.js';
import { keep, withScope } from '../../tensor/scope.js';
import type { StoredOrder } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Variable } from '../../tensor/variable.js';

export interface ParamGroup<O> {
  params: Variable[];
  options: O;
}

export type ParamsArg<O> = Iterable<Variable> | ({ params: Iterable<Variable> } & Partial<O>)[];

export abstract class Optimizer<O extends object> {
  readonly paramGroups: ParamGroup<O>[];
  readonly state = new Map<Variable, Record<string, Tensor | number>>();

  constructor(params: ParamsArg<O>, defaults: O, readonly name: string) {
    const list = [...params];
    const groups = list.length > 0 && !isVariable(list[0]) ? (list as ({ params: Iterable<Variable> } & Partial<O>)[]) : [{ params: list as Variable[] }];
    this.paramGroups = groups.map(({ params: p, ...rest }) => ({ params: [...p], options: { ...defaults, ...rest } as O }));
    for (const g of this.paramGroups) {
      if (g.params.length === 0) throw new Error(`${name}: got an empty parameter list`);
      this.validate(g.options);
    }
  }

  /** Throws a clear error for an invalid option (named, with its value). */
  protected abstract validate(options: O): void;

  /** Computes and assigns the new value of `p` from its gradient. */
  protected abstract update(p: Variable, grad: Tensor, options: O, state: Record<string, Tensor | number>): void;

  /**
   * One fused step of `p` (the ApplyOptimizer kernel; equations in backend/ref/optimizer-rules.ts):
   * the update's state tensors (zeros when absent) go in, their new values are stored under the
   * same keys, and p takes its new value.
   */
  protected applyUpdate(p: Variable, grad: Tensor, update: OptimizerUpdate, state: Record<string, Tensor | number>): void {
    const names = optimizerSlots(update);
    const order = p.storedOrder;
    const onBackend = (t: Tensor) => t.backend === engine.backend;
    if (order !== null && onBackend(p) && onBackend(grad) && names.every((name) => typeof state[name] !== 'object' || onBackend(state[name] as Tensor))) {
      this.applyInStoredOrder(p, grad, update, state, names, order);
      return;
    }
    const slots = names.map((name) => (state[name] as Tensor | undefined) ?? zerosLike(p));
    const [param, ...next] = engine.runKernelOutputs('ApplyOptimizer', { param: p, grad, slots }, update);
    names.forEach((name, i) => storeSlot(state, name, next[i]!, null));
    p.assign(param);
  }

  /**
   * The update of a parameter stored permuted (conv weights, HWIO under an OIHW shape): the rule is
   * elementwise, so it runs on the stored values, with the gradient and slots in the same order
   * (they already are, unless something reordered them: then they are put back, one Transpose
   * each). The slots keep the order when read, as the parameter does.
   */
  private applyInStoredOrder(p: Variable, grad: Tensor, update: OptimizerUpdate, state: Record<string, Tensor | number>, names: readonly string[], order: StoredOrder): void {
    const inOrder = (t: Tensor) => engine.inStoredOrder(t, order);
    // Zeros are zeros in any order: a fresh slot is labelled with the parameter's.
    const slots = names.map((name) => inOrder((state[name] as Tensor | undefined) ?? zerosInOrder(p, order)));
    const [param, ...next] = engine.runOutputsInOrder('ApplyOptimizer', { param: p, grad: inOrder(grad), slots }, update, p.shape, order);
    names.forEach((name, i) => storeSlot(state, name, next[i]!, order));
    p.assign(param!);
  }

  /** Sets every parameter's `.grad` to null (PyTorch's default `set_to_none=True`). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    withScope(() => {
      noGrad(() => {
        for (const g of this.paramGroups) {
          for (const p of g.params) {
            const grad = p.peekGrad();
            if (grad === null) continue;
            let s = this.state.get(p);
            if (s === undefined) this.state.set(p, (s = {}));
            this.update(p, grad, g.options, s);
            // State tensors outlive the step's scope.
            for (const v of Object.values(s)) if (typeof v !== 'number') keep(v);
          }
        }
      });
    });
  }
}

/**
 * Stores a slot's new value in the slot's Variable, as the Keras optimizers do: made once (zeros
 * held in `order`, the parameter's stored order), then assigned, so the state keeps the same tensor
 * and the old values' storage is released at once instead of at garbage collection.
 */
function storeSlot(state: Record<string, Tensor | number>, name: string, value: Tensor, order: StoredOrder | null): void {
  const held = state[name];
  if (held instanceof Variable) {
    held.assign(value);
    return;
  }
  const slot = new Variable(zerosLike(value), name, false);
  if (order !== null) slot.holdLayout(order);
  slot.assign(value);
  state[name] = slot;
}

function zerosInOrder(p: Tensor, order: StoredOrder): Tensor {
  const z = zerosLike(p);
  z.setStoredOrder(order);
  return z;
}

function isVariable(v: unknown): v is Variable {
  return typeof v === 'object' && v !== null && 'shape' in v && 'assign' in v;
}

/** Checks `value` is a finite number >= min; returns it. */
export function checkOption(owner: string, name: string, value: number, min = 0, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${owner}: ${name} must be a number ${range}, got ${String(value)}`);
  }
  return value;
}
