/**
 * The fused optimizers (one ApplyOptimizer kernel call per step over all variables) against the op-by-op updates they
 * replaced, kept here as subclasses: same weights, slots and EMA averages bit for bit over several
 * steps, with weight decay, clipping, EMA and schedules in play, and the same slot names in the
 * same order (what checkpoints save).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../backend/engine.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { tensor, zerosLike } from '../ops/create.js';
import { sqrt, square } from '../ops/unary.js';
import { Random } from '../tensor/random.js';
import { withScope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { Adam, AdamW, type Optimizer, RMSprop, SGD } from './index.js';
import { ExponentialDecay } from './schedules.js';

class UnfusedSGD extends SGD {
  /** The op-by-op update, one variable at a time. */
  protected override updateVariables(variables: readonly Variable[], grads: readonly Tensor[]): void {
    variables.forEach((v, i) => this.updateVariable(v, grads[i]!));
  }

  protected updateVariable(variable: Variable, grad: Tensor): void {
    const step = mul(grad, this.learningRate);
    if (this.momentum === 0) return variable.assign(sub(variable, step));
    const m = this.slot(variable, 'momentum', () => zerosLike(variable));
    m.assign(sub(mul(m, this.momentum), step));
    variable.assign(add(variable, this.nesterov ? sub(mul(m, this.momentum), step) : m));
  }
}

class UnfusedRMSprop extends RMSprop {
  /** The op-by-op update, one variable at a time. */
  protected override updateVariables(variables: readonly Variable[], grads: readonly Tensor[]): void {
    variables.forEach((v, i) => this.updateVariable(v, grads[i]!));
  }

  protected updateVariable(variable: Variable, grad: Tensor): void {
    const rho = this.rho;
    const v = this.slot(variable, 'velocity', () => zerosLike(variable));
    v.assign(add(mul(v, rho), mul(square(grad), 1 - rho)));
    let denom: Tensor;
    if (this.centered) {
      const a = this.slot(variable, 'average_gradient', () => zerosLike(variable));
      a.assign(add(mul(a, rho), mul(grad, 1 - rho)));
      denom = add(sub(v, square(a)), this.epsilon);
    } else {
      denom = add(v, this.epsilon);
    }
    const increment = div(mul(grad, this.learningRate), sqrt(denom));
    if (this.momentum > 0) {
      const mom = this.slot(variable, 'momentum', () => zerosLike(variable));
      mom.assign(add(mul(mom, this.momentum), increment));
      variable.assign(sub(variable, mom));
    } else {
      variable.assign(sub(variable, increment));
    }
  }
}

/** Adam's previous update; `Base` picks Adam or AdamW (same update, different decay default). */
function unfusedAdam<T extends new (...a: any[]) => Adam>(Base: T) {
  return class extends Base {
    /** The op-by-op update, one variable at a time. */
  protected override updateVariables(variables: readonly Variable[], grads: readonly Tensor[]): void {
    variables.forEach((v, i) => this.updateVariable(v, grads[i]!));
  }

  protected updateVariable(variable: Variable, grad: Tensor): void {
      const t = this.iterations;
      const lrT = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
      const m = this.slot(variable, 'momentum', () => zerosLike(variable));
      const v = this.slot(variable, 'velocity', () => zerosLike(variable));
      m.assign(add(m, mul(sub(grad, m), 1 - this.beta1)));
      v.assign(add(v, mul(sub(square(grad), v), 1 - this.beta2)));
      let second: Tensor = v;
      if (this.amsgrad) {
        const vHat = this.slot(variable, 'velocity_hat', () => zerosLike(variable));
        vHat.assign(maximum(vHat, v));
        second = vHat;
      }
      variable.assign(sub(variable, div(mul(m, lrT), add(sqrt(second), this.epsilon))));
    }
  };
}
const UnfusedAdam = unfusedAdam(Adam);
const UnfusedAdamW = unfusedAdam(AdamW);

/** Trains two random variables for `steps` steps of random gradients; returns weights and slots by name. */
function train(opt: Optimizer, steps: number): Map<string, Float32Array> {
  const rng = new Random(42);
  const randn = (shape: readonly number[]) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
  const vars = [new Variable(randn([7, 5]), 'kernel'), new Variable(randn([5]), 'bias')];
  for (let s = 0; s < steps; s++) {
    withScope(() => opt.applyGradients(vars.map((variable) => ({ variable, grad: mul(randn(variable.shape), s % 2 ? 0.01 : 1) }))));
  }
  const out = new Map<string, Float32Array>(vars.map((v) => [v.name, Float32Array.from(v.dataSync())]));
  for (const [v, slots] of opt.slotVariables()) for (const [name, s] of slots) out.set(`${v.name}/${name}`, Float32Array.from(s.dataSync()));
  for (const [v, average] of opt.ema?.entries() ?? []) out.set(`${v.name}/ema`, Float32Array.from(average.dataSync()));
  return out;
}

type Pair = [string, () => Optimizer, () => Optimizer];
const schedule = () => new ExponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.5 });
const PAIRS: Pair[] = [
  ['SGD', () => new SGD({ learningRate: 0.1 }), () => new UnfusedSGD({ learningRate: 0.1 })],
  ['SGD nesterov, weight decay, clipnorm', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1, clipnorm: 1 }),
    () => new UnfusedSGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1, clipnorm: 1 })],
  ['RMSprop', () => new RMSprop(), () => new UnfusedRMSprop()],
  ['RMSprop centered momentum, schedule, EMA', () => new RMSprop({ learningRate: schedule(), momentum: 0.5, centered: true, useEma: true }),
    () => new UnfusedRMSprop({ learningRate: schedule(), momentum: 0.5, centered: true, useEma: true })],
  ['Adam amsgrad, clipvalue', () => new Adam({ learningRate: 0.1, amsgrad: true, clipvalue: 0.5 }), () => new UnfusedAdam({ learningRate: 0.1, amsgrad: true, clipvalue: 0.5 })],
  ['AdamW', () => new AdamW({ learningRate: 0.1 }), () => new UnfusedAdamW({ learningRate: 0.1 })],
];

describe('fused optimizer updates equal the op-by-op updates bit for bit', () => {
  for (const [title, fused, unfused] of PAIRS) {
    it(title, () => {
      engine.setBackend('ref');
      const a = train(fused(), 5);
      const b = train(unfused(), 5);
      assert.deepEqual([...a.keys()], [...b.keys()], `${title}: slot names or order differ`);
      for (const [name, values] of b) assert.deepEqual(a.get(name), values, `${title}: ${name} differs`);
    });
  }
});

describe('Keras optimizers: one ApplyOptimizer call per step for every variable', () => {
  for (const [title, fused] of PAIRS) {
    it(title, () => {
      engine.setBackend('ref');
      const opt = fused();
      const vars = [new Variable(tensor([1, 2, 3, 4], [2, 2]), 'kernel'), new Variable(tensor([0.5], [1]), 'bias'), new Variable(tensor([1, -1, 2], [3]), 'gamma')];
      let calls = 0;
      engine.observer = (id) => void (id === 'ApplyOptimizer' && calls++);
      try {
        for (let s = 0; s < 3; s++) withScope(() => opt.applyGradients(vars.map((variable) => ({ variable, grad: mul(variable, 0.1) }))));
      } finally {
        engine.observer = null;
      }
      assert.equal(calls, 3);
    });
  }
});
