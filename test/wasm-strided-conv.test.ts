/**
 * The wasm backend's strided (stride-2) convolutions, resnet8's shapes and odd ones: forward
 * (Winograd F(4x4, 2x2) on the input's phases, wasm/assembly/winograd42.ts, a 1x1 conv's gathered
 * GEMM, wasm/assembly/conv-pointwise-strided.ts, or implicit GEMM),
 * input gradient and filter gradient against the reference backend, bit-identical on 1 and 2
 * threads: odd, non-square sizes, uneven padding, a widened filter in the filter gradient (KW * C
 * not a multiple of the micro-kernel's rows), one image.
 */
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import { checkKernelAgainstRef } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-s2-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-s2-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-s2-1t', 'wasm-s2-2t'] as const;

/**
 * `forward`, `inputGrad`, `filterGrad`: the exports each kernel must dispatch (Winograd F(4x4, 2x2)
 * for 3x3 with C % 4 == 0 and K % 8 == 0, its adjoint for C % 4 == 0 and K % 4 == 0, its filter
 * gradient for C % 4 == 0 and K % 4 == 0; 16 output pixels or more).
 */
interface Case { N: number; H: number; W: number; C: number; K: number; k: number; pad: [number, number, number, number]; forward: string; inputGrad: string; filterGrad: string }

const outSize = (size: number, k: number, before: number, after: number) => Math.floor((size + before + after - k) / 2) + 1;

