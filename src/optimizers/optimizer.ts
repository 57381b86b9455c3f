/**
 * Optimizer base: turns (variable, gradient) pairs into in-place variable updates. Updates run
 * without recording gradients; per-variable state (momentum, moving averages) lives in slot
 * Variables so it survives the training step's scope.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { mul, sub } from '../ops/binary.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';

export interface GradientPair {
  variable: Variable;
  grad: Tensor;
}

export abstract class Optimizer {
  /** Steps taken so far (Keras' `iterations`). */
  iterations = 0;
  /**
   * Keras 3's decoupled weight decay (null: off): before its update each variable shrinks by
   * `w -= learningRate * weightDecay * w`, independently of the gradient.
   */
  weightDecay: number | null = null;
  private readonly slots = new Map<Variable, Map<string, Variable>>();

  constructor(public learningRate: number) {}

  /** One update of every variable from its gradient. */
  applyGradients(pairs: readonly GradientPair[]): void {
    noGrad(() => {
      this.iterations++;
      for (const { variable, grad } of pairs) {
        this.decayWeight(variable);
        this.updateVariable(variable, grad);
      }
    });
  }

  private decayWeight(variable: Variable): void {
    const wd = this.weightDecay;
    if (wd === null || wd === 0) return;
    variable.assign(sub(variable, mul(variable, this.learningRate * wd)));
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
