/**
 * The one-input-channel conv kernels of the wasm backend (wasm/assembly/conv1.ts): the direct filter
 * gradient (any filter size, stride 1 and 2, padding), the 3x3 forward conv (both also on 2-3 channels) and the other filters'
 * stride-1 forward conv (conv1-direct.ts; bias and relu fused) against the reference backend on odd shapes, and bit-identical on 1 and 2 threads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import type { KernelId, MultiOutputKernelId } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { checkKernelAgainstRef, withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-conv1-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-conv1-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-conv1-1t', 'wasm-conv1-2t'] as const;

type Pad = [number, number, number, number];
interface Case { N: number; H: number; W: number; KH: number; KW: number; K: number; s: [number, number]; pad: Pad }

const outSize = (n: number, k: number, s: number, p: number): number => Math.floor((n + p - k) / s) + 1;

/** The 3x3 forward kernel Conv2D picks: Winograd F(2x2, 3x3) at stride 1 with an even output, else the direct one. */
function forward3x3Kernel(c: Case): string {
  const OH = outSize(c.H, 3, c.s[0], c.pad[0] + c.pad[1]), OW = outSize(c.W, 3, c.s[1], c.pad[2] + c.pad[3]);
  return c.s[0] === 1 && c.s[1] === 1 && OH % 2 === 0 && OW % 2 === 0 ? 'conv1Wino2x2' : 'conv1Forward3x3';
}

/** check() for a kernel with several outputs (each against the reference within 1e-5 of its largest magnitude). */
function checkOutputs(title: string, id: MultiOutputKernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown, kernel: string): void {
  const run = (backend: string) => withDispatches(backend, () => engine.runKernelOutputs(id, inputs as never, attrs as never).map((t) => Float32Array.from(t.dataSync() as Float32Array)));
  const ref = run('ref').result;
  const [one, two] = BACKENDS.map(run) as [ReturnType<typeof run>, ReturnType<typeof run>];
  assert.ok(one.calls.includes(kernel), `${title}: expected ${kernel}, dispatched ${one.calls.join(', ')}`);
  assert.equal(one.result.length, ref.length, `${title}: outputs`);
  assert.deepEqual(two.result, one.result, `${title}: 2 threads differ from 1 thread`);
  ref.forEach((r, o) => {
    const scale = r.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const worst = r.reduce((m, v, i) => Math.max(m, Math.abs(one.result[o]![i]! - v)), 0);
    assert.ok(worst <= 1e-5 * scale, `${title}: output ${o} max error ${worst} vs ref (scale ${scale})`);
  });
}

/** Checks ref vs both thread counts (bit-identical to each other) and that `kernel` was used. */
function check(title: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown, kernel: string): void {
  checkKernelAgainstRef(title, BACKENDS, id, inputs, attrs, kernel);
}