describe('wasm strided convolutions', () => {
  const rng = new Random(43);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    // resnet8's strided 3x3 convs (fewer images) and its 1x1 stride-2 shortcuts.
    { N: 8, H: 32, W: 32, C: 16, K: 32, k: 3, pad: [1, 1, 1, 1], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    { N: 8, H: 16, W: 16, C: 32, K: 64, k: 3, pad: [1, 1, 1, 1], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    { N: 8, H: 32, W: 32, C: 16, K: 32, k: 1, pad: [0, 0, 0, 0], forward: 'convPointwiseStrided', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    { N: 8, H: 16, W: 16, C: 32, K: 64, k: 1, pad: [0, 0, 0, 0], forward: 'convPointwiseStrided', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    // 24 images: the filter gradient's dU partials (800 KB each) capped at 2 MB, so 2 parts of 12
    // images (two tile chunks each, the second added to the first).
    { N: 24, H: 16, W: 16, C: 32, K: 64, k: 3, pad: [1, 1, 1, 1], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    // The strided 1x1 kernel: odd, non-square sizes (gathered blocks of 96 pixels cross rows and
    // images), K % 8 != 0, C = 4, bottom/right padding left unread; padding the last output row or
    // column would read, and C % 4 != 0, go to the implicit GEMM.
    { N: 7, H: 9, W: 11, C: 8, K: 12, k: 1, pad: [0, 0, 0, 0], forward: 'convPointwiseStrided', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    { N: 3, H: 13, W: 7, C: 4, K: 20, k: 1, pad: [0, 1, 0, 0], forward: 'convPointwiseStrided', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    // K % 8 == 0 runs four pixels x all panels per call: 90 output pixels leave a last group of 2.
    { N: 3, H: 9, W: 11, C: 8, K: 16, k: 1, pad: [0, 0, 0, 0], forward: 'convPointwiseStrided', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    { N: 3, H: 10, W: 7, C: 4, K: 8, k: 1, pad: [0, 1, 0, 0], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    { N: 3, H: 10, W: 10, C: 6, K: 8, k: 1, pad: [0, 0, 0, 0], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    // Winograd: odd, non-square sizes and uneven padding (edge tiles clipped, windows past x);
    // padding wider than the filter's reach; inside tiles read in place next to gathered ones.
    { N: 3, H: 9, W: 11, C: 8, K: 16, k: 3, pad: [0, 1, 1, 0], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    { N: 2, H: 12, W: 10, C: 4, K: 8, k: 3, pad: [2, 3, 2, 2], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    { N: 2, H: 40, W: 36, C: 4, K: 24, k: 3, pad: [1, 0, 0, 1], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    // The input gradient's filter packed four input channels at a time (12 channels, split unevenly
    // by two threads); C % 4 == 2 is GEMM + col2im (the adjoint's scatter takes four channels at a
    // time: it dispatched here before and was wrong, by up to 1.2 against values of ~3).
    { N: 2, H: 10, W: 12, C: 12, K: 8, k: 3, pad: [1, 1, 1, 1], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    { N: 2, H: 10, W: 10, C: 6, K: 8, k: 3, pad: [1, 1, 1, 1], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    // 9 images in 4 filter-gradient parts of 3: the last part has none (its dU partial is zeros).
    { N: 9, H: 32, W: 32, C: 4, K: 8, k: 3, pad: [1, 1, 1, 1], forward: 'wino42Forward', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    // K % 8 == 4: the filter gradient's GEMM calls cover three 8-column panels, the last half
    // padding; 25 tiles an image in parts of 2 images, so a part runs a chunk of 44 tiles, then
    // one of 6 added to it, and the last part has none. (The forward needs K % 8 == 0.)
    { N: 5, H: 33, W: 33, C: 8, K: 20, k: 3, pad: [1, 1, 1, 1], forward: 'convImplicit', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    { N: 2, H: 10, W: 10, C: 10, K: 8, k: 3, pad: [1, 1, 1, 1], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    // Implicit GEMM: K % 8 != 0 (odd sizes, uneven padding); C = 3 with K % 4 != 0 (the filter
    // gradient widens the filter: (KW * C) % MR != 0); one image.
    { N: 11, H: 9, W: 7, C: 8, K: 12, k: 3, pad: [0, 1, 1, 0], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    { N: 5, H: 10, W: 10, C: 3, K: 6, k: 3, pad: [1, 1, 1, 1], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
    // An RGB stem with K % 4 == 0 (mobilenet-mini's): the few-channel direct kernels (conv1.ts).
    { N: 5, H: 10, W: 10, C: 3, K: 8, k: 3, pad: [1, 1, 1, 1], forward: 'conv1ForwardStrips', inputGrad: 'col2im', filterGrad: 'conv1BackpropFilterPart' },
    { N: 1, H: 8, W: 8, C: 4, K: 4, k: 3, pad: [1, 1, 1, 1], forward: 'convImplicit', inputGrad: 'wino42BackpropInput', filterGrad: 'wino42FilterGradFinish' },
    // A filter past the phase Winograd's size bound (C x K > 256 x 256): implicit GEMM.
    { N: 1, H: 8, W: 8, C: 260, K: 256, k: 3, pad: [1, 1, 1, 1], forward: 'convImplicit', inputGrad: 'col2im', filterGrad: 'convBackpropFilter' },
  ];
  const name = (c: Case) => `${c.N}x${c.H}x${c.W}x${c.C} ${c.k}x${c.k}/2 -> ${c.K}`;
  const geometry = (c: Case) => {
    const conv = { strides: [2, 2], pad: c.pad, dilations: [1, 1], groups: 1 };
    const OH = outSize(c.H, c.k, c.pad[0], c.pad[1]), OW = outSize(c.W, c.k, c.pad[2], c.pad[3]);
    return { conv, dyShape: [c.N, OH, OW, c.K] };
  };

  it('forward matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const { conv } = geometry(c);
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([c.k, c.k, c.C, c.K]), bias: randn([c.K]) };
      checkKernelAgainstRef(`forward ${name(c)}`, BACKENDS, 'Conv2D', inputs, { ...conv, activation: 'relu' }, c.forward);
      const linear = { x: inputs.x, filter: inputs.filter };
      checkKernelAgainstRef(`forward linear, no bias ${name(c)}`, BACKENDS, 'Conv2D', linear, { ...conv, activation: 'linear' }, c.forward);
    }
    engine.setBackend('ref');
  });

  it('the strided 1x1 kernel with relu6 and with a residual matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases.filter((q) => q.forward === 'convPointwiseStrided')) {
      const { conv, dyShape } = geometry(c);
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([c.k, c.k, c.C, c.K]), bias: randn([c.K]) };
      checkKernelAgainstRef(`forward relu6 ${name(c)}`, BACKENDS, 'Conv2D', inputs, { ...conv, activation: 'relu6' }, c.forward);
      checkKernelAgainstRef(`forward + residual, relu ${name(c)}`, BACKENDS, 'Conv2D', { ...inputs, residual: randn(dyShape) }, { ...conv, activation: 'relu' }, c.forward);
    }
    engine.setBackend('ref');
  });

  it('input gradient matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const { conv, dyShape } = geometry(c);
      const inputs = { dy: randn(dyShape), filter: randn([c.k, c.k, c.C, c.K]) };
      checkKernelAgainstRef(`dX ${name(c)}`, BACKENDS, 'Conv2DBackpropInput', inputs, { ...conv, inputShape: [c.N, c.H, c.W, c.C] }, c.inputGrad);
    }
    engine.setBackend('ref');
  });

  it('filter gradient matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const { conv, dyShape } = geometry(c);
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), dy: randn(dyShape) };
      checkKernelAgainstRef(`dW ${name(c)}`, BACKENDS, 'Conv2DBackpropFilter', inputs, { ...conv, filterShape: [c.k, c.k, c.C, c.K] }, c.filterGrad);
    }
    engine.setBackend('ref');
  });
});
