/**
 * Winograd F(3x3, 3x3), F(5x5, 3x3) and F(4x4, 5x5) (wasm/assembly/winograd-mr.ts): the stride-1
 * convs whose outputs they cover with at least a quarter fewer GEMM rows than the usual tiles
 * (conv-winograd-mr.ts), against the reference backend, bit-identical on 1 and 2 threads, and
 * dispatched: the seed CNN's conv3 (5x5 -> 3x3) and conv2 at inference (the pool of its 11x11
 * output alone), LeNet-5's conv2 (12x12x20 -> 8x8x20, K % 8 == 4: padded GEMM panels), padding read
 * in place (windows past both sides of the image), several images per tile chunk and an image split
 * across two chunks, bias and relu or neither, max and min pooling.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import type { Pool2DAttrs } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { checkKernelAgainstRef, withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-winomr-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-winomr-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-winomr-1t', 'wasm-winomr-2t'] as const;

type Pad = [number, number, number, number];
interface Case { title: string; N: number; H: number; W: number; C: number; K: number; pad: Pad; k?: number }
const VALID: Pad = [0, 0, 0, 0];

const rng = new Random(53);
const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

describe('wasm Winograd F(3x3, 3x3) / F(5x5, 3x3) / F(4x4, 5x5) forward', () => {
  const cases: Case[] = [
    { title: "seed CNN conv3 (F(3x3): one tile)", N: 5, H: 5, W: 5, C: 64, K: 64, pad: VALID },
    { title: 'windows past both sides of the image (6x5 output: F(5x5))', N: 2, H: 4, W: 3, C: 4, K: 8, pad: [3, 1, 1, 3] },
    { title: 'F(5x5), one tile', N: 3, H: 7, W: 7, C: 8, K: 16, pad: VALID },
    { title: "F(5x5), 'same' 10x10", N: 2, H: 10, W: 10, C: 12, K: 8, pad: [1, 1, 1, 1] },
    { title: 'F(5x5), 6 tiles an image: images across 20-tile chunks', N: 5, H: 10, W: 15, C: 4, K: 24, pad: [1, 1, 1, 1] },
    { title: "LeNet-5's conv2 (F(4x4, 5x5), K % 8 == 4)", N: 3, H: 12, W: 12, C: 20, K: 20, pad: VALID, k: 5 },
    { title: "F(4x4, 5x5), 'same', 9x10, 7 images", N: 7, H: 9, W: 10, C: 8, K: 12, pad: [2, 2, 2, 2], k: 5 },
  ];
  it('matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      for (const [bias, activation] of [[true, 'relu'], [false, 'linear']] as const) {
        const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const k = c.k ?? 3;
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([k, k, c.C, c.K]), bias: bias ? randn([c.K]) : undefined };
        checkKernelAgainstRef(`${c.title}, bias ${bias} ${activation}`, BACKENDS, 'Conv2D', inputs, attrs, 'winoMRForward');
      }
    }
    engine.setBackend('ref');
  });
});

/** Conv2DPool's pooled map alone on one backend, and the wasm exports it dispatched. */
function pooledAlone(backend: string, inputs: { x: Tensor; filter: Tensor; bias: Tensor }, attrs: object, pool: Pool2DAttrs): { values: Float32Array; calls: string[] } {
  const { result, calls } = withDispatches(backend, () => {
    const outs = engine.runKernelOutputs('Conv2DPool', inputs, { ...attrs, pool, poolOnly: true } as never);
    assert.equal(outs.length, 1);
    return Float32Array.from(outs[0]!.dataSync() as Float32Array);
  });
  return { values: result, calls };
}

