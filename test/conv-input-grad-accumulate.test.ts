/**
 * A conv's input gradient added to the gradient its input already gathered (a residual block's
 * input feeds the block's first conv and its shortcut): Conv2DBackpropInput's `accumulate` input on
 * every dx algorithm against the reference on 1 and 2 threads, bit for bit against the kernel
 * without it followed by a Binary add (except the stride-2 phase Winograd, which adds its tiles onto
 * the gathered gradient: the same sum in another order); and the reverse pass's use of it
 * (GradNode.backwardInto): the same gradients as the separate sums, with no Binary add left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from './fusion-test-util.js';
import { checkKernelAgainstRef, runKernelOn, withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-acc-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-acc-2t', threads: 2, priority: 0 });
const WASM = ['wasm-acc-1t', 'wasm-acc-2t'] as const;

const randn = (shape: number[], rng: Random) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

interface Case { x: number[]; w: number[]; stride: number; pad: [number, number, number, number]; groups?: number; kernel: string; sameBits: boolean }

const CASES: Case[] = [
  // resnet8's block conv: dx as the F(4x4, 3x3) forward over dy, the sum in its output transform.
  { x: [4, 8, 8, 16], w: [3, 3, 16, 16], stride: 1, pad: [1, 1, 1, 1], kernel: 'wino4Forward', sameBits: true },
  { x: [3, 7, 6, 8], w: [3, 3, 8, 8], stride: 1, pad: [1, 1, 1, 1], kernel: 'wino4Forward', sameBits: true }, // partial tiles
  // 'valid': the adjoint F(4x4, 3x3), then the in-place add.
  { x: [2, 10, 10, 8], w: [3, 3, 8, 8], stride: 1, pad: [0, 0, 0, 0], kernel: 'wino4BackpropInput', sameBits: true },
  // resnet8's stride-2 convs: the phase Winograd adds its tiles onto a copy of the gathered gradient.
  { x: [4, 16, 16, 16], w: [3, 3, 16, 32], stride: 2, pad: [1, 1, 1, 1], kernel: 'wino42BackpropInput', sameBits: false },
  { x: [3, 9, 11, 8], w: [3, 3, 8, 16], stride: 2, pad: [0, 1, 1, 0], kernel: 'wino42BackpropInput', sameBits: false }, // edge tiles
  // resnet8's 1x1 stride-2 shortcut (GEMM + col2im), a pointwise GEMM, a depthwise conv, a grouped one.
  { x: [2, 8, 8, 16], w: [1, 1, 16, 32], stride: 2, pad: [0, 0, 0, 0], kernel: 'col2im', sameBits: true },
  { x: [2, 6, 6, 8], w: [1, 1, 8, 12], stride: 1, pad: [0, 0, 0, 0], kernel: 'binaryF32', sameBits: true },
  { x: [2, 6, 6, 8], w: [3, 3, 1, 8], stride: 1, pad: [1, 1, 1, 1], groups: 8, kernel: 'binaryF32', sameBits: true },
  { x: [2, 5, 5, 4], w: [3, 3, 2, 4], stride: 1, pad: [1, 1, 1, 1], groups: 2, kernel: 'binaryF32', sameBits: true },
];

/** A copy of `t` that asks for its gradient. */
function leaf(t: Tensor): Tensor {
  const v = ops.tensor(t.dataSync(), [...t.shape]);
  v.requiresGrad = true;
  return v;
}

const outSize = (n: number, k: number, s: number, a: number, b: number) => Math.floor((n + a + b - k) / s) + 1;

