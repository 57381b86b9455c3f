/**
 * Optimizer base: turns (variable, gradient) pairs into in-place variable updates. Updates run
 * without recording gradients; per-variable state (momentum, moving averages) lives in slot
 * Variables so it survives the training step's scope.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { optimizerSlots, type OptimizerUpdate } from '../backend/kernels.js';
import { mul, sub } from '../ops/binary.js';
import { zerosLike } from '../ops/create.js';
import { optimizerStep } from '../ops/optimizer-step.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { type ClipOptions, clipGradients, type Clipping, resolveClipping } from './clipping.js';
import { type EmaOptions, type EmaSettings, MovingAverages, resolveEma } from './ema.js';
import { LearningRateSchedule } from './schedules.js';

/** Options every optimizer takes: a learning rate (or schedule), gradient clipping and weight EMA. */
export interface BaseOptimizerOptions extends ClipOptions, EmaOptions {
  learningRate?: number | LearningRateSchedule;
}

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
  readonly clipping: Clipping;
  /** Moving averages of the weights (Keras's use_ema), or null when off. */
  readonly ema: MovingAverages | null;
  private readonly slots = new Map<Variable, Map<string, Variable>>();
  private rate: number;
  private readonly schedule: LearningRateSchedule | null;
  /** The number of the step being applied, while `applyGradients` runs. */
  private step: number | null = null;

  constructor(learningRate: number | LearningRateSchedule, options: ClipOptions & EmaOptions = {}) {
    this.schedule = learningRate instanceof LearningRateSchedule ? learningRate : null;
    this.rate = typeof learningRate === 'number' ? learningRate : NaN;
    this.clipping = resolveClipping(this.constructor.name, options);
    const ema = resolveEma(this.constructor.name, options);
    this.ema = ema.useEma ? new MovingAverages(ema) : null;
  }

  /** The EMA options as configs store them; empty when EMA is off (the default), so older configs stay as they were. */
  protected emaConfig(): Partial<EmaSettings> {
    return this.ema === null ? {} : { ...this.ema.settings };
  }

  /** At the end of `fit`: with useEma, every variable takes its moving average (Keras's finalize_variable_values). */
  finalizeVariableValues(variables: readonly Variable[]): void {
    if (this.ema !== null) noGrad(() => this.ema?.overwrite(variables));
  }

  /**
   * The current learning rate: a schedule's value for the step being applied (or, between steps,
   * for the next one), as Keras's `optimizer.learning_rate`.
   */
  get learningRate(): number {
    return this.schedule === null ? this.rate : this.schedule.at(this.step ?? this.iterations);
  }

  set learningRate(value: number) {
    if (this.schedule !== null) throw new Error(`${this.constructor.name}: the learning rate comes from a ${this.schedule.className} schedule and cannot be set`);
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw new Error(`${this.constructor.name}: learningRate must be a number >= 0, got ${value}`);
    this.rate = value;
  }

  get learningRateSchedule(): LearningRateSchedule | null {
    return this.schedule;
  }

  /** The learning rate as configs store it: a number or the serialized schedule. */
  protected learningRateConfig(): number | { className: string; config: Record<string, unknown> } {
    return this.schedule === null ? this.rate : { className: this.schedule.className, config: this.schedule.getConfig() };
  }

  /** One update of every variable from its (clipped) gradient. */
  applyGradients(pairs: readonly GradientPair[]): void {
    noGrad(() => {
      this.step = this.iterations;
      this.iterations++;
      try {
        const grads = clipGradients(pairs.map((p) => p.grad), this.clipping);
        const variables = pairs.map((p) => p.variable);
        // The decay of one variable reads only that variable, so decaying all first changes nothing.
        for (const v of variables) this.decayWeight(v);
        this.updateVariables(variables, grads);
        this.ema?.update(variables, this.iterations - 1);
      } finally {
        this.step = null;
      }
    });
  }

  private decayWeight(variable: Variable): void {
    const wd = this.weightDecay;
    if (wd === null || wd === 0) return;
    variable.assign(sub(variable, mul(variable, this.learningRate * wd)));
  }

  /** The update every variable takes this step: the rule and its hyper-parameters, resolved for the step. */
  protected abstract stepUpdate(): OptimizerUpdate;

  /**
   * One fused step of every variable (the ApplyOptimizer kernel, one call for the whole step:
   * ops/optimizer-step.ts; equations in backend/ref/optimizer-rules.ts): the update's slots,
   * created as zeros on first use, and the variables take the kernel's new values.
   */
  protected updateVariables(variables: readonly Variable[], grads: readonly Tensor[]): void {
    const update = this.stepUpdate();
    const names = optimizerSlots(update);
    const slots = variables.map((v) => names.map((name) => this.slot(v, name, () => zerosLike(v))));
    const next = optimizerStep(variables.map((param, i) => ({ param, grad: grads[i]!, update, slots: slots[i]! })));
    next.forEach(([param, ...values], i) => {
      slots[i]!.forEach((s, j) => s.assign(values[j]!));
      variables[i]!.assign(param!);
    });
  }

  /** Per-variable state by slot name (e.g. 'momentum', 'velocity'): what a checkpoint saves. */
  slotVariables(): ReadonlyMap<Variable, ReadonlyMap<string, Variable>> {
    return this.slots;
  }

  /** Installs saved state for one slot of one variable (restoring a checkpoint). */
  restoreSlot(variable: Variable, name: string, value: Tensor): void {
    let byName = this.slots.get(variable);
    if (byName === undefined) this.slots.set(variable, (byName = new Map()));
    byName.set(name, new Variable(value, `${variable.name}/${name}`, false));
  }

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
