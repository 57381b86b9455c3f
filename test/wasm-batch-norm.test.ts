/**
 * BatchNormTraining and BatchNormTrainingGrad: the wasm kernels (wasm/assembly/batch-norm.ts)
 * against the reference on channel counts with and without a 4-lane tail, with and without gamma
 * and beta, bit-identical on 1 and 2 threads; the Keras layer's fused channels-last path
 * against its composed path (a channels-first layer on the transposed input); the moving-statistics
 * update against the composed chain bit for bit; nn.BatchNorm2d on the same kernels against
 * PyTorch's definition composed from ops.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import type { FusedActivation, KernelAttrs, MultiOutputKernelId } from '../src/backend/kernels.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import * as nn from '../src/nn/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-bn-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-bn-2t', threads: 2, priority: 0 });

function run(backend: string, id: MultiOutputKernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): { outs: Float32Array[]; calls: string[] } {
  const { result, calls } = withDispatches(backend, () => engine.runKernelOutputs(id, inputs as never, attrs as KernelAttrs<typeof id>).map((t) => Float32Array.from(t.dataSync() as Float32Array)));
  return { outs: result, calls };
}

function check(title: string, id: MultiOutputKernelId, inputs: Record<string, Tensor | undefined>, kernel: string, activation: FusedActivation = 'linear'): void {
  const attrs = { epsilon: 1e-3, activation };
  const ref = run('ref', id, inputs, attrs).outs;
  const one = run('wasm-bn-1t', id, inputs, attrs), two = run('wasm-bn-2t', id, inputs, attrs);
  assert.ok(one.calls.includes(kernel), `${title}: expected ${kernel}, dispatched ${one.calls.join(', ')}`);
  assert.deepEqual(two.outs, one.outs, `${title}: 2 threads differ from 1 thread`);
  ref.forEach((r, o) => {
    let scale = 1;
    for (const v of r) scale = Math.max(scale, Math.abs(v));
    r.forEach((v, i) => assert.ok(Math.abs(one.outs[o]![i]! - v) <= 2e-5 * scale, `${title}: output ${o}[${i}] ${one.outs[o]![i]} vs ref ${v}`));
  });
}

describe('batch norm kernels', () => {
  const rng = new Random(41);
  const randn = (shape: number[], shift = 0) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() * 2 + shift), shape);
  // [1003, 16]: row blocks of 335 rows, so each block's last float32 run is short (7 rows).
  const shapes = [[64, 8, 8, 32], [8, 5, 7], [3, 6], [130, 4], [2, 3, 3, 128], [1003, 16]];

  it('BatchNormTraining matches the reference, identically on 1 and 2 threads', () => {
    for (const shape of shapes) {
      const C = shape[shape.length - 1]!;
      for (const [affine, activation] of [[true, 'linear'], [false, 'linear'], [true, 'relu'], [false, 'relu'], [true, 'relu6'], [false, 'relu6']] as const) {
        const inputs = { x: randn(shape, 3), gamma: affine ? ops.mul(randn([C]), 3) : undefined, beta: affine ? randn([C]) : undefined };
        check(`forward ${shape} affine ${affine} ${activation}`, 'BatchNormTraining', inputs, 'bnStatsPart', activation);
      }
    }
  });

  it('BatchNormTrainingGrad matches the reference, identically on 1 and 2 threads', () => {
    for (const shape of shapes) {
      const C = shape[shape.length - 1]!;
      for (const affine of [true, false]) {
        const x = randn(shape, 3);
        const [, mean, variance] = engine.runKernelOutputs('BatchNormTraining', { x }, { epsilon: 1e-3 });
        const inputs = { dy: randn(shape), x, mean, variance, gamma: affine ? randn([C]) : undefined };
        check(`gradient ${shape} affine ${affine}`, 'BatchNormTrainingGrad', inputs, 'bnGradSumsPart');
        for (const activation of ['relu', 'relu6'] as const) {
          // gamma times 4: about a third of the relu6 outputs at 6 (affine).
          const [y] = engine.runKernelOutputs('BatchNormTraining', { x, gamma: inputs.gamma === undefined ? undefined : ops.mul(inputs.gamma, 4) }, { epsilon: 1e-3, activation });
          check(`gradient through ${activation} ${shape} affine ${affine}`, 'BatchNormTrainingGrad', { ...inputs, y }, 'bnGradSumsPart', activation);
        }
      }
    }
  });

  it("the statistics' one pass loses nothing to a mean far from zero (a large offset, a small spread)", () => {
    // Shifted by x's first row: the variance is no difference of large sums (10^4 mean, 10^-2 spread).
    for (const shape of [[64, 8, 8, 16], [300, 5]]) {
      const x = ops.add(ops.mul(randn(shape), 0.005), 1e4);
      const [, mRef, vRef] = run('ref', 'BatchNormTraining', { x }, { epsilon: 1e-3 }).outs;
      for (const b of ['wasm-bn-1t', 'wasm-bn-2t']) {
        const [, m, v] = run(b, 'BatchNormTraining', { x }, { epsilon: 1e-3 }).outs;
        mRef!.forEach((r, c) => assert.ok(Math.abs(m![c]! - r) <= 1e-7 * Math.abs(r), `${b} ${shape} mean[${c}] ${m![c]} vs ref ${r}`));
        vRef!.forEach((r, c) => assert.ok(Math.abs(v![c]! - r) <= 1e-5 * r, `${b} ${shape} variance[${c}] ${v![c]} vs ref ${r}`));
      }
    }
  });

  it('long channel sums stay float64-accurate (float32 only within short runs of rows)', () => {
    // 65536 rows of dy = 1.1: float32 sums over 256-row runs are off by 2.5e-6 relative (over the
    // whole part, more); over runs of 8 rows, each run added in float64, they are exact, so dbeta
    // matches the float64 reference to its float32 rounding. The mean: x's rows after the first
    // (the shift, 0) are 1.1, the same sums.
    const shape = [65536, 8];
    const x = ops.add(ops.mul(randn(shape), 0.1), 1), dy = ops.tensor(new Float32Array(65536 * 8).fill(1.1), shape);
    const level = ops.tensor(new Float32Array(65536 * 8).fill(1.1).fill(0, 0, 8), shape);
    const [, mean, variance] = engine.runKernelOutputs('BatchNormTraining', { x }, { epsilon: 1e-3 });
    const [, mRef, vRef] = run('ref', 'BatchNormTraining', { x }, { epsilon: 1e-3 }).outs;
    const [, mLevelRef] = run('ref', 'BatchNormTraining', { x: level }, { epsilon: 1e-3 }).outs;
    const [, dgRef, dbRef] = run('ref', 'BatchNormTrainingGrad', { dy, x, mean, variance }, { epsilon: 1e-3, activation: 'linear' }).outs;
    const [xs, dys, ms, vs] = [x, dy, mean, variance].map((t) => t.dataSync() as Float32Array);
    const absTerms = new Float64Array(8);
    for (let i = 0; i < xs!.length; i++) absTerms[i % 8] += Math.abs(dys![i]! * (xs![i]! - ms![i % 8]!)) / Math.sqrt(vs![i % 8]! + 1e-3);
    for (const b of ['wasm-bn-1t', 'wasm-bn-2t']) {
      const [, m, v] = run(b, 'BatchNormTraining', { x }, { epsilon: 1e-3 }).outs;
      const [, dg, db] = run(b, 'BatchNormTrainingGrad', { dy, x, mean, variance }, { epsilon: 1e-3, activation: 'linear' }).outs;
      const [, mLevel] = run(b, 'BatchNormTraining', { x: level }, { epsilon: 1e-3 }).outs;
      const near = (got: Float32Array, want: Float32Array, tol: number, what: string): void =>
        want.forEach((r, c) => assert.ok(Math.abs(got[c]! - r) <= tol * Math.max(1, Math.abs(r)), `${b} ${what}[${c}] ${got[c]} vs ref ${r}`));
      near(m!, mRef!, 2e-7, 'mean');
      near(v!, vRef!, 2e-6, 'variance');
      near(db!, dbRef!, 2e-7, 'dbeta');
      near(mLevel!, mLevelRef!, 2e-7, 'mean of the level');
      // dgamma is a cancelling sum (here ~7 from terms of ~|0.8|): bounded against the terms' absolute sum.
      dgRef!.forEach((r, c) => assert.ok(Math.abs(dg![c]! - r) <= 1e-8 * absTerms[c]!, `${b} dgamma[${c}] ${dg![c]} vs ref ${r}`));
    }
  });

  it('rejects mismatched shapes naming the kernel, expected and actual', () => {
    const x = randn([4, 3]);
    assert.throws(() => engine.runKernelOutputs('BatchNormTraining', { x, gamma: randn([4]) }, { epsilon: 1e-3 }), /BatchNormTraining: expected gamma of shape \[3\] for x \[4, 3\], got \[4\]/);
    assert.throws(() => engine.runKernelOutputs('BatchNormTraining', { x: randn([3]) }, { epsilon: 1e-3 }), /BatchNormTraining: x must have rank >= 2/);
  });
});

describe('BatchNormalization layer in training', () => {
  const rng = new Random(43);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() * 1.5 + 0.7), shape);

  it('channels-last runs one kernel each way and equals the composed path (output, moving statistics, gradients)', () => {
    const x = randn([6, 4, 5, 3]);
    const last = new BatchNormalization({ momentum: 0.9 });
    const first = new BatchNormalization({ axis: 1, momentum: 0.9 });
    last.build([null, 4, 5, 3]);
    first.build([null, 3, 4, 5]);
    for (const l of [last, first]) {
      l.gamma!.assign(ops.tensor([0.5, 1.5, -2], [3]));
      l.beta!.assign(ops.tensor([0.1, -0.3, 2], [3]));
    }
    const xFirst = ops.transpose(x, [0, 3, 1, 2]);
    let yLast: Tensor | null = null;
    const calls = kernelCalls(() => {
      yLast = last.call(x, { training: true });
    });
    assert.equal(calls.get('BatchNormTraining'), 1);
    assert.equal(calls.get('Reduce') ?? 0, 0, 'the fused path runs no Reduce');
    const yFirst = ops.transpose(first.call(xFirst, { training: true }), [0, 2, 3, 1]);
    const close = (a: Tensor, b: Tensor, what: string) => {
      const [p, q] = [a.dataSync(), b.dataSync()];
      p.forEach((v, i) => assert.ok(Math.abs(v - q[i]!) <= 2e-5 * Math.max(1, Math.abs(q[i]!)), `${what}[${i}]: ${v} vs ${q[i]}`));
    };
    close(yLast!, yFirst, 'y');
    close(last.movingMean!, first.movingMean!, 'movingMean');
    close(last.movingVariance!, first.movingVariance!, 'movingVariance');
    const r = randn([6, 4, 5, 3]);
    x.requiresGrad = true;
    const fused = gradients(ops.sum(ops.mul(last.call(x, { training: true }), r)), [x, last.gamma!, last.beta!]);
    const composed = gradients(ops.sum(ops.mul(ops.transpose(first.call(ops.transpose(x, [0, 3, 1, 2]), { training: true }), [0, 2, 3, 1]), r)), [x, first.gamma!, first.beta!]);
    ['dx', 'dgamma', 'dbeta'].forEach((what, i) => close(fused[i]!, composed[i]!, what));
  });
});

describe('BatchNormMovingUpdate', () => {
  const rng = new Random(47);
  const randn = (n: number, shift = 0) => ops.tensor(Float32Array.from({ length: n }, () => rng.normal() + shift), [n]);
  const rules = [
    { name: 'Keras momentum 0.99', keep: 0.99, blend: 1 - 0.99, varianceScale: 1 },
    { name: 'PyTorch momentum 0.1, M = 96', keep: 1 - 0.1, blend: 0.1, varianceScale: 96 / 95 },
  ];

  it('equals the composed mul/add chain bit for bit, on ref and on wasm with 1 and 2 threads', () => {
    for (const C of [1, 3, 32, 129]) {
      const inputs = { movingMean: randn(C), movingVariance: randn(C, 2), mean: randn(C), variance: randn(C, 2) };
      for (const rule of rules) {
        const { name, ...attrs } = rule;
        const composed = withDispatches('ref', () => {
          const blend = (moving: Tensor, stat: Tensor) => ops.add(ops.mul(moving, attrs.keep), ops.mul(stat, attrs.blend)).dataSync().slice();
          return [blend(inputs.movingMean, inputs.mean), blend(inputs.movingVariance, ops.mul(inputs.variance, attrs.varianceScale))];
        }).result;
        for (const backend of ['ref', 'wasm-bn-1t', 'wasm-bn-2t']) {
          const { outs, calls } = run(backend, 'BatchNormMovingUpdate', inputs, attrs);
          assert.deepEqual(outs, composed, `${name} C=${C} on ${backend}`);
          if (backend !== 'ref') assert.equal(calls.length, 0, 'no wasm export: C values on heap views');
        }
      }
    }
  });

  it('with a meanShift, equals the chain that adds it to the mean first, bit for bit, on ref and on wasm with 1 and 2 threads', () => {
    for (const C of [1, 3, 32, 129]) {
      const inputs = { movingMean: randn(C), movingVariance: randn(C, 2), mean: randn(C), variance: randn(C, 2), meanShift: ops.mul(randn(C), 3) };
      for (const rule of rules) {
        const { name, ...attrs } = rule;
        const composed = withDispatches('ref', () => {
          const blend = (moving: Tensor, stat: Tensor) => ops.add(ops.mul(moving, attrs.keep), ops.mul(stat, attrs.blend)).dataSync().slice();
          return [blend(inputs.movingMean, ops.add(inputs.mean, inputs.meanShift)), blend(inputs.movingVariance, ops.mul(inputs.variance, attrs.varianceScale))];
        }).result;
        const unshifted = run('ref', 'BatchNormMovingUpdate', { ...inputs, meanShift: undefined }, attrs).outs;
        assert.notDeepEqual(unshifted[0], composed[0], 'the shift must change the moving mean');
        for (const backend of ['ref', 'wasm-bn-1t', 'wasm-bn-2t']) {
          assert.deepEqual(run(backend, 'BatchNormMovingUpdate', inputs, attrs).outs, composed, `${name} C=${C} on ${backend}`);
        }
      }
    }
    const ok = randn(3);
    assert.throws(() => engine.runKernelOutputs('BatchNormMovingUpdate', { movingMean: ok, movingVariance: ok, mean: ok, variance: ok, meanShift: randn(4) }, { keep: 0.9, blend: 0.1, varianceScale: 1 }), /BatchNormMovingUpdate: expected meanShift float32 \[3\]/);
  });

  it('rejects statistics of another length or dtype, naming them', () => {
    const ok = randn(3);
    assert.throws(() => engine.runKernelOutputs('BatchNormMovingUpdate', { movingMean: ok, movingVariance: ok, mean: randn(4), variance: ok }, { keep: 0.9, blend: 0.1, varianceScale: 1 }), /BatchNormMovingUpdate: expected mean float32 \[3\]/);
  });
});

describe('nn.BatchNorm2d in training', () => {
  const rng = new Random(53);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal() * 1.5 + 0.7), shape);

  /** PyTorch's definition, composed from ops on NCHW: y and the running statistics after one step. */
  function composed(x: Tensor, weight: Tensor, bias: Tensor, eps: number, momentum: number): { y: Tensor; runMean: Float32Array; runVar: Float32Array } {
    const C = x.shape[1]!, M = x.size / C;
    const m = ops.mean(x, [0, 2, 3], true);
    const v = ops.mean(ops.square(ops.sub(x, m)), [0, 2, 3], true);
    const view = (t: Tensor) => ops.reshape(t, [1, C, 1, 1]);
    const y = ops.add(ops.mul(ops.div(ops.sub(x, m), ops.sqrt(ops.add(v, eps))), view(weight)), view(bias));
    const run = (start: number, stat: Tensor) => ops.add(ops.mul(ops.fill([C], start), 1 - momentum), ops.mul(ops.reshape(stat, [C]), momentum)).dataSync().slice() as Float32Array;
    return { y, runMean: run(0, m), runVar: run(1, ops.mul(v, M / (M - 1))) };
  }

  for (const backend of ['ref', 'wasm-bn-2t']) {
    it(`runs one BatchNormTraining each way and one BatchNormMovingUpdate, and equals the composed definition (${backend})`, () => {
      withDispatches(backend, () => {
        const bn = new nn.BatchNorm2d(3);
        noGrad(() => {
          bn.weight!.assign(ops.tensor([0.5, 1.5, -2], [3]));
          bn.bias!.assign(ops.tensor([0.1, -0.3, 2], [3]));
        });
        const x = randn([4, 3, 5, 6]);
        x.requiresGrad = true;
        const r = randn([4, 3, 5, 6]);
        let y: Tensor | null = null;
        const calls = kernelCalls(() => {
          y = bn.forward(x);
        });
        assert.equal(calls.get('BatchNormTraining'), 1);
        assert.equal(calls.get('BatchNormMovingUpdate'), 1);
        assert.equal(calls.get('Reduce') ?? 0, 0);
        const want = composed(x, bn.weight!, bn.bias!, 1e-5, 0.1);
        const close = (p: ArrayLike<number>, q: ArrayLike<number>, what: string) => {
          for (let i = 0; i < q.length; i++) assert.ok(Math.abs(p[i]! - q[i]!) <= 2e-5 * Math.max(1, Math.abs(q[i]!)), `${what}[${i}]: ${p[i]} vs ${q[i]}`);
        };
        close(y!.dataSync(), want.y.dataSync(), 'y');
        close(bn.runningMean!.dataSync(), want.runMean, 'running_mean');
        close(bn.runningVar!.dataSync(), want.runVar, 'running_var');
        const fused = gradients(ops.sum(ops.mul(bn.forward(x), r)), [x, bn.weight!, bn.bias!]);
        const plain = gradients(ops.sum(ops.mul(composed(x, bn.weight!, bn.bias!, 1e-5, 0.1).y, r)), [x, bn.weight!, bn.bias!]);
        ['dx', 'dweight', 'dbias'].forEach((what, i) => close(fused[i]!.dataSync(), plain[i]!.dataSync(), what));
      });
    });
  }
});
