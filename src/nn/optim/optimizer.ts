/**
 * The PyTorch optimizer contract: built from parameters (or parameter groups with their own
 * options), `zeroGrad()` forgets the gradients `loss.backward()` filled in, `step()` applies one
 * update from `.grad`. Updates run without recording gradients, and their temporaries are freed
 * as soon as the step ends; per-parameter state lives in a map keyed by the parameter.
 */
import { noGrad } from '../../autograd/grad-mode.js';
import { optimizerSlots, type OptimizerUpdate } from '../../backend/kernels.js';
import { zerosLike } from '../../ops/create.js';
import { optimizerStep } from '../../ops/optimizer-step.js';
import { keep, withScope } from '../../tensor/scope.js';
import type { StoredOrder } from '../../tensor/layout.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Variable } from '../../tensor/variable.js';

export interface ParamGroup<O> {
  params: Variable[];
  options: O;
}

/** A parameter to update this step: its gradient, its group's options and its state. */
export interface PendingUpdate<O> {
  param: Variable;
  grad: Tensor;
  options: O;
  state: Record<string, Tensor | number>;
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

  /**
   * The update of one parameter this step (rule 'torch*' of backend/ref/optimizer-rules.ts), from
   * the group's options and the parameter's state; advances the state's counters (Adam's step).
   */
  protected abstract updateFor(options: O, state: Record<string, Tensor | number>): OptimizerUpdate;

  /**
   * One fused update of every pending parameter: one ApplyOptimizer call per distinct update, not
   * per parameter (ops/optimizer-step.ts). The update's state tensors (zeros when absent) go in,
   * their new values are stored under the same keys, and each parameter takes its new value; a
   * parameter stored permuted (conv weights, HWIO under an OIHW shape) is updated in its stored
   * order, its slots keeping that order as it does.
   */
  protected applyUpdates(pending: readonly PendingUpdate<O>[]): void {
    const updates = pending.map(({ options, state }) => this.updateFor(options, state));
    const next = optimizerStep(pending.map(({ param, grad, state }, i) => {
      const slots = optimizerSlots(updates[i]!).map((name) => (state[name] as Tensor | undefined) ?? null);
      return { param, grad, update: updates[i]!, slots };
    }));
    next.forEach(([value, ...slots], i) => {
      const { param, state } = pending[i]!;
      const order = param.storedOrder;
      optimizerSlots(updates[i]!).forEach((name, j) => storeSlot(state, name, slots[j]!, order));
      param.assign(value!);
    });
  }

  /** Sets every parameter's `.grad` to null (PyTorch's default `set_to_none=True`). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    withScope(() => {
      noGrad(() => {
        const pending: PendingUpdate<O>[] = [];
        for (const g of this.paramGroups) {
          for (const p of g.params) {
            const grad = p.peekGrad();
            if (grad === null) continue;
            let s = this.state.get(p);
            if (s === undefined) this.state.set(p, (s = {}));
            pending.push({ param: p, grad, options: g.options, state: s });
          }
        }
        this.applyUpdates(pending);
        // State tensors outlive the step's scope.
        for (const { state } of pending) for (const v of Object.values(state)) if (typeof v !== 'number') keep(v);
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
