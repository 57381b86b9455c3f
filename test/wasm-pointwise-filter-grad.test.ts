/**
 * The pointwise (1x1, stride 1, unpadded) conv filter gradient of the wasm backend: one GEMM
 * X^T dY over fixed pixel blocks summed in order (kernels/conv-grad.ts, filterGradPointwise),
 * against the reference backend on odd shapes (pixel counts that do not divide into the blocks,
 * channel counts off the micro-kernel's 4 x 8 tile, a single pixel), bit-identical on 1 and 2 threads.
 */
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-pw-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-pw-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-pw-1t', 'wasm-pw-2t'] as const;

interface Case { N: number; H: number; W: number; C: number; K: number }

describe('wasm pointwise conv filter gradient', () => {
  const rng = new Random(41);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    // mobilenet-mini's first pointwise conv (fewer images) and its last (K > C).
    { N: 8, H: 16, W: 16, C: 32, K: 64 },
    { N: 16, H: 4, W: 4, C: 128, K: 256 },
    // 105 pixels: seven blocks of 14 and a last one of 7; C and K off the 4 x 8 tile.
    { N: 3, H: 5, W: 7, C: 13, K: 10 },
    // Fewer pixels than blocks.
    { N: 1, H: 1, W: 3, C: 4, K: 9 },
  ];
  const name = (c: Case) => `${c.N}x${c.H}x${c.W}x${c.C} -> ${c.K}`;
  const attrsOf = (c: Case) => ({ strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, filterShape: [1, 1, c.C, c.K] });

  it('matches the reference, identically on 1 and 2 threads, summing the pixel blocks', () => {
    for (const c of cases) {
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), dy: randn([c.N, c.H, c.W, c.K]) };
      checkKernelAgainstRef(`dW ${name(c)}`, BACKENDS, 'Conv2DBackpropFilter', inputs, attrsOf(c), 'conv1FilterGradSum');
    }
    engine.setBackend('ref');
  });

  it('a single pixel is one GEMM straight into dW', () => {
    const c: Case = { N: 1, H: 1, W: 1, C: 5, K: 3 };
    const inputs = { x: randn([c.N, c.H, c.W, c.C]), dy: randn([c.N, c.H, c.W, c.K]) };
    checkKernelAgainstRef(`dW ${name(c)}`, BACKENDS, 'Conv2DBackpropFilter', inputs, attrsOf(c), 'sgemmU');
    engine.setBackend('ref');
  });
});
