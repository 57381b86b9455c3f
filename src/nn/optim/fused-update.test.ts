/**
 * The fused PyTorch-style optimizers (one ApplyOptimizer kernel call per step) against the
 * op-by-op updates they replaced, kept here as subclasses: same parameters and state (keys, order
 * and values) bit for bit over several steps, with every option that changes the update.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../../backend/engine.js';
import { add, div, maximum, mul, sub } from '../../ops/binary.js';
import { tensor, zerosLike } from '../../ops/create.js';
import { sqrt, square } from '../../ops/unary.js';
import { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Variable } from '../../tensor/variable.js';
import { Adam, type AdamOptions, type Optimizer, RMSprop, type RMSpropOptions, SGD, type SGDOptions } from './index.js';
import type { PendingUpdate } from './optimizer.js';

type State = Record<string, Tensor | number>;

class UnfusedSGD extends SGD {
  /** The op-by-op update, one parameter at a time. */
  protected override applyUpdates(pending: readonly PendingUpdate<SGDOptions>[]): void {
    for (const { param, grad, options, state } of pending) this.update(param, grad, options, state);
  }

  protected update(p: Variable, grad: Tensor, o: SGDOptions, state: State): void {
    let g = o.weightDecay !== 0 ? add(grad, mul(p, o.weightDecay)) : grad;
    if (o.momentum !== 0) {
      const prev = state.momentumBuffer as Tensor | undefined;
      const b = prev === undefined ? g : add(mul(prev, o.momentum), mul(g, 1 - o.dampening));
      state.momentumBuffer = b;
      g = o.nesterov ? add(g, mul(b, o.momentum)) : b;
    }
    p.assign(sub(p, mul(g, o.lr)));
  }
}

class UnfusedRMSprop extends RMSprop {
  /** The op-by-op update, one parameter at a time. */
  protected override applyUpdates(pending: readonly PendingUpdate<RMSpropOptions>[]): void {
    for (const { param, grad, options, state } of pending) this.update(param, grad, options, state);
  }

  protected update(p: Variable, grad: Tensor, o: RMSpropOptions, state: State): void {
    const g = o.weightDecay !== 0 ? add(grad, mul(p, o.weightDecay)) : grad;
    const blend = (prev: Tensor | undefined, x: Tensor) => add(mul(prev ?? zerosLike(p), o.alpha), mul(x, 1 - o.alpha));
    const v = blend(state.squareAvg as Tensor | undefined, square(g));
    state.squareAvg = v;
    let spread = v;
    if (o.centered) {
      const a = blend(state.gradAvg as Tensor | undefined, g);
      state.gradAvg = a;
      spread = sub(v, square(a));
    }
    const scaled = div(g, add(sqrt(spread), o.eps));
    if (o.momentum > 0) {
      const buf = add(mul((state.momentumBuffer as Tensor | undefined) ?? zerosLike(p), o.momentum), scaled);
      state.momentumBuffer = buf;
      p.assign(sub(p, mul(buf, o.lr)));
    } else {
      p.assign(sub(p, mul(scaled, o.lr)));
    }
  }
}

class UnfusedAdam extends Adam {
  /** The op-by-op update, one parameter at a time. */
  protected override applyUpdates(pending: readonly PendingUpdate<AdamOptions>[]): void {
    for (const { param, grad, options, state } of pending) this.update(param, grad, options, state);
  }

  protected update(p: Variable, grad: Tensor, o: AdamOptions, state: State): void {
    const [b1, b2] = o.betas;
    const g = o.weightDecay !== 0 ? add(grad, mul(p, o.weightDecay)) : grad;
    const t = ((state.step as number | undefined) ?? 0) + 1;
    const m = add(mul((state.expAvg as Tensor | undefined) ?? zerosLike(p), b1), mul(g, 1 - b1));
    const v = add(mul((state.expAvgSq as Tensor | undefined) ?? zerosLike(p), b2), mul(square(g), 1 - b2));
    Object.assign(state, { step: t, expAvg: m, expAvgSq: v });
    let second = v;
    if (o.amsgrad) {
      second = state.maxExpAvgSq === undefined ? v : maximum(state.maxExpAvgSq as Tensor, v);
      state.maxExpAvgSq = second;
    }
    const denom = add(div(sqrt(second), Math.sqrt(1 - b2 ** t)), o.eps);
    p.assign(sub(p, mul(div(m, denom), o.lr / (1 - b1 ** t))));
  }
}

