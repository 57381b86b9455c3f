import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../autograd/backward.js';
import { engine } from '../backend/engine.js';
import { createRefBackend } from '../backend/ref/ref-backend.js';
import { mul, sub, sum, square, tensor } from '../ops/index.js';
import { withScope } from '../tensor/scope.js';
import { liveTensorCount } from '../tensor/tensor.js';
import { Variable } from '../tensor/variable.js';
import { Adam, AdamW, getOptimizer, Optimizer, RMSprop, SGD } from './index.js';

engine.registerBackend('ref', createRefBackend, 1);

// f(w) = 0.5 * sum(A * (w - C)^2), minimum at C; gradient A * (w - C).
const A = [1, 2, 0.5];
const C = [1, -2, 3];
const W0 = [0, 0.5, -1];

function quadraticLoss(w: Variable) {
  return mul(sum(mul(tensor(A), square(sub(w, tensor(C))))), 0.5);
}

/** Runs the optimizer through the autograd path; returns w after each step. */
function trajectory(opt: Optimizer, steps: number): number[][] {
  const w = new Variable(tensor(W0), 'w');
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    withScope(() => {
      const [g] = gradients(quadraticLoss(w), [w]);
      opt.applyGradients([{ variable: w, grad: g! }]);
    });
    out.push(Array.from(w.dataSync()));
  }
  return out;
}

/** The same trajectory in float64 from an independent per-element update rule. */
function reference(update: (w: number, g: number, state: Record<string, number>, t: number, i: number) => number, steps: number): number[][] {
  const w = [...W0];
  const states = w.map(() => ({}) as Record<string, number>);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < w.length; i++) w[i] = update(w[i], A[i] * (w[i] - C[i]), states[i], t, i);
    out.push([...w]);
  }
  return out;
}

function assertTrajectory(actual: number[][], expected: number[][], label: string): void {
  expected.forEach((row, s) =>
    row.forEach((e, i) => {
      const a = actual[s][i];
      assert.ok(Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e), `${label}: step ${s + 1} element ${i}: got ${a}, expected ${e}`);
    }),
  );
}

const init = (s: Record<string, number>, k: string) => (s[k] ??= 0);

describe('SGD', () => {
  it('plain steps follow w -= lr * g (first step checked by hand too)', () => {
    const got = trajectory(new SGD({ learningRate: 0.1 }), 3);
    // By hand: g0 = A * (W0 - C) = [-1, 5, -2]; w1 = W0 - 0.1 * g0.
    assert.deepEqual(got[0].map((v) => Number(v.toFixed(6))), [0.1, 0, -0.8]);
    assertTrajectory(got, reference((w, g) => w - 0.1 * g, 3), 'sgd');
  });

  it('momentum and nesterov', () => {
    const rule = (nesterov: boolean) => (w: number, g: number, s: Record<string, number>) => {
      s.m = 0.9 * init(s, 'm') - 0.05 * g;
      return nesterov ? w + 0.9 * s.m - 0.05 * g : w + s.m;
    };
    assertTrajectory(trajectory(new SGD({ learningRate: 0.05, momentum: 0.9 }), 3), reference(rule(false), 3), 'momentum');
    assertTrajectory(trajectory(new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), 3), reference(rule(true), 3), 'nesterov');
  });

  it('weight decay shrinks w by lr * wd * w before the step', () => {
    const got = trajectory(new SGD({ learningRate: 0.1, weightDecay: 0.5 }), 3);
    // Keras computes the gradient at the pre-decay weights; decay then step.
    assertTrajectory(got, reference((w, g) => w - 0.1 * 0.5 * w - 0.1 * g, 3), 'sgd wd');
  });
});

describe('RMSprop', () => {
  it('follows Keras: w -= lr * g / sqrt(v + eps)', () => {
    const rule = (w: number, g: number, s: Record<string, number>) => {
      s.v = 0.9 * init(s, 'v') + 0.1 * g * g;
      return w - (0.01 * g) / Math.sqrt(s.v + 1e-7);
    };
    assertTrajectory(trajectory(new RMSprop({ learningRate: 0.01 }), 3), reference(rule, 3), 'rmsprop');
  });

  it('centered with momentum', () => {
    const rule = (w: number, g: number, s: Record<string, number>) => {
      s.v = 0.8 * init(s, 'v') + 0.2 * g * g;
      s.a = 0.8 * init(s, 'a') + 0.2 * g;
      s.mom = 0.5 * init(s, 'mom') + (0.01 * g) / Math.sqrt(s.v - s.a * s.a + 1e-3);
      return w - s.mom;
    };
    const opt = new RMSprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, centered: true, epsilon: 1e-3 });
    assertTrajectory(trajectory(opt, 3), reference(rule, 3), 'rmsprop centered');
  });
});

const adamRule = (lr: number, wd: number, amsgrad = false) => (w: number, g: number, s: Record<string, number>, t: number) => {
  const decayed = w - lr * wd * w;
  s.m = init(s, 'm') + (g - s.m) * 0.1;
  s.v = init(s, 'v') + (g * g - s.v) * 0.001;
  s.vhat = Math.max(init(s, 'vhat'), s.v);
  const lrT = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
  return decayed - (lrT * s.m) / (Math.sqrt(amsgrad ? s.vhat : s.v) + 1e-7);
};

