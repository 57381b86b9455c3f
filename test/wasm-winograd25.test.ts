/**
 * Winograd F(2x2, 5x5) (wasm/assembly/winograd25*.ts), the wasm backend's 5x5 stride-1 conv (LeNet-5's
 * second layer) and its input and filter gradients: against the reference backend on odd shapes (edge tiles, padding, K % 8 == 4, bias
 * and relu or neither), bit-identical on 1 and 2 threads, and dispatched (not a fallback).
 */
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-wino25-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-wino25-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-wino25-1t', 'wasm-wino25-2t'] as const;

type Pad = [number, number, number, number];
interface Case { N: number; H: number; W: number; C: number; K: number; pad: Pad }

// Outputs that F(4x4, 5x5) covers with a quarter fewer GEMM rows run it instead of F(2x2, 5x5)
// (conv-winograd-mr.ts; test/wasm-winograd-mr.test.ts): the kernel each case must dispatch.
const F22 = 'wino25Forward', F44 = 'winoMRForward';

describe('wasm Winograd F(2x2, 5x5) forward (and F(4x4, 5x5) where it takes over)', () => {
  const rng = new Random(25);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: (Case & { kernel: string })[] = [
    { N: 6, H: 12, W: 12, C: 20, K: 20, pad: [0, 0, 0, 0], kernel: F44 }, // LeNet-5's conv2 (8x8 output: whole tiles)
    { N: 3, H: 11, W: 14, C: 4, K: 8, pad: [0, 0, 0, 0], kernel: F44 }, // odd output height: edge tiles
    { N: 2, H: 9, W: 7, C: 8, K: 12, pad: [2, 2, 2, 2], kernel: F44 }, // 'same' padding, odd width
    { N: 5, H: 6, W: 7, C: 12, K: 4, pad: [0, 0, 0, 0], kernel: F22 }, // 2x3 output: a half tile per image
    { N: 3, H: 7, W: 6, C: 8, K: 12, pad: [0, 0, 0, 0], kernel: F22 }, // 3x2 output, K % 8 == 4
    { N: 2, H: 16, W: 13, C: 16, K: 24, pad: [1, 0, 2, 1], kernel: F44 }, // uneven padding
    // 5x5 output, 9 tiles an image: 63 tiles = a chunk of 44 and one of 19, whose last block of
    // four GEMM rows holds 3 tiles; K = 28: four 8-column panels, the last half padding.
    { N: 7, H: 9, W: 9, C: 12, K: 28, pad: [0, 0, 0, 0], kernel: F22 },
  ];
  it('matches the reference (bias, relu, neither), identically on 1 and 2 threads', () => {
    for (const c of cases) {
      for (const [bias, activation] of [[true, 'relu'], [true, 'linear'], [false, 'relu'], [false, 'linear']] as const) {
        const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([5, 5, c.C, c.K]), bias: bias ? randn([c.K]) : undefined };
        const title = `${c.N}x${c.H}x${c.W}x${c.C} 5x5->${c.K} pad ${c.pad} bias ${bias} ${activation}`;
        checkKernelAgainstRef(title, BACKENDS, 'Conv2D', inputs, attrs, c.kernel);
      }
    }
    engine.setBackend('ref');
  });
});

describe('wasm Winograd F(2x2, 5x5) input gradient (the forward adjoint)', () => {
  const rng = new Random(52);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    { N: 6, H: 12, W: 12, C: 20, K: 20, pad: [0, 0, 0, 0] }, // LeNet-5's conv2
    { N: 3, H: 11, W: 14, C: 4, K: 8, pad: [0, 0, 0, 0] }, // odd output height: edge tiles
    { N: 2, H: 9, W: 7, C: 12, K: 8, pad: [2, 2, 2, 2] }, // 'same' padding: windows clipped to the image
    { N: 2, H: 16, W: 13, C: 16, K: 24, pad: [1, 0, 2, 1] }, // uneven padding
    // 63 tiles (a chunk of 44, then 19: a last GEMM row block of 3 tiles); C = 28: four 8-column
    // panels of dx channels, the last half padding.
    { N: 7, H: 9, W: 9, C: 28, K: 12, pad: [0, 0, 0, 0] },
  ];
  it('matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const OH = c.H + c.pad[0] + c.pad[1] - 4, OW = c.W + c.pad[2] + c.pad[3] - 4;
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, inputShape: [c.N, c.H, c.W, c.C] };
      const inputs = { dy: randn([c.N, OH, OW, c.K]), filter: randn([5, 5, c.C, c.K]) };
      checkKernelAgainstRef(`dx ${c.N}x${c.H}x${c.W}x${c.C} 5x5->${c.K} pad ${c.pad}`, BACKENDS, 'Conv2DBackpropInput', inputs, attrs, 'wino25BackpropInput');
    }
    engine.setBackend('ref');
  });
});

describe('wasm Winograd F(2x2, 5x5) filter gradient', () => {
  const rng = new Random(55);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    { N: 64, H: 12, W: 12, C: 20, K: 20, pad: [0, 0, 0, 0] }, // LeNet-5's conv2 at its training batch (8 parts)
    { N: 3, H: 11, W: 14, C: 4, K: 8, pad: [0, 0, 0, 0] }, // odd output height: edge tiles
    { N: 5, H: 9, W: 7, C: 12, K: 12, pad: [2, 2, 2, 2] }, // 'same' padding, K % 8 == 4
    { N: 2, H: 16, W: 13, C: 16, K: 24, pad: [1, 0, 2, 1] }, // uneven padding
  ];
  it('matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const OH = c.H + c.pad[0] + c.pad[1] - 4, OW = c.W + c.pad[2] + c.pad[3] - 4;
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, filterShape: [5, 5, c.C, c.K] };
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), dy: randn([c.N, OH, OW, c.K]) };
      checkKernelAgainstRef(`dW ${c.N}x${c.H}x${c.W}x${c.C} 5x5->${c.K} pad ${c.pad}`, BACKENDS, 'Conv2DBackpropFilter', inputs, attrs, 'wino25BackpropFilterPart');
    }
    engine.setBackend('ref');
  });
});