/**
 * Steps three parameters with random gradients; returns their values and every state entry. The
 * third has no gradient at the first step, so its step count (Adam) and first momentum step (SGD)
 * trail the others': the fused step updates it in a group of its own.
 */
function train(make: (ps: Variable[]) => Optimizer<object>, steps: number): Map<string, number[]> {
  const rng = new Random(9);
  const randn = (shape: readonly number[]) => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
  const ps = [new Variable(randn([6, 3]), 'weight'), new Variable(randn([3]), 'bias'), new Variable(randn([2, 2]), 'late')];
  const opt = make(ps);
  for (let s = 0; s < steps; s++) {
    for (const p of ps) p.grad = s === 0 && p.name === 'late' ? null : mul(randn(p.shape), s % 2 ? 0.01 : 1);
    opt.step();
  }
  const out = new Map<string, number[]>(ps.map((p) => [p.name, Array.from(p.dataSync())]));
  for (const p of ps) {
    for (const [k, v] of Object.entries(opt.state.get(p) ?? {})) out.set(`${p.name}.${k}`, typeof v === 'number' ? [v] : Array.from(v.dataSync()));
  }
  return out;
}

type Pair = [string, (ps: Variable[]) => Optimizer<object>, (ps: Variable[]) => Optimizer<object>];
const sgd = (o: Partial<SGDOptions>): Pair => [`SGD ${JSON.stringify(o)}`, (ps) => new SGD(ps, { lr: 0.05, ...o }), (ps) => new UnfusedSGD(ps, { lr: 0.05, ...o })];
const rms = (o: Partial<RMSpropOptions>): Pair => [`RMSprop ${JSON.stringify(o)}`, (ps) => new RMSprop(ps, o), (ps) => new UnfusedRMSprop(ps, o)];
const adam = (o: Partial<AdamOptions>): Pair => [`Adam ${JSON.stringify(o)}`, (ps) => new Adam(ps, o), (ps) => new UnfusedAdam(ps, o)];
const PAIRS: Pair[] = [
  sgd({}), sgd({ weightDecay: 0.1 }), sgd({ momentum: 0.9, dampening: 0.3 }), sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  rms({}), rms({ centered: true }), rms({ momentum: 0.5, weightDecay: 0.1 }), rms({ alpha: 0.9, centered: true, momentum: 0.3, eps: 1e-4 }),
  adam({}), adam({ amsgrad: true }), adam({ lr: 0.01, betas: [0.8, 0.95], weightDecay: 0.05, amsgrad: true }),
];

describe('fused nn.optim updates equal the op-by-op updates bit for bit', () => {
  for (const [title, fused, unfused] of PAIRS) {
    it(title, () => {
      engine.setBackend('ref');
      const a = train(fused, 5);
      const b = train(unfused, 5);
      assert.deepEqual([...a.keys()], [...b.keys()], `${title}: state keys or order differ`);
      for (const [name, values] of b) assert.deepEqual(a.get(name), values, `${title}: ${name} differs`);
    });
  }
});

describe('nn.optim: one ApplyOptimizer call per step and distinct update', () => {
  it('parameter groups with their own options, and parameters whose step counts differ, update in separate calls; the rest share one', () => {
    engine.setBackend('ref');
    const ps = ['a', 'b', 'c'].map((name, i) => new Variable(tensor([i, 1, 2], [3]), name));
    const opt = new Adam([{ params: ps.slice(0, 2) }, { params: ps.slice(2), lr: 0.02 }], { lr: 0.01 });
    const callsPerStep = [0, 1, 2].map((s) => {
      for (const p of ps) p.grad = s === 0 && p.name === 'b' ? null : tensor([0.1, -0.2, 0.3], [3]);
      let calls = 0;
      engine.observer = (id) => void (id === 'ApplyOptimizer' && calls++);
      try {
        opt.step();
      } finally {
        engine.observer = null;
      }
      return calls;
    });
    // Step 1: a (lr 0.01) and c (lr 0.02); b has no gradient. Steps 2 and 3: a at step t, b at step
    // t - 1, c with its own lr: three updates. Every other parameter would join one of them.
    assert.deepEqual(callsPerStep, [2, 3, 3]);
    assert.deepEqual(ps.map((p) => opt.state.get(p)?.step), [3, 2, 3]);
  });
});
