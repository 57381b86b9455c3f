/**
 * Exponential moving averages of the trained weights, Keras 3's `use_ema`: after every optimizer
 * step each trained variable's average moves towards it,
 *   average = m * average + (1 - m) * variable,   m = emaMomentum (0 on the very first step),
 * and with `emaOverwriteFrequency` k the variables are overwritten by their averages every k
 * steps. At the end of `fit` the model takes the averages (`finalizeVariableValues`); the
 * SwapEMAWeights callback swaps them in for evaluation and checkpoints.
 */
import { add, mul } from '../ops/binary.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { checkNumber } from './validate.js';

export interface EmaOptions {
  /** Keep moving averages of the weights (default false). */
  useEma?: boolean;
  /** The averages' momentum m (default 0.99). */
  emaMomentum?: number;
  /** Overwrite the weights with their averages every this many steps (default null: never). */
  emaOverwriteFrequency?: number | null;
}

export interface EmaSettings {
  useEma: boolean;
  emaMomentum: number;
  emaOverwriteFrequency: number | null;
}

export function resolveEma(owner: string, o: EmaOptions): EmaSettings {
  const useEma = o.useEma ?? false;
  if (typeof useEma !== 'boolean') throw new Error(`${owner}: useEma must be true or false, got ${String(useEma)}`);
  const emaMomentum = checkNumber(owner, 'emaMomentum', o.emaMomentum ?? 0.99, 0, 1);
  const freq = o.emaOverwriteFrequency ?? null;
  if (freq !== null && !(Number.isInteger(freq) && freq >= 1)) {
    throw new Error(`${owner}: emaOverwriteFrequency must be an integer >= 1 or null, got ${String(freq)}`);
  }
  return { useEma, emaMomentum, emaOverwriteFrequency: freq };
}

/** The averages of one optimizer, one non-trainable Variable per trained variable. */
export class MovingAverages {
  private readonly averages = new Map<Variable, Variable>();

  constructor(readonly settings: EmaSettings) {}

  /** Every average by the variable it follows. */
  entries(): ReadonlyMap<Variable, Variable> {
    return this.averages;
  }

  /**
   * Moves the averages after step number `step` (0-based, counted before the step, as Keras's
   * `iterations`). An average first seen later than step 0 starts at its variable's value.
   */
  update(variables: readonly Variable[], step: number): void {
    const m = step === 0 ? 0 : this.settings.emaMomentum;
    for (const v of variables) {
      const avg = this.averages.get(v);
      if (avg === undefined) {
        this.averages.set(v, new Variable(v, `${v.name}/average`, false));
        continue;
      }
      avg.assign(add(mul(avg, m), mul(v, 1 - m)));
    }
    const k = this.settings.emaOverwriteFrequency;
    if (k !== null && (step + 1) % k === 0) this.overwrite(variables);
  }

  /** Assigns each variable its average. */
  overwrite(variables: readonly Variable[]): void {
    for (const v of variables) {
      const avg = this.averages.get(v);
      if (avg !== undefined) v.assign(avg);
    }
  }

  /** Installs a saved average (restoring a backup). */
  restore(variable: Variable, value: Tensor): void {
    this.averages.set(variable, new Variable(value, `${variable.name}/average`, false));
  }
}
