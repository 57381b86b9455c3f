/**
 * The depthwise conv kernels of the wasm backend (wasm/assembly/depthwise.ts): forward (bias and
 * relu fused), input gradient and filter gradient of convs with groups = channels, against the
 * reference backend on odd shapes (channel counts with and without a 4-lane tail, strides,
 * asymmetric padding, dilation, the rows the forward streams by columns with a padded row or
 * column on either side), and bit-identical on 1 and 2 threads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engine } from '../src/backend/engine.js';
import type { KernelId } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { checkKernelAgainstRef, runKernelOn } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-dw-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-dw-2t', threads: 2, priority: 0 });
const BACKENDS = ['wasm-dw-1t', 'wasm-dw-2t'] as const;

type Pad = [number, number, number, number];
interface Case { N: number; H: number; W: number; C: number; KH: number; KW: number; s: [number, number]; d: [number, number]; pad: Pad }

const outSize = (n: number, k: number, s: number, d: number, p: number): number => Math.floor((n + p - d * (k - 1) - 1) / s) + 1;

/** Checks ref vs both thread counts (bit-identical to each other) and that `kernel` was used. */
function check(title: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown, kernel: string): void {
  checkKernelAgainstRef(title, BACKENDS, id, inputs, attrs, kernel);
}

describe('wasm depthwise convolutions', () => {
  const rng = new Random(31);
  const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
  const cases: Case[] = [
    // mobilenet-mini's blocks: PyTorch's padding 1 (stride 1 'same'; stride 2 as explicit zero padding + valid).
    { N: 8, H: 16, W: 16, C: 32, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 4, H: 18, W: 18, C: 64, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [0, 0, 0, 0] },
    { N: 3, H: 9, W: 11, C: 7, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 5, H: 10, W: 7, C: 6, KH: 3, KW: 3, s: [2, 1], d: [1, 1], pad: [1, 0, 2, 1] },
    { N: 2, H: 12, W: 13, C: 12, KH: 5, KW: 5, s: [1, 1], d: [1, 1], pad: [2, 2, 2, 2] },
    { N: 3, H: 11, W: 12, C: 9, KH: 3, KW: 3, s: [1, 2], d: [2, 2], pad: [2, 1, 0, 2] },
    { N: 1, H: 7, W: 9, C: 2, KH: 2, KW: 4, s: [3, 2], d: [1, 1], pad: [0, 1, 3, 0] },
    { N: 2, H: 6, W: 6, C: 20, KH: 1, KW: 1, s: [2, 2], d: [1, 1], pad: [0, 0, 0, 0] },
    // Strides and dilations that are not multiples of each other: taps 2 (or 3) apart read one pixel.
    { N: 2, H: 13, W: 14, C: 20, KH: 5, KW: 4, s: [2, 3], d: [3, 2], pad: [3, 2, 1, 4] },
    // The strided blocks with PyTorch's padding 1 as the conv's own padding (16 -> 8).
    { N: 3, H: 16, W: 16, C: 36, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [1, 1, 1, 1] },
    // Four-pixel passes over a padded first and/or last column (mobilenet-mini's dw4: one pass per row).
    { N: 3, H: 8, W: 8, C: 128, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 2, H: 7, W: 7, C: 12, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 2, H: 5, W: 4, C: 8, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 2, H: 5, W: 9, C: 10, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 0, 1] },
    // Eight-pixel passes: stride 2 over a padded last column, stride 1 unpadded, dilated rows.
    { N: 2, H: 6, W: 15, C: 8, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 2, H: 5, W: 12, C: 4, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [0, 0, 0, 0] },
    { N: 2, H: 9, W: 10, C: 8, KH: 3, KW: 3, s: [1, 1], d: [2, 1], pad: [2, 2, 1, 1] },
    // Rows streamed by columns (rowColumns3s1 / 3s2): no padded column on the left and one on the
    // right, none on either side, row stride 2 with column stride 1.
    { N: 2, H: 5, W: 9, C: 8, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 0, 1] },
    { N: 2, H: 6, W: 8, C: 8, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [0, 1, 0, 1] },
    { N: 2, H: 7, W: 9, C: 4, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [1, 1, 1, 0] },
    { N: 2, H: 9, W: 8, C: 8, KH: 3, KW: 3, s: [2, 1], d: [1, 1], pad: [1, 1, 1, 1] },
    { N: 1, H: 4, W: 2, C: 4, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [0, 0, 1, 1] },
    // ... and their first and last rows, whose top or bottom input row is padding.
    { N: 2, H: 6, W: 8, C: 8, KH: 3, KW: 3, s: [2, 2], d: [1, 1], pad: [1, 1, 0, 1] },
    { N: 2, H: 2, W: 6, C: 4, KH: 3, KW: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 1, 1] },
    // The 3x3 filter gradient's sums in registers along a row: dilated and strided columns with
    // padded pixels at both ends, dilated rows partly padding; a row too narrow for any inner pixel.
    { N: 2, H: 7, W: 11, C: 8, KH: 3, KW: 3, s: [1, 2], d: [1, 2], pad: [1, 1, 2, 1] },
    { N: 2, H: 9, W: 7, C: 12, KH: 3, KW: 3, s: [2, 1], d: [2, 3], pad: [2, 2, 3, 3] },
  ];
  const name = (c: Case) => `${c.N}x${c.H}x${c.W}x${c.C} ${c.KH}x${c.KW} stride ${c.s} dilation ${c.d} pad ${c.pad}`;
  const geometry = (c: Case) => {
    const OH = outSize(c.H, c.KH, c.s[0], c.d[0], c.pad[0] + c.pad[1]), OW = outSize(c.W, c.KW, c.s[1], c.d[1], c.pad[2] + c.pad[3]);
    return { OH, OW, conv: { strides: c.s, pad: c.pad, dilations: c.d, groups: c.C } };
  };

  it('forward (bias, relu, relu6, neither) matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const { conv } = geometry(c);
      for (const [bias, activation] of [[true, 'relu'], [true, 'relu6'], [true, 'linear'], [false, 'relu'], [false, 'relu6'], [false, 'linear']] as const) {
        const inputs = { x: randn([c.N, c.H, c.W, c.C]), filter: randn([c.KH, c.KW, 1, c.C]), bias: bias ? randn([c.C]) : undefined };
        check(`conv ${name(c)} bias ${bias} ${activation}`, 'Conv2D', inputs, { ...conv, activation }, 'depthwiseForward');
      }
    }
    engine.setBackend('ref');
  });

  it('input gradient matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const { OH, OW, conv } = geometry(c);
      const inputs = { dy: randn([c.N, OH, OW, c.C]), filter: randn([c.KH, c.KW, 1, c.C]) };
      check(`dx ${name(c)}`, 'Conv2DBackpropInput', inputs, { ...conv, inputShape: [c.N, c.H, c.W, c.C] }, 'depthwiseBackpropInput');
    }
    engine.setBackend('ref');
  });

  it('filter gradient matches the reference, identically on 1 and 2 threads', () => {
    for (const c of cases) {
      const { OH, OW, conv } = geometry(c);
      const inputs = { x: randn([c.N, c.H, c.W, c.C]), dy: randn([c.N, OH, OW, c.C]) };
      check(`dW ${name(c)}`, 'Conv2DBackpropFilter', inputs, { ...conv, filterShape: [c.KH, c.KW, 1, c.C] }, 'depthwiseBackpropFilterPart');
    }
    engine.setBackend('ref');
  });

  it('a depth multiplier (outC = 2 x channels) still matches the reference through the grouped fallback', () => {
    const attrs = { strides: [1, 1], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 4, activation: 'linear' };
    const inputs = { x: randn([2, 6, 5, 4]), filter: randn([3, 3, 1, 8]), bias: undefined };
    const ref = runKernelOn('ref', 'Conv2D', inputs, attrs).values;
    const got = runKernelOn('wasm-dw-1t', 'Conv2D', inputs, attrs);
    assert.ok(!got.calls.includes('depthwiseForward'), 'depth multiplier must not take the depthwise kernel');
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got.values[i]! - ref[i]!) <= 1e-4, `element ${i}`);
    engine.setBackend('ref');
  });
});