describe('Adam and AdamW', () => {
  it('Adam with bias-corrected step size', () => {
    const got = trajectory(new Adam({ learningRate: 0.1 }), 3);
    // By hand: the first Adam step is lr * sign(g) up to epsilon: g0 = [-1, 5, -2].
    assert.ok(Math.abs(got[0][0] - 0.1) < 1e-5 && Math.abs(got[0][1] - 0.4) < 1e-5 && Math.abs(got[0][2] + 0.9) < 1e-5, `${got[0]}`);
    assertTrajectory(got, reference(adamRule(0.1, 0), 3), 'adam');
  });

  it('amsgrad keeps the running max of v', () => {
    assertTrajectory(trajectory(new Adam({ learningRate: 0.1, amsgrad: true }), 6), reference(adamRule(0.1, 0, true), 6), 'amsgrad');
  });

  it('AdamW decays before the Adam step (default weightDecay 0.004)', () => {
    const opt = new AdamW({ learningRate: 0.1 });
    assert.equal(opt.weightDecay, 0.004);
    assertTrajectory(trajectory(opt, 3), reference(adamRule(0.1, 0.004), 3), 'adamw');
    assertTrajectory(trajectory(new AdamW({ learningRate: 0.1, weightDecay: 0.3 }), 3), reference(adamRule(0.1, 0.3), 3), 'adamw 0.3');
  });
});

describe('convergence on the quadratic', () => {
  const cases: [string, () => Optimizer, number][] = [
    ['sgd', () => new SGD({ learningRate: 0.1 }), 200],
    ['sgd nesterov', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), 200],
    ['rmsprop', () => new RMSprop({ learningRate: 0.01 }), 1000],
    ['adam', () => new Adam({ learningRate: 0.05 }), 1000],
    ['adam amsgrad', () => new Adam({ learningRate: 0.05, amsgrad: true }), 1000],
  ];
  for (const [name, make, steps] of cases) {
    it(name, () => {
      const last = trajectory(make(), steps).at(-1)!;
      last.forEach((v, i) => assert.ok(Math.abs(v - C[i]) < 0.02, `${name}: w[${i}] = ${v}, expected about ${C[i]}`));
    });
  }
});

describe('optimizer plumbing', () => {
  it('getOptimizer resolves Keras and camelCase names with Keras defaults', () => {
    for (const [id, cls] of [['sgd', SGD], ['SGD', SGD], ['rmsprop', RMSprop], ['RMSprop', RMSprop], ['rmsProp', RMSprop], ['adam', Adam], ['Adam', Adam], ['adamw', AdamW], ['AdamW', AdamW], ['adamW', AdamW]] as const) {
      const opt = getOptimizer(id);
      assert.ok(opt instanceof cls, id);
    }
    assert.equal(getOptimizer('adamw') instanceof AdamW, true);
    assert.equal(getOptimizer('sgd').learningRate, 0.01);
    assert.equal(getOptimizer('adam').learningRate, 0.001);
    const mine = new SGD();
    assert.equal(getOptimizer(mine), mine);
    assert.throws(() => getOptimizer('adagrad'), /Unknown optimizer 'adagrad' in compile .*: valid names: 'sgd', 'rmsprop', 'adam', 'adamw'/);
    assert.throws(() => getOptimizer('constructor'), /Unknown optimizer 'constructor'/);
  });

  it('getConfig reports the hyperparameters', () => {
    assert.deepEqual(new SGD({ momentum: 0.9 }).getConfig(), { name: 'SGD', learningRate: 0.01, weightDecay: null, momentum: 0.9, nesterov: false });
    assert.deepEqual(new AdamW().getConfig(), { name: 'AdamW', learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
    assert.deepEqual(new RMSprop().getConfig(), { name: 'RMSprop', learningRate: 0.001, weightDecay: null, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
  });

  it('rejects bad hyperparameters', () => {
    assert.throws(() => new SGD({ momentum: 1.5 }), /SGD: momentum must be a number in \[0, 1\], got 1.5/);
    assert.throws(() => new Adam({ learningRate: Number.NaN }), /Adam: learningRate/);
    assert.throws(() => new AdamW({ beta1: 1 }), /AdamW: beta1 and beta2 must be below 1/);
  });

  it('counts iterations and keeps memory flat across steps', () => {
    const opt = new Adam();
    trajectory(opt, 2);
    const w = new Variable(tensor(W0), 'w2');
    const step = () => withScope(() => {
      const [g] = gradients(quadraticLoss(w), [w]);
      opt.applyGradients([{ variable: w, grad: g! }]);
    });
    step();
    const before = liveTensorCount();
    for (let i = 0; i < 5; i++) step();
    // <=: garbage collection may free unrelated tensors meanwhile; growth is the failure.
    assert.ok(liveTensorCount() <= before, `live tensors grew from ${before} to ${liveTensorCount()}`);
    assert.equal(opt.iterations, 8);
  });
});
