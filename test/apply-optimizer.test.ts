/**
 * The ApplyOptimizer kernel on every backend: each rule and option combination, stepped several
 * times, against the update formula in float64 (from the kernel's own float32 state, so rounding
 * cannot compound), and the wasm builds (plain SIMD and relaxed SIMD, whose FMA the kernel must not
 * use) against the reference bit for bit. A group of variables in one call equals one call per
 * variable bit for bit (1 and 2 threads). Plus the contract: slot count, shapes, dtypes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { optimizerSlots, type OptimizerUpdate } from '../src/backend/kernels.js';
import { OPTIMIZER_PAR_ELEMENTS } from '../src/backend/wasm/kernels/optimizer.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';

registerWasmBackend({ name: 'wasm-simd', threads: 1, variant: 'simd', priority: 0 });
registerWasmBackend({ name: 'wasm-relaxed', threads: 1, variant: 'relaxed', priority: 0 });
registerWasmBackend({ name: 'wasm-simd-2t', threads: 2, variant: 'simd', priority: 0 });

type Slots = Record<string, number[]>;

/** One step in float64, written independently of optimizer-rules.ts: new w and slots. */
function step64(u: OptimizerUpdate, w: number[], g: number[], s: Slots): { w: number[]; slots: Slots } {
  const n = w.length;
  const out: Slots = Object.fromEntries(optimizerSlots(u).map((k) => [k, new Array<number>(n)]));
  const nw = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const at = (k: string) => s[k]![i]!;
    const put = (k: string, v: number) => (out[k]![i] = v);
    let gi = g[i]!;
    const wi = w[i]!;
    switch (u.rule) {
      case 'sgd': {
        if (u.momentum > 0) {
          const m = put('momentum', u.momentum * at('momentum') - u.learningRate * gi);
          nw[i] = wi + (u.nesterov ? u.momentum * m - u.learningRate * gi : m);
        } else nw[i] = wi - u.learningRate * gi;
        break;
      }
      case 'rmsprop': {
        const v = put('velocity', u.rho * at('velocity') + (1 - u.rho) * gi * gi);
        const a = u.centered ? put('average_gradient', u.rho * at('average_gradient') + (1 - u.rho) * gi) : 0;
        const inc = (u.learningRate * gi) / Math.sqrt(v - a * a + u.epsilon);
        nw[i] = wi - (u.momentum > 0 ? put('momentum', u.momentum * at('momentum') + inc) : inc);
        break;
      }
      case 'adam': {
        const t = u.step;
        const m = put('momentum', at('momentum') + (gi - at('momentum')) * (1 - u.beta1));
        let v = put('velocity', at('velocity') + (gi * gi - at('velocity')) * (1 - u.beta2));
        if (u.amsgrad) v = put('velocity_hat', Math.max(at('velocity_hat'), v));
        const lrT = (u.learningRate * Math.sqrt(1 - u.beta2 ** t)) / (1 - u.beta1 ** t);
        nw[i] = wi - (lrT * m) / (Math.sqrt(v) + u.epsilon);
        break;
      }
      case 'torchSgd': {
        gi += u.weightDecay * wi;
        if (u.momentum > 0) {
          const b = put('momentumBuffer', u.firstStep ? gi : u.momentum * at('momentumBuffer') + (1 - u.dampening) * gi);
          gi = u.nesterov ? gi + u.momentum * b : b;
        }
        nw[i] = wi - u.learningRate * gi;
        break;
      }
      case 'torchRmsprop': {
        gi += u.weightDecay * wi;
        const v = put('squareAvg', u.rho * at('squareAvg') + (1 - u.rho) * gi * gi);
        const a = u.centered ? put('gradAvg', u.rho * at('gradAvg') + (1 - u.rho) * gi) : 0;
        const scaled = gi / (Math.sqrt(v - a * a) + u.epsilon);
        nw[i] = wi - u.learningRate * (u.momentum > 0 ? put('momentumBuffer', u.momentum * at('momentumBuffer') + scaled) : scaled);
        break;
      }
      case 'torchAdam': {
        gi += u.weightDecay * wi;
        const t = u.step;
        const m = put('expAvg', u.beta1 * at('expAvg') + (1 - u.beta1) * gi);
        let v = put('expAvgSq', u.beta2 * at('expAvgSq') + (1 - u.beta2) * gi * gi);
        if (u.amsgrad) v = put('maxExpAvgSq', Math.max(at('maxExpAvgSq'), v));
        nw[i] = wi - (u.learningRate / (1 - u.beta1 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - u.beta2 ** t) + u.epsilon));
        break;
      }
    }
  }
  return { w: nw, slots: out };
}

