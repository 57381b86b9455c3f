/**
 * Winograd F(4x4, 3x3) (wasm/assembly/winograd4*.ts and its GEMM micro-kernels, winograd-gemm.ts):
 * the 3x3 stride-1 conv, its input and filter gradients against the reference backend on
 * cifar-vgg's four Winograd layer shapes (small batches) and odd ones (edge tiles, padding read in place, tile
 * counts that are not a multiple of the kernels' 4-row blocks or of the 44-tile chunk, K % 8 == 4,
 * one and several 8-column panels), bit-identical on 1 and 2 threads, and dispatched.
 */
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-wino4-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-wino4-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-wino4-1t', 'wasm-wino4-2t'] as const;

type Pad = [number, number, number, number];
interface Case { N: number; H: number; W: number; C: number; K: number; pad: Pad }

const SAME: Pad = [1, 1, 1, 1];
/** cifar-vgg's Winograd convs ('same' padding), batch cut down. */
const CIFAR_VGG: Case[] = [
  { N: 2, H: 32, W: 32, C: 32, K: 32, pad: SAME },
  { N: 3, H: 16, W: 16, C: 32, K: 64, pad: SAME },
  { N: 3, H: 16, W: 16, C: 64, K: 64, pad: SAME },
  { N: 13, H: 8, W: 8, C: 64, K: 128, pad: SAME }, // 52 tiles: a full chunk of 44, then 8 (two 4-row blocks)
];

function outSize(c: Case): [number, number] {
  return [c.H + c.pad[0] + c.pad[1] - 2, c.W + c.pad[2] + c.pad[3] - 2];
}

describe('wasm Winograd F(4x4, 3x3) forward', () => {
  const rng = new Random(43);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    ...CIFAR_VGG,
    { N: 3, H: 11, W: 14, C: 4, K: 8, pad: [0, 0, 0, 0] }, // edge tiles, one panel, depth 4
    { N: 7, H: 9, W: 7, C: 12, K: 24, pad: SAME }, // 14 tiles: the last 4-row block padded
    { N: 2, H: 16, W: 13, C: 20, K: 16, pad: [1, 0, 2, 1] }, // uneven padding
    { N: 2, H: 5, W: 6, C: 8, K: 8, pad: [2, 2, 2, 2] }, // padding 2: windows with two zero rows and columns
    { N: 2, H: 4, W: 2, C: 4, K: 8, pad: [3, 1, 1, 3] }, // windows wider than the image on both sides (a 6x4 output: the 6x5 of W = 3 now runs F(5x5, 3x3))
  ];
  it('matches the reference (bias and relu, or neither), identically on 1 and 2 threads', () => {
    for (const c of cases) {
      for (const [bias, activation] of [[true, 'relu'], [false, 'linear']] as const) {
        const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation };
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([3, 3, c.C, c.K]), bias: bias ? randn([c.K]) : undefined };
        const title = `${c.N}x${c.H}x${c.W}x${c.C} 3x3->${c.K} pad ${c.pad} bias ${bias} ${activation}`;
        checkKernelAgainstRef(title, BACKENDS, 'Conv2D', inputs, attrs, 'wino4Forward');
      }
    }
    engine.setBackend('ref');
  });
});

describe('wasm Winograd F(4x4, 3x3) forward with a residual (the output transform adds it; touch-ahead.ts reads it early)', () => {
  const rng = new Random(47);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    { N: 3, H: 32, W: 32, C: 16, K: 16, pad: SAME }, // resnet8's block-1 conv: 192 tiles, a chunk of 132 (wino4ForwardChunk) ends inside an image
    { N: 37, H: 8, W: 8, C: 16, K: 16, pad: SAME }, // 4 tiles an image: a chunk spans 33 images, then a partial one
    { N: 13, H: 8, W: 8, C: 32, K: 64, pad: SAME }, // chunks of 44 (C + K > 64): 11 images each, the last partial
    { N: 3, H: 7, W: 9, C: 8, K: 8, pad: SAME }, // edge tiles past the last row and column
  ];
  it('matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const [OH, OW] = outSize(c);
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, activation: 'relu' };
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([3, 3, c.C, c.K]), bias: randn([c.K]), residual: randn([c.N, OH, OW, c.K]) };
      checkKernelAgainstRef(`residual ${c.N}x${c.H}x${c.W}x${c.C} 3x3->${c.K}`, BACKENDS, 'Conv2D', inputs, attrs, 'wino4Forward');
    }
    engine.setBackend('ref');
  });
});