describe('wasm one-channel convolutions', () => {
  const rng = new Random(21);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    { N: 16, H: 28, W: 28, KH: 3, KW: 3, K: 32, s: [1, 1], pad: [0, 0, 0, 0] },
    { N: 5, H: 13, W: 11, KH: 3, KW: 3, K: 8, s: [1, 1], pad: [1, 1, 1, 1] },
    { N: 7, H: 15, W: 9, KH: 3, KW: 3, K: 4, s: [2, 2], pad: [0, 0, 0, 0] },
    { N: 3, H: 16, W: 17, KH: 3, KW: 3, K: 12, s: [2, 1], pad: [1, 0, 2, 1] },
    { N: 9, H: 20, W: 19, KH: 5, KW: 5, K: 8, s: [1, 1], pad: [2, 2, 2, 2] },
    { N: 4, H: 12, W: 14, KH: 2, KW: 7, K: 4, s: [1, 2], pad: [0, 1, 3, 0] },
    { N: 2, H: 9, W: 8, KH: 1, KW: 1, K: 16, s: [2, 2], pad: [0, 0, 0, 0] },
    { N: 1, H: 30, W: 7, KH: 4, KW: 3, K: 32, s: [1, 1], pad: [0, 0, 0, 0] },
    { N: 3, H: 10, W: 12, KH: 3, KW: 3, K: 16, s: [1, 2], pad: [2, 0, 0, 1] },
    { N: 6, H: 9, W: 9, KH: 3, KW: 3, K: 20, s: [2, 2], pad: [1, 1, 1, 1] },
    // LeNet-5's first layer (20 filters: two 8-channel tiles and a 4-channel tail), and other tails.
    { N: 4, H: 28, W: 28, KH: 5, KW: 5, K: 20, s: [1, 1], pad: [0, 0, 0, 0] },
    { N: 3, H: 11, W: 13, KH: 2, KW: 5, K: 4, s: [1, 1], pad: [1, 0, 0, 2] },
    { N: 2, H: 9, W: 10, KH: 5, KW: 5, K: 12, s: [1, 1], pad: [0, 0, 0, 0] },
  ];
  const name = (c: Case) => `${c.N}x${c.H}x${c.W}x1 ${c.KH}x${c.KW}->${c.K} stride ${c.s} pad ${c.pad}`;

  it('filter gradient matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const OH = outSize(c.H, c.KH, c.s[0], c.pad[0] + c.pad[1]), OW = outSize(c.W, c.KW, c.s[1], c.pad[2] + c.pad[3]);
      const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, filterShape: [c.KH, c.KW, 1, c.K] };
      check(`dW ${name(c)}`, 'Conv2DBackpropFilter', { x: randn([c.N, c.H, c.W, 1]), dy: randn([c.N, OH, OW, c.K]) }, attrs, 'conv1BackpropFilterPart');
    }
  });

  it('filter gradient with 2 and 3 input channels (run as one channel of C-times-wider rows) matches the reference, identically on 1 and 2 threads', () => {
    // cifar-vgg's stem, then strides, padding and filter shapes that move the C-wide taps around.
    const few: (Case & { C: number })[] = [
      { N: 8, H: 32, W: 32, KH: 3, KW: 3, K: 32, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      // resnet8's stem (K = 16: the channel groups run as two and two) and K = 28 (three, then two and two).
      { N: 4, H: 16, W: 16, KH: 3, KW: 3, K: 16, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      { N: 3, H: 9, W: 11, KH: 3, KW: 3, K: 28, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      { N: 5, H: 13, W: 11, KH: 3, KW: 3, K: 12, s: [2, 2], pad: [1, 0, 0, 1], C: 3 },
      { N: 3, H: 10, W: 12, KH: 5, KW: 2, K: 8, s: [1, 2], pad: [2, 2, 1, 0], C: 3 },
      { N: 4, H: 9, W: 10, KH: 3, KW: 3, K: 4, s: [1, 1], pad: [0, 0, 0, 0], C: 2 },
      { N: 2, H: 11, W: 7, KH: 1, KW: 1, K: 16, s: [2, 1], pad: [0, 0, 0, 0], C: 2 },
    ];
    for (const c of few) {
      const OH = outSize(c.H, c.KH, c.s[0], c.pad[0] + c.pad[1]), OW = outSize(c.W, c.KW, c.s[1], c.pad[2] + c.pad[3]);
      const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, filterShape: [c.KH, c.KW, c.C, c.K] };
      check(`dW ${c.N}x${c.H}x${c.W}x${c.C} ${c.KH}x${c.KW}->${c.K} stride ${c.s} pad ${c.pad}`, 'Conv2DBackpropFilter',
        { x: randn([c.N, c.H, c.W, c.C]), dy: randn([c.N, OH, OW, c.K]) }, attrs, 'conv1BackpropFilterPart');
    }
    engine.setBackend('ref');
  });

  it('3x3 forward (bias, relu, neither) matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases.filter((q) => q.KH === 3 && q.KW === 3)) {
      for (const [bias, activation] of [[true, 'relu'], [true, 'linear'], [false, 'relu'], [false, 'linear']] as const) {
        const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const inputs = { x: randn([c.N, c.H, c.W, 1]), filter: randn([3, 3, 1, c.K]), bias: bias ? randn([c.K]) : undefined };
        check(`conv ${name(c)} bias ${bias} ${activation}`, 'Conv2D', inputs, attrs, forward3x3Kernel(c));
      }
    }
    engine.setBackend('ref');
  });

  // Winograd F(2x2, 3x3) (stride 1, even output height and width): the seed CNN's conv1, then one
  // 4-channel group (no pair), a pair and a single group (K = 12), padding, a one-tile image.
  const winoCases: Case[] = [
    { N: 16, H: 28, W: 28, KH: 3, KW: 3, K: 32, s: [1, 1], pad: [0, 0, 0, 0] },
    { N: 5, H: 8, W: 12, KH: 3, KW: 3, K: 4, s: [1, 1], pad: [0, 0, 0, 0] },
    { N: 3, H: 13, W: 9, KH: 3, KW: 3, K: 12, s: [1, 1], pad: [1, 0, 2, 1] },
    { N: 7, H: 4, W: 4, KH: 3, KW: 3, K: 20, s: [1, 1], pad: [0, 0, 0, 0] },
  ];

  it('3x3 stride 1 with an even output runs Winograd F(2x2, 3x3): bias, relu, relu6, neither match the reference, identically on 1 and 2 threads', () => {
    for (const c of winoCases) {
      for (const [bias, activation] of [[true, 'relu'], [true, 'relu6'], [true, 'linear'], [false, 'relu'], [false, 'linear']] as const) {
        const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const inputs = { x: randn([c.N, c.H, c.W, 1]), filter: randn([3, 3, 1, c.K]), bias: bias ? randn([c.K]) : undefined };
        check(`conv ${name(c)} bias ${bias} ${activation}`, 'Conv2D', inputs, attrs, 'conv1Wino2x2');
      }
    }
    engine.setBackend('ref');
  });

  it('Conv2DPool on F(2x2, 3x3) pools each tile (max, min; with y and pool only) as the reference, identically on 1 and 2 threads', () => {
    for (const c of winoCases) {
      for (const mode of ['max', 'min'] as const) {
        for (const poolOnly of [false, true]) {
          const pool = { mode, poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] };
          const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, activation: 'relu', pool, poolOnly };
          const inputs = { x: randn([c.N, c.H, c.W, 1]), filter: randn([3, 3, 1, c.K]), bias: randn([c.K]) };
          checkOutputs(`conv+pool ${name(c)} ${mode} poolOnly ${poolOnly}`, 'Conv2DPool', inputs, attrs, 'conv1Wino2x2');
        }
      }
    }
    engine.setBackend('ref');
  });

  it('forward on 2 and 3 channels (strips of 3 taps, 3x3 and other filters; bias, relu, relu6, neither) matches the reference, identically on 1 and 2 threads', () => {
    // cifar-vgg's stem, then strides, padding and tails (K % 12 != 0) over the C-wide taps.
    const few: (Case & { C: number })[] = [
      { N: 4, H: 32, W: 32, KH: 3, KW: 3, K: 32, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      // resnet8's stem (K = 16: one block of sixteen channels with the sums in registers, conv1-stem.ts)
      // and K = 28 (sixteen, then strips of three groups; odd output width: a last pixel alone).
      { N: 3, H: 32, W: 32, KH: 3, KW: 3, K: 16, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      { N: 2, H: 11, W: 9, KH: 3, KW: 3, K: 28, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      // K = 16 and 28 on other sizes (16 channels in registers; 28: then three groups in strips).
      { N: 4, H: 16, W: 16, KH: 3, KW: 3, K: 16, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      { N: 3, H: 9, W: 11, KH: 3, KW: 3, K: 28, s: [1, 1], pad: [1, 1, 1, 1], C: 3 },
      { N: 5, H: 13, W: 11, KH: 3, KW: 3, K: 20, s: [2, 2], pad: [1, 0, 0, 1], C: 3 },
      { N: 3, H: 10, W: 12, KH: 3, KW: 3, K: 8, s: [1, 2], pad: [0, 0, 0, 0], C: 2 },
      { N: 2, H: 9, W: 7, KH: 3, KW: 3, K: 4, s: [2, 1], pad: [2, 1, 1, 2], C: 2 },
      // Other filters (KW * C % 3 == 0): 5x5 'same', AlexNet-like 11x11 stride 4, 7x7 stride 2, 2x2 and 4x1.
      { N: 3, H: 12, W: 10, KH: 5, KW: 5, K: 16, s: [1, 1], pad: [2, 2, 2, 2], C: 3 },
      { N: 2, H: 31, W: 27, KH: 11, KW: 11, K: 24, s: [4, 4], pad: [0, 0, 0, 0], C: 3 },
      { N: 2, H: 16, W: 15, KH: 7, KW: 7, K: 8, s: [2, 2], pad: [3, 3, 3, 3], C: 3 },
      { N: 4, H: 9, W: 8, KH: 2, KW: 2, K: 12, s: [1, 1], pad: [0, 1, 0, 1], C: 3 },
      { N: 3, H: 8, W: 9, KH: 4, KW: 1, K: 4, s: [1, 2], pad: [0, 0, 0, 0], C: 3 },
      { N: 2, H: 10, W: 10, KH: 2, KW: 6, K: 8, s: [1, 1], pad: [0, 0, 1, 1], C: 2 },
    ];
    for (const c of few) {
      for (const [bias, activation] of [[true, 'relu'], [true, 'relu6'], [true, 'linear'], [false, 'relu'], [false, 'relu6'], [false, 'linear']] as const) {
        const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([c.KH, c.KW, c.C, c.K]), bias: bias ? randn([c.K]) : undefined };
        check(`conv ${c.N}x${c.H}x${c.W}x${c.C} ${c.KH}x${c.KW}->${c.K} stride ${c.s} pad ${c.pad} bias ${bias} ${activation}`, 'Conv2D', inputs, attrs, 'conv1ForwardStrips');
      }
    }
    engine.setBackend('ref');
  });

  it('other filters at stride 1 (bias, relu, neither; K % 8 == 4 tails) match the reference, identically on 1 and 2 threads', () => {
    const direct = cases.filter((q) => !(q.KH === 3 && q.KW === 3) && q.s[0] === 1 && q.s[1] === 1);
    assert.ok(direct.some((q) => q.K % 8 === 4) && direct.some((q) => q.K % 8 === 0));
    for (const c of direct) {
      for (const [bias, activation] of [[true, 'relu'], [true, 'linear'], [false, 'relu'], [false, 'linear']] as const) {
        const attrs = { strides: c.s, pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const inputs = { x: randn([c.N, c.H, c.W, 1]), filter: randn([c.KH, c.KW, 1, c.K]), bias: bias ? randn([c.K]) : undefined };
        check(`conv ${name(c)} bias ${bias} ${activation}`, 'Conv2D', inputs, attrs, 'conv1Direct');
      }
    }
    engine.setBackend('ref');
  });
});
