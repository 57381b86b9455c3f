/**
 * The 3x3 stride-1 forward on mixed F(6x6) / F(6x4) / F(4x6) / F(4x4) tiles
 * (wasm/assembly/winograd-mixed.ts, dispatched by conv-winograd-mixed.ts) against the reference
 * backend, bit-identical on 1 and 2 threads, and dispatched: cifar-vgg's and resnet8's 32x32 and
 * 16x16 maps with 32 input channels (small batches), odd sizes whose last tile of either kind runs past the output, sizes
 * with all four kinds, with one or two kinds per side, 'same', 'valid' and uneven padding, a kind
 * split over several passes, groups of images that end mid-batch, bias and relu or neither, the
 * residual, and the fused 2x2 pool (with y and alone).
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

registerWasmBackend({ name: 'wasm-winomix-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-winomix-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-winomix-1t', 'wasm-winomix-2t'] as const;
const KERNEL = 'winoMixedForward';

type Pad = [number, number, number, number];
interface Case { title: string; N: number; H: number; W: number; C: number; K: number; pad: Pad }
const SAME: Pad = [1, 1, 1, 1];
const VALID: Pad = [0, 0, 0, 0];

const rng = new Random(61);
const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
const outSize = (c: Case): [number, number] => [c.H + c.pad[0] + c.pad[1] - 2, c.W + c.pad[2] + c.pad[3] - 2];
const convAttrs = (c: Case, activation: string) => ({ strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation });

const CASES: Case[] = [
  { title: "resnet8's 16x16 32->32 (6+6+4 per side)", N: 3, H: 16, W: 16, C: 32, K: 32, pad: SAME },
  { title: "cifar-vgg's 32x32 32->32 (6+6+6+6+4+4), five images: groups of two, the last of one", N: 5, H: 32, W: 32, C: 32, K: 32, pad: SAME },
  { title: "cifar-vgg's 16x16 32->64", N: 3, H: 16, W: 16, C: 32, K: 64, pad: SAME },
  { title: "13x14 'valid' output: all four kinds, the last 4-row tile past the output", N: 3, H: 15, W: 16, C: 32, K: 32, pad: VALID },
  { title: '22x18: 6+6+6+4 rows, 6+6+6 columns (two kinds)', N: 2, H: 22, W: 18, C: 28, K: 40, pad: SAME },
  { title: 'uneven padding, 15x13 output', N: 2, H: 15, W: 12, C: 12, K: 56, pad: [1, 1, 2, 1] },
  { title: '62x64: 100 F(6x6) tiles an image, passes of a kind split by the chunk', N: 1, H: 62, W: 64, C: 24, K: 40, pad: [1, 1, 1, 1] },
  { title: 'padding 2 (windows with two zero rows and columns), 18x20 output', N: 2, H: 16, W: 18, C: 32, K: 32, pad: [2, 2, 2, 2] },
];

describe('wasm Winograd forward on mixed F(6x6) / F(4x4) tiles', () => {
  it('matches the reference (bias and relu, or neither), identically on 1 and 2 threads', () => {
    for (const c of CASES) {
      for (const [bias, activation] of [[true, 'relu'], [false, 'linear']] as const) {
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([3, 3, c.C, c.K]), bias: bias ? randn([c.K]) : undefined };
        checkKernelAgainstRef(`${c.title}, bias ${bias} ${activation}`, BACKENDS, 'Conv2D', inputs, convAttrs(c, activation), KERNEL);
      }
    }
  });

  it('adds a residual before the relu, identically on 1 and 2 threads', () => {
    for (const c of CASES.slice(0, 6)) {
      const [OH, OW] = outSize(c);
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([3, 3, c.C, c.K]), bias: randn([c.K]), residual: randn([c.N, OH, OW, c.K]) };
      checkKernelAgainstRef(`residual: ${c.title}`, BACKENDS, 'Conv2D', inputs, convAttrs(c, 'relu'), KERNEL);
    }
  });
});

/** Conv2DPool's outputs (the pool alone or [y, pool]) on one backend, and the exports it dispatched. */
function convPool(backend: string, inputs: { x: Tensor; filter: Tensor; bias: Tensor }, attrs: object, pool: Pool2DAttrs, poolOnly: boolean): { values: Float32Array[]; calls: string[] } {
  const { result, calls } = withDispatches(backend, () => engine.runKernelOutputs('Conv2DPool', inputs, { ...attrs, pool, poolOnly } as never)
    .map((t) => Float32Array.from(t.dataSync() as Float32Array)));
  return { values: result, calls };
}

