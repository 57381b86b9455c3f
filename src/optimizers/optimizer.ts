/**
 * Optimizer base: turns (variable, gradient) pairs into in-place variable updates. Updates run
 * without recording gradients; per-variable state (momentum, moving averages) lives in slot
 * Variables so it survives the training step's scope.
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

export interface GradientPair {
  variable: Variable;
  grad: Tensor;
}

export abstract class Optimizer {
  /** Steps taken so far (Keras' `iterations`). */
  iterations = 0;
  private readonly slots = new Map<Variable, Map<string, Variable>>();

  constructor(public learningRate: number) {}

  /** One update of every variable from its gradient. */
  applyGradients(pairs: readonly GradientPair[]): void {
    noGrad(() => {
      this.iterations++;
      for (const { variable, grad } of pairs) this.updateVariable(variable, grad);
    });
  }

  /** Computes and assigns the new value of one variable. */
  protected abstract updateVariable(variable: Variable, grad: Tensor): void;

  /** Per-variable state, created by `init` on first use. */
  protected slot(variable: Variable, name: string, init: () => Tensor): Variable {
    let byName = this.slots.get(variable);
    if (byName === undefined) this.slots.set(variable, (byName = new Map()));
    let v = byName.get(name);
    if (v === undefined) byName.set(name, (v = new Variable(init(), `${variable.name}/${name}`, false)));
    return v;
  }

  abstract getConfig(): Record<string, unknown>;
}