describe('wasm Winograd F(3x3, 3x3) / F(5x5, 3x3) / F(4x4, 5x5) with the pool alone (inference)', () => {
  const plain = (mode: 'max' | 'min'): Pool2DAttrs => ({ mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
  const cases: (Case & { pool: Pool2DAttrs })[] = [
    { title: "seed CNN conv2 (11x11: 10x10 in F(5x5))", N: 3, H: 13, W: 13, C: 32, K: 64, pad: VALID, pool: plain('max') },
    { title: 'F(5x5), odd 9x11 output, min', N: 4, H: 11, W: 13, C: 8, K: 8, pad: VALID, pool: plain('min') },
    { title: 'F(3x3), 6x6 output', N: 3, H: 8, W: 8, C: 4, K: 16, pad: VALID, pool: plain('max') },
    { title: "LeNet-5's conv2 (F(4x4, 5x5))", N: 3, H: 12, W: 12, C: 20, K: 20, pad: VALID, pool: plain('max'), k: 5 },
    { title: 'F(4x4, 5x5), odd 7x9 output, min', N: 2, H: 11, W: 13, C: 4, K: 8, pad: VALID, pool: plain('min'), k: 5 },
  ];
  it('matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation: 'relu' };
      const k = c.k ?? 3;
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([k, k, c.C, c.K]), bias: randn([c.K]) };
      const ref = pooledAlone('ref', inputs, attrs, c.pool).values;
      const [one, two] = BACKENDS.map((b) => pooledAlone(b, inputs, attrs, c.pool));
      assert.ok(one!.calls.includes('winoMRForward'), `${c.title}: dispatched ${one!.calls.join(', ')}`);
      assert.deepEqual(two!.values, one!.values, `${c.title}: 2 threads differ from 1 thread`);
      assert.equal(one!.values.length, ref.length, c.title);
      const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      const worst = ref.reduce((m, v, i) => Math.max(m, Math.abs(v - one!.values[i]!)), 0);
      assert.ok(worst <= 1e-5 * scale, `${c.title}: max error ${worst} vs ref (scale ${scale})`);
    }
  });
});

describe('wasm Winograd F(3x3) / F(5x5) / F(4x4, 5x5): the pool alone before the bias and relu', () => {
  // With the pool alone the kernel pools A^T M A and adds the bias and applies the activation to
  // the pooled quarter (winograd-mr.ts finishImage): act(pool(v) + b) must equal pool(act(v + b))
  // bit for bit. Where the pool-only call and a full Conv2D run the same tile (even outputs), the
  // two must agree exactly, with NaN in x, zero and negative-zero biases, max and min, relu6.
  const plain = (mode: 'max' | 'min'): Pool2DAttrs => ({ mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
  const cases: (Case & { pool: Pool2DAttrs })[] = [
    { title: "F(5x5), 'same' 10x10", N: 3, H: 10, W: 10, C: 8, K: 16, pad: [1, 1, 1, 1], pool: plain('max') },
    { title: 'F(3x3), 6x6 output, min', N: 3, H: 8, W: 8, C: 4, K: 16, pad: VALID, pool: plain('min') },
    { title: "LeNet-5's conv2 (F(4x4, 5x5), K % 8 == 4)", N: 2, H: 12, W: 12, C: 20, K: 20, pad: VALID, pool: plain('max'), k: 5 },
  ];
  const bitsOf = (v: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(v).buffer);
  it('equals Conv2D then Pool2D of the same tile, on 1 and 2 threads', () => {
    for (const c of cases) {
      for (const activation of ['relu', 'linear', 'relu6'] as const) {
        for (const withBias of [true, false]) {
          const k = c.k ?? 3;
          const xs = Float32Array.from({ length: c.N * c.H * c.W * c.C }, () => rng.normal());
          xs[c.H * c.W * c.C + 5] = NaN; // image 1: NaN spreads over the tiles that read it
          const bs = Float32Array.from({ length: c.K }, (_, i) => (i === 0 ? 0 : i === 1 ? -0 : rng.normal()));
          const inputs = { x: ops.tensor(xs, [c.N, c.H, c.W, c.C]), filter: randn([k, k, c.C, c.K]), bias: withBias ? ops.tensor(bs, [c.K]) : undefined };
          const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation };
          const title = `${c.title}, ${activation}, bias ${withBias}`;
          for (const backend of BACKENDS) {
            const only = withDispatches(backend, () => Float32Array.from(engine.runKernelOutputs('Conv2DPool', inputs, { ...attrs, pool: c.pool, poolOnly: true } as never)[0]!.dataSync() as Float32Array));
            assert.ok(only.calls.includes('winoMRForward'), `${title}: pool alone dispatched ${only.calls.join(', ')}`);
            const full = withDispatches(backend, () => {
              const y = engine.runKernel('Conv2D', inputs, attrs as never);
              return Float32Array.from(engine.runKernel('Pool2D', { x: y }, c.pool).dataSync() as Float32Array);
            });
            assert.ok(full.calls.includes('winoMRForward'), `${title}: Conv2D dispatched ${full.calls.join(', ')}`);
            assert.ok(only.result.some((v) => Number.isNaN(v)) && only.result.some((v) => !Number.isNaN(v)), `${title}: NaN in some windows only`);
            assert.deepEqual(bitsOf(only.result), bitsOf(full.result), `${backend} ${title}`);
          }
        }
      }
    }
    engine.setBackend('ref');
  });
});