describe('wasm Winograd forward on mixed tiles with the 2x2 pool fused', () => {
  const plain = (mode: 'max' | 'min'): Pool2DAttrs => ({ mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] });
  const cases: (Case & { pool: Pool2DAttrs })[] = [
    { title: "cifar-vgg's c2 + pool (32x32 32->32)", N: 3, H: 32, W: 32, C: 32, K: 32, pad: SAME, pool: plain('max') },
    { title: '16x16 32->64 + pool', N: 2, H: 16, W: 16, C: 32, K: 64, pad: SAME, pool: plain('max') },
    { title: '13x14 output (odd rows: the last pooled row dropped), min', N: 3, H: 15, W: 16, C: 32, K: 32, pad: VALID, pool: plain('min') },
  ];
  it('matches Conv2D then Pool2D on the reference, the pool alone or with y, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      for (const poolOnly of [true, false]) {
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([3, 3, c.C, c.K]), bias: randn([c.K]) };
        const title = `${c.title}, pool ${poolOnly ? 'alone' : 'and y'}`;
        // The bound of checkKernelAgainstRef, relative to the conv output's largest magnitude (a
        // min pool of relu outputs is much smaller than the values whose rounding it carries).
        const [refY, refPooled] = convPool('ref', inputs, convAttrs(c, 'relu'), c.pool, false).values as [Float32Array, Float32Array];
        const scale = refY.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        const ref = poolOnly ? [refPooled] : [refY, refPooled];
        const [one, two] = BACKENDS.map((b) => convPool(b, inputs, convAttrs(c, 'relu'), c.pool, poolOnly));
        assert.ok(one!.calls.includes(KERNEL), `${title}: dispatched ${one!.calls.join(', ')}`);
        assert.deepEqual(two!.values, one!.values, `${title}: 2 threads differ from 1 thread`);
        assert.equal(one!.values.length, ref.length, title);
        ref.forEach((r, i) => {
          const worst = r.reduce((m, v, j) => Math.max(m, Math.abs(v - one!.values[i]![j]!)), 0);
          assert.ok(worst <= 1e-5 * scale, `${title}, output ${i}: max error ${worst} vs ref (scale ${scale})`);
        });
      }
    }
  });
});

describe('mixed tiles are dispatched by the geometry alone', () => {
  const keeps: Case[] = [
    { title: '8x8 (4+4: no fewer rows)', N: 2, H: 8, W: 8, C: 32, K: 32, pad: SAME },
    { title: "resnet8's 32x32 16->16 (transform-bound)", N: 1, H: 32, W: 32, C: 16, K: 16, pad: SAME },
    { title: "cifar-vgg's 16x16 64->64 (F(6x6)'s float32 error over 64 channels)", N: 1, H: 16, W: 16, C: 64, K: 64, pad: SAME },
  ];
  it('keeps F(4x4, 3x3) where mixed tiles save no rows, are transform-bound, or lose accuracy', () => {
    for (const c of keeps) {
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([3, 3, c.C, c.K]), bias: randn([c.K]) };
      checkKernelAgainstRef(`${c.title} on F(4x4, 3x3)`, BACKENDS, 'Conv2D', inputs, convAttrs(c, 'relu'), 'wino4Forward');
    }
  });
});