describe('wasm Winograd F(4x4, 3x3) input gradient (the forward over dy, or its adjoint)', () => {
  const rng = new Random(34);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  // dx with no more 4x4 tiles than dy runs the forward over dy with the rotated, swapped filter
  // (its padding 2 - pad read in place); a larger dx (a 'valid' conv) runs the adjoint.
  const cases: [Case, string][] = [
    ...CIFAR_VGG.map((c): [Case, string] => [c, 'wino4Forward']),
    [{ N: 3, H: 11, W: 14, C: 8, K: 4, pad: [0, 0, 0, 0] }, 'wino4BackpropInput'], // one panel, depth 4
    [{ N: 7, H: 9, W: 7, C: 24, K: 12, pad: SAME }, 'wino4Forward'], // edge tiles, 14 tiles: the last 4-row block padded
    [{ N: 2, H: 16, W: 13, C: 16, K: 20, pad: [1, 0, 2, 1] }, 'wino4Forward'], // uneven padding: dy padded 1, 3, 0, 1
    [{ N: 2, H: 10, W: 9, C: 8, K: 8, pad: [0, 2, 2, 0] }, 'wino4Forward'], // dy padded 2, 0, 0, 2
    [{ N: 2, H: 8, W: 7, C: 16, K: 8, pad: [3, 3, 3, 1] }, 'wino4Forward'], // pad 3: dx starts inside dy (window origin past 0)
    [{ N: 3, H: 9, W: 10, C: 8, K: 8, pad: [0, 0, 0, 0] }, 'wino4BackpropInput'], // 'valid': 9 dx tiles against 4 of dy
  ];
  it('matches the reference, identically on 1 and 2 threads, on the expected kernel', () => {
    for (const [c, kernel] of cases) {
      const [OH, OW] = outSize(c);
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, inputShape: [c.N, c.H, c.W, c.C] };
      const inputs = { dy: randn([c.N, OH, OW, c.K]), filter: randn([3, 3, c.C, c.K]) };
      checkKernelAgainstRef(`dx ${c.N}x${c.H}x${c.W}x${c.C} 3x3->${c.K} pad ${c.pad}`, BACKENDS, 'Conv2DBackpropInput', inputs, attrs, kernel);
    }
    engine.setBackend('ref');
  });
});

describe('wasm Winograd F(4x4, 3x3) filter gradient', () => {
  const rng = new Random(44);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    ...CIFAR_VGG,
    { N: 3, H: 11, W: 14, C: 4, K: 8, pad: [0, 0, 0, 0] }, // edge tiles
    { N: 7, H: 9, W: 7, C: 12, K: 12, pad: SAME }, // K % 8 == 4: a padded panel
    { N: 2, H: 16, W: 13, C: 20, K: 24, pad: [1, 0, 2, 1] }, // uneven padding
    { N: 10, H: 28, W: 28, C: 4, K: 8, pad: SAME }, // 49 tiles per image: 6 parts of 2 images, the last one empty
    { N: 24, H: 8, W: 8, C: 64, K: 128, pad: SAME }, // dU partials of 1.2 MB, capped at 2 MB: 2 parts of 12 images (48 tiles: two chunks)
    { N: 2, H: 5, W: 6, C: 8, K: 8, pad: [2, 2, 2, 2] }, // padding 2, read in place: windows with two zero rows and columns
    { N: 2, H: 4, W: 3, C: 4, K: 8, pad: [3, 1, 1, 3] }, // windows wider than the image on both sides
  ];
  it('matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const [OH, OW] = outSize(c);
      const attrs = { strides: [1, 1], pad: c.pad, dilations: [1, 1], groups: 1, filterShape: [3, 3, c.C, c.K] };
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), dy: randn([c.N, OH, OW, c.K]) };
      checkKernelAgainstRef(`dW ${c.N}x${c.H}x${c.W}x${c.C} 3x3->${c.K} pad ${c.pad}`, BACKENDS, 'Conv2DBackpropFilter', inputs, attrs, 'wino4BackpropFilterPart');
    }
    engine.setBackend('ref');
  });
});