describe('Conv2DBackpropInput with accumulate', () => {
  const rng = new Random(5);
  for (const c of CASES) {
    it(`${c.x} * ${c.w} stride ${c.stride}${c.groups ? ` groups ${c.groups}` : ''}: ${c.kernel}, wasm 1 and 2 threads equal and match ref`, () => {
      const attrs = { strides: [c.stride, c.stride], pad: c.pad, dilations: [1, 1], groups: c.groups ?? 1, inputShape: c.x };
      const dyShape = [c.x[0]!, outSize(c.x[1]!, c.w[0]!, c.stride, c.pad[0], c.pad[1]), outSize(c.x[2]!, c.w[1]!, c.stride, c.pad[2], c.pad[3]), c.w[3]!];
      const inputs = { dy: randn(dyShape, rng), filter: randn(c.w, rng), accumulate: ops.mul(randn(c.x, rng), 3) };
      checkKernelAgainstRef(`dx + acc ${c.x}`, WASM, 'Conv2DBackpropInput', inputs, attrs, c.kernel);
      // Against the kernel without it and a Binary add on the same backend.
      const fused = runKernelOn(WASM[0], 'Conv2DBackpropInput', inputs, attrs).values;
      const { result: unfused } = withDispatches(WASM[0], () => {
        const dx = engine.runKernel('Conv2DBackpropInput', { dy: inputs.dy, filter: inputs.filter }, attrs as never);
        return Float32Array.from(engine.runKernel('Binary', { a: inputs.accumulate, b: dx }, { op: 'add' }).dataSync() as Float32Array);
      });
      if (c.sameBits) assert.deepEqual(fused, unfused, 'the bits of dx + acc');
      else assertClose(ops.tensor(fused, c.x), ops.tensor(unfused, c.x), 1e-6, 'dx + acc');
    });
  }

  it('rejects an accumulate of another shape', () => {
    const attrs = { strides: [1, 1], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 1, inputShape: [1, 4, 4, 4] };
    const inputs = { dy: randn([1, 4, 4, 8], rng), filter: randn([3, 3, 4, 8], rng), accumulate: randn([1, 4, 4, 8], rng) };
    for (const b of ['ref', WASM[0]]) {
      assert.throws(() => runKernelOn(b, 'Conv2DBackpropInput', inputs, attrs), /accumulate of the output's shape/);
    }
  });
});

/** The Binary kernels `fn` runs on the active backend: op and operand shapes ('add 2,8,8,8 2,8,8,8'). */
function binaryOpsIn(fn: () => void): string[] {
  type Info = { shape: number[] };
  const table = engine.backend.kernels as unknown as Record<string, (inputs: { a: Info; b: Info }, attrs: { op: string }) => unknown>;
  const binary = table.Binary!;
  const seen: string[] = [];
  table.Binary = (inputs, attrs) => {
    seen.push(`${attrs.op} ${inputs.a.shape} ${inputs.b.shape}`);
    return binary(inputs, attrs);
  };
  try {
    fn();
  } finally {
    table.Binary = binary;
  }
  return seen;
}

describe('the reverse pass adds a gathered gradient in Conv2DBackpropInput', () => {
  for (const stride of [1, 2] as const) {
    it(`stride ${stride}: the gradients of a residual block's input equal the separate sums, with no Binary add in the backward`, () => {
      const rng = new Random(9 + stride);
      const C = 8, K = stride === 1 ? 8 : 16;
      const x = randn([2, 8, 8, C], rng), w1 = randn([3, 3, C, K], rng), w2 = randn([3, 3, K, K], rng);
      const ws = randn([1, 1, C, K], rng), r = randn([2, 8 / stride, 8 / stride, K], rng);
      const loss = (xt: Tensor) => {
        const main = ops.conv2d(ops.relu(ops.conv2d(xt, w1, { strides: stride, padding: 1 })), w2, { padding: 1 });
        const shortcut = stride === 1 ? xt : ops.conv2d(xt, ws, { strides: 2 });
        return ops.sum(ops.mul(ops.add(main, shortcut), r));
      };
      for (const b of WASM) {
        engine.setBackend(b);
        const xv = leaf(x);
        const l = loss(xv);
        let dx: Tensor | null = null;
        const binaries = binaryOpsIn(() => { dx = gradients(l, [xv])[0]!; });
        // (sum's gradient broadcasts the ones by an add against a [1, 1, 1, 1] operand.)
        assert.ok(!binaries.includes(`add ${x.shape} ${x.shape}`), `${b}: no Binary add of two gradients of x (ran ${binaries.join('; ')})`);
        // The separate gradients of the two branches, summed by hand.
        const xa = leaf(x), xb = leaf(x);
        const main = ops.conv2d(ops.relu(ops.conv2d(xa, w1, { strides: stride, padding: 1 })), w2, { padding: 1 });
        const ga = gradients(ops.sum(ops.mul(main, r)), [xa])[0]!;
        const gb = stride === 1 ? r : gradients(ops.sum(ops.mul(ops.conv2d(xb, ws, { strides: 2 }), r)), [xb])[0]!;
        const sum = ops.add(gb, ga);
        if (stride === 1) assert.deepEqual(dx!.dataSync(), sum.dataSync(), `${b}: the bits of the separate sums`);
        else assertClose(dx!, sum, 1e-6, `${b}: the separate sums`);
      }
      engine.setBackend('ref');
    });
  }
});

describe('the reverse pass sees a gathered gradient through a view (GradNode.view)', () => {
  const NHWC = [0, 2, 3, 1], NCHW = [0, 3, 1, 2];
  const rng = new Random(31);
  const x = randn([2, 8, 8, 8], rng), w1 = randn([3, 3, 8, 16], rng), ws = randn([1, 1, 8, 16], rng), r = randn([2, 4, 4, 16], rng), rn = randn([2, 8, 8, 8], rng);
  /** nn's residual block input: an NCHW tensor stored NHWC, each conv reading its own NHWC view of it. */
  const branches = (xn: Tensor, shortcutConv: boolean) => {
    const main = ops.sum(ops.mul(ops.conv2d(ops.transpose(xn, NHWC), w1, { strides: 2, padding: 1 }), r));
    const other = shortcutConv ? ops.sum(ops.mul(ops.conv2d(ops.transpose(xn, NHWC), ws, { strides: 2 }), r)) : ops.sum(ops.mul(xn, ops.transpose(rn, NCHW)));
    return [main, other] as const;
  };
  for (const b of WASM) {
    for (const shortcutConv of [true, false]) {
      it(`${b}, ${shortcutConv ? "a 1x1 conv's (free to view)" : "an NCHW product's (not free: a Binary add)"} gradient gathered first: the separate sums`, () => {
        engine.setBackend(b);
        const xv = leaf(x);
        const [main, other] = branches(ops.transpose(xv, NCHW), shortcutConv);
        let dx: Tensor | null = null;
        const binaries = binaryOpsIn(() => { dx = gradients(ops.add(main, other), [xv])[0]!; });
        const sums = binaries.filter((s) => s === `add ${x.shape} ${x.shape}` || s === `add ${[2, 8, 8, 8]} ${[2, 8, 8, 8]}`);
        assert.equal(sums.length, shortcutConv ? 0 : 1, `${b}: ran ${binaries.join('; ')}`);
        const [xa, xb] = [leaf(x), leaf(x)];
        const ga = gradients(branches(ops.transpose(xa, NCHW), shortcutConv)[0], [xa])[0]!;
        const gb = gradients(branches(ops.transpose(xb, NCHW), shortcutConv)[1], [xb])[0]!;
        assertClose(dx!, ops.add(ga, gb), 1e-6, `${b}: the separate sums`);
      });
    }
  }
  it('restores ref as the backend', () => {
    engine.setBackend('ref');
  });
});