/** The update of step t (from 1): Adam's step count and PyTorch SGD's first step follow t. */
type Case = [string, (t: number) => OptimizerUpdate];
const CASES: Case[] = [
  ['sgd', () => ({ rule: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false })],
  ['sgd momentum', () => ({ rule: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false })],
  ['sgd nesterov', () => ({ rule: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true })],
  ['rmsprop', () => ({ rule: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false })],
  ['rmsprop momentum', () => ({ rule: 'rmsprop', learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-3, centered: false })],
  ['rmsprop centered', () => ({ rule: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true })],
  ['rmsprop centered momentum', () => ({ rule: 'rmsprop', learningRate: 0.02, rho: 0.8, momentum: 0.7, epsilon: 1e-3, centered: true })],
  ['adam', (t) => ({ rule: 'adam', learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false, step: t })],
  ['adam amsgrad', (t) => ({ rule: 'adam', learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-4, amsgrad: true, step: t })],
  ['torchSgd', () => ({ rule: 'torchSgd', learningRate: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false })],
  ['torchSgd weightDecay', () => ({ rule: 'torchSgd', learningRate: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.3, firstStep: false })],
  ['torchSgd momentum dampening', (t) => ({ rule: 'torchSgd', learningRate: 0.05, momentum: 0.9, dampening: 0.2, nesterov: false, weightDecay: 0, firstStep: t === 1 })],
  ['torchSgd nesterov weightDecay', (t) => ({ rule: 'torchSgd', learningRate: 0.05, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01, firstStep: t === 1 })],
  ['torchRmsprop', () => ({ rule: 'torchRmsprop', learningRate: 0.01, rho: 0.99, momentum: 0, epsilon: 1e-8, centered: false, weightDecay: 0 })],
  ['torchRmsprop centered momentum weightDecay', () => ({ rule: 'torchRmsprop', learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-6, centered: true, weightDecay: 0.1 })],
  ['torchAdam', (t) => ({ rule: 'torchAdam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, amsgrad: false, weightDecay: 0, step: t })],
  ['torchAdam amsgrad weightDecay', (t) => ({ rule: 'torchAdam', learningRate: 0.02, beta1: 0.85, beta2: 0.95, epsilon: 1e-6, amsgrad: true, weightDecay: 0.05, step: t })],
];

const STEPS = 6;
/** 37 values: nine 4-lane vectors and a one-value tail; [3, 5]: three vectors and a 3-value tail. */
const SHAPES = [[37], [3, 5]];

interface Trace {
  /** The kernel's float32 outputs after each step: [w, ...slots]. */
  outputs: Float32Array[][];
}

/** Runs STEPS kernel steps on `backend` (gradients drawn from `seed`); checks each against float64. */
function runCase(backend: string, make: (t: number) => OptimizerUpdate, shape: number[], seed: number, label: string): Trace {
  engine.setBackend(backend);
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const draw = (scale: number) => Array.from({ length: n }, () => rng.normal() * scale);
  let w = Float32Array.from(draw(1));
  let slots: Float32Array[] = optimizerSlots(make(1)).map(() => new Float32Array(n));
  const outputs: Float32Array[][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const u = make(t);
    const names = optimizerSlots(u);
    // Gradients of mixed scale, a few exactly 0, so sqrt and division see small values too.
    const g = Float32Array.from(draw(t % 2 === 0 ? 0.01 : 1), (v, i) => (i % 11 === 5 ? 0 : v));
    const outs = engine.runKernelOutputs('ApplyOptimizer', {
      params: [ops.tensor(w, shape)], grads: [ops.tensor(g, shape)], slots: slots.map((s) => ops.tensor(s, shape)),
    }, u).map((o) => Float32Array.from(o.dataSync()));
    assert.equal(outs.length, 1 + names.length, `${label}: output count`);
    const want = step64(u, Array.from(w), Array.from(g), Object.fromEntries(names.map((k, i) => [k, Array.from(slots[i]!)])));
    assertClose64(outs[0]!, want.w, `${label} step ${t} w`);
    names.forEach((k, i) => assertClose64(outs[i + 1]!, want.slots[k]!, `${label} step ${t} ${k}`));
    outputs.push(outs);
    [w, ...slots] = outs;
  }
  return { outputs };
}

/** |a - e| <= 1e-6 |e| + 1e-6 max|e|: float32 rounding of a few operations, nothing more. */
function assertClose64(actual: Float32Array, expected: number[], label: string): void {
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expected.forEach((e, i) => {
    const tol = 1e-6 * Math.abs(e) + 1e-6 * scale;
    if (!(Math.abs(actual[i]! - e) <= tol)) assert.fail(`${label}[${i}]: got ${actual[i]}, float64 formula ${e} (tolerance ${tol.toExponential(1)})`);
  });
}

const backends = engine.backendNames().filter((b) => b === 'ref' || b.startsWith('wasm-'));

describe('ApplyOptimizer against the float64 formula, every backend', () => {
  CASES.forEach(([title, make], c) => {
    SHAPES.forEach((shape, s) => {
      it(`${title} [${shape}]`, () => {
        const traces = backends.map((b) => runCase(b, make, shape, 100 * c + s, `${b} ${title}`));
        engine.setBackend('ref');
        const ref = traces[backends.indexOf('ref')]!;
        traces.forEach((tr, k) => tr.outputs.forEach((step, t) => step.forEach((o, j) => {
          assert.deepEqual(o, ref.outputs[t]![j], `${backends[k]} ${title}: step ${t + 1} output ${j} differs from ref`);
        })));
      });
    });
  });
});

/**
 * A group: 4-lane vectors with tails of 1 and 3 values, a single value, and a variable large enough
 * to be split across threads (> OPTIMIZER_PAR_ELEMENTS values).
 */
const GROUP = [[37], [3, 5], [1], [OPTIMIZER_PAR_ELEMENTS + 5]];

/** STEPS steps of the GROUP's variables, all in one kernel call per step or one call per variable: each step's [w, ...slots] per variable. */
function runGroupSteps(backend: string, make: (t: number) => OptimizerUpdate, seed: number, grouped: boolean): Float32Array[][][] {
  engine.setBackend(backend);
  const rng = new Random(seed);
  const draw = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const sizes = GROUP.map((shape) => shape.reduce((a, b) => a * b, 1));
  const k = optimizerSlots(make(1)).length;
  let state: Float32Array[][] = sizes.map((n) => [draw(n, 1), ...Array.from({ length: k }, () => new Float32Array(n))]);
  const trace: Float32Array[][][] = [];
  for (let t = 1; t <= STEPS; t++) {
    const u = make(t);
    const grads = sizes.map((n) => draw(n, t % 2 === 0 ? 0.01 : 1));
    const run = (vars: number[]) => engine.runKernelOutputs('ApplyOptimizer', {
      params: vars.map((i) => ops.tensor(state[i]![0]!, GROUP[i]!)),
      grads: vars.map((i) => ops.tensor(grads[i]!, GROUP[i]!)),
      slots: vars.flatMap((i) => state[i]!.slice(1).map((s) => ops.tensor(s, GROUP[i]!))),
    }, u).map((o) => Float32Array.from(o.dataSync()));
    const all = GROUP.map((_, i) => i);
    const flat = grouped ? run(all) : all.flatMap((i) => run([i]));
    state = all.map((i) => flat.slice(i * (k + 1), (i + 1) * (k + 1)));
    trace.push(state);
  }
  engine.setBackend('ref');
  return trace;
}

describe('ApplyOptimizer over a group of variables equals one call per variable, every backend and thread count', () => {
  CASES.forEach(([title, make], c) => {
    it(title, () => {
      const want = runGroupSteps('ref', make, 7 + c, false);
      for (const backend of backends) {
        const got = runGroupSteps(backend, make, 7 + c, true);
        got.forEach((step, t) => step.forEach((outs, i) => outs.forEach((o, j) => {
          assert.deepEqual(o, want[t]![i]![j], `${backend} ${title}: step ${t + 1}, variable ${i} ${GROUP[i]}, output ${j} differs from one call per variable on ref`);
        })));
      }
    });
  });
});

describe('ApplyOptimizer contract', () => {
  const rms: OptimizerUpdate = { rule: 'rmsprop', learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: false };
  for (const backend of backends) {
    it(`${backend}: bad slots, shapes and dtypes throw naming what was expected`, () => {
      engine.setBackend(backend);
      const x = ops.tensor([1, 2, 3, 4], [4]);
      const run = (inputs: Parameters<typeof engine.runKernelOutputs<'ApplyOptimizer'>>[1], u: OptimizerUpdate = rms) => engine.runKernelOutputs('ApplyOptimizer', inputs, u);
      const y = ops.tensor([1, 2], [2]);
      assert.throws(() => run({ params: [x], grads: [x], slots: [x] }), /ApplyOptimizer\(rmsprop\): expected 2 slots \[velocity, momentum\] per param \(2\), got 1/);
      assert.throws(() => run({ params: [x, y], grads: [x, y], slots: [x, x, y] }), /expected 2 slots \[velocity, momentum\] per param \(4\), got 3/);
      assert.throws(() => run({ params: [x, y], grads: [x], slots: [x, x, y, y] }), /expected one grad per param \(2\), got 1/);
      assert.throws(() => run({ params: [x], grads: [y], slots: [x, x] }), /grad must have the param's shape \[4\], got \[2\]/);
      assert.throws(() => run({ params: [x], grads: [x], slots: [x, ops.tensor([1, 2, 3, 4], [2, 2])] }), /slot momentum must have the param's shape \[4\], got \[2,\s?2\]/);
      assert.throws(() => run({ params: [x, y], grads: [x, y], slots: [x, x, y, x] }), /slot momentum\[1\] must have the param's shape \[2\], got \[4\]/);
      assert.throws(() => run({ params: [x], grads: [ops.tensor([1, 2, 3, 4], [4], 'int32')], slots: [x, x] }), /grad must be float32, got int32/);
      assert.throws(() => run({ params: [x], grads: [x], slots: [] }, { rule: 'adagrad' } as unknown as OptimizerUpdate), /unknown rule 'adagrad'/);
      // A multi-output kernel through the single-output door is refused, not half-run.
      const before = engine.memory().handles;
      assert.throws(() => engine.runKernel('ApplyOptimizer', { params: [x], grads: [x], slots: [x, x] }, rms), /returns 3 tensors; run it with runKernelOutputs/);
      assert.equal(engine.memory().handles, before);
      engine.setBackend('ref');
    });
  }

  it('inputs are not modified and every output is new storage', () => {
    engine.setBackend('wasm-simd');
    const [w, g, v] = [ops.tensor([1, -2, 3], [3]), ops.tensor([0.5, 0.5, -1], [3]), ops.tensor([0.1, 0.2, 0.3], [3])];
    const outs = engine.runKernelOutputs('ApplyOptimizer', { params: [w], grads: [g], slots: [v] }, { ...rms, momentum: 0 });
    assert.deepEqual(Array.from(w.dataSync()), [1, -2, 3]);
    assert.deepEqual(Array.from(v.dataSync()), [0.1, 0.2, 0.3].map(Math.fround));
    for (const o of outs) for (const i of [w, g, v]) assert.notEqual(o.storage, i.storage);
    engine.setBackend('ref');
  });
});
