/**
 * The zoo's kernels through the backend's kernel path (engine.runKernel), batch 64, 1 and 2
 * threads, best of --reps calls:
 * - depthwise conv (wasm/assembly/depthwise.ts) on mobilenet-mini's four depthwise layers: forward,
 *   input gradient, filter gradient; GF/s = 2 x taps x output elements / time (the direct-conv
 *   flops; padded taps count, as they do for the other convs in DESIGN.md);
 * - the pointwise (1x1) convs of mobilenet-mini: forward, input gradient, filter gradient;
 * - the dense 3x3 convs of cifar-vgg (Winograd, and the RGB stem) and mobilenet-mini's strided stem;
 * - BatchNormTraining and its gradient (wasm/assembly/batch-norm.ts) on mobilenet-mini's and
 *   cifar-vgg's largest BN inputs; GB/s = bytes the two passes must move (x read twice and y
 *   written; dy and x read twice and dx written) / time.
 * The times include allocating the output and reading it back (dataSync); with --no-read they
 * include the allocation only (the kernels are synchronous), which is the kernel's cost in a
 * training step, where outputs stay on the backend.
 *
 *   npm run build && node dist/bench/wasm-zoo-kernels.js [--batch=64] [--reps=30] [--no-read]
 */
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs, KernelId, MultiOutputKernelId } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const batch = arg('batch', 64), reps = arg('reps', 30);
const readBack = !process.argv.includes('--no-read');
registerWasmBackend({ name: 'dw-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'dw-2t', threads: 2, priority: 0 });

type ConvKernel = [string, KernelId, Record<string, Tensor | undefined>, unknown];

/** One line per kernel: best time and GF/s on 1 and 2 threads for `flops` of direct-conv work. */
function reportConvKernels(flops: number, kernels: readonly ConvKernel[]): void {
  for (const [what, id, inputs, attrs] of kernels) {
    const [t1, t2] = ['dw-1t', 'dw-2t'].map((b2) => bestMs(b2, id, inputs, attrs)) as [number, number];
    console.log(`  ${what.padEnd(12)} 1T ${t1.toFixed(3).padStart(7)} ms ${(flops / t1 / 1e6).toFixed(1).padStart(5)} GF/s | 2T ${t2.toFixed(3).padStart(7)} ms ${(flops / t2 / 1e6).toFixed(1).padStart(5)} GF/s`);
  }
}

/** mobilenet-mini's depthwise layers: input side, channels, stride (stride 2 after ZeroPadding2D(1), unpadded). */
const LAYERS = [
  { name: 'dw1 16x16x32 s1', H: 16, C: 32, s: 1 }, { name: 'dw2 16x16x64 s2', H: 16, C: 64, s: 2 },
  { name: 'dw3 8x8x128 s1', H: 8, C: 128, s: 1 }, { name: 'dw4 8x8x128 s2', H: 8, C: 128, s: 2 },
];

const rng = new Random(7);
const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

function bestMs(backend: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): number {
  engine.setBackend(backend);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const out = MULTI.includes(id)
      ? engine.runKernelOutputs(id as MultiOutputKernelId, inputs as never, attrs as never)
      : [engine.runKernel(id, inputs as never, attrs as KernelAttrs<typeof id>)];
    if (readBack) out[0]!.dataSync();
    else for (const t of out) t[Symbol.dispose]();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const MULTI: readonly KernelId[] = ['BatchNormTraining', 'BatchNormTrainingGrad'] satisfies readonly MultiOutputKernelId[];

for (const L of LAYERS) {
  const pad: [number, number, number, number] = L.s === 1 ? [1, 1, 1, 1] : [0, 0, 0, 0];
  const inH = L.s === 1 ? L.H : L.H + 2;
  const OH = L.s === 1 ? L.H : L.H / 2;
  const flops = 2 * batch * OH * OH * L.C * 9;
  const conv = { strides: [L.s, L.s], pad, dilations: [1, 1], groups: L.C };
  const x = randn([batch, inH, inH, L.C]), w = randn([3, 3, 1, L.C]), b = randn([L.C]), dy = randn([batch, OH, OH, L.C]);
  const kernels: ConvKernel[] = [
    ['forward', 'Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'linear' }],
    ['input grad', 'Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: [batch, inH, inH, L.C] }],
    ['filter grad', 'Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [3, 3, 1, L.C] }],
  ];
  console.log(`${L.name} (batch ${batch}, ${(flops / 1e6).toFixed(1)} MFLOP each)`);
  reportConvKernels(flops, kernels);
}

/** mobilenet-mini's pointwise (1x1) convs: input side, input channels, output channels. */
const POINTWISE = [
  { name: 'pw1 16x16 32->64', H: 16, C: 32, K: 64 }, { name: 'pw2 8x8 64->128', H: 8, C: 64, K: 128 },
  { name: 'pw3 8x8 128->128', H: 8, C: 128, K: 128 }, { name: 'pw4 4x4 128->256', H: 4, C: 128, K: 256 },
];

for (const L of POINTWISE) {
  const flops = 2 * batch * L.H * L.H * L.C * L.K;
  const conv = { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1 };
  const x = randn([batch, L.H, L.H, L.C]), w = randn([1, 1, L.C, L.K]), b = randn([L.K]), dy = randn([batch, L.H, L.H, L.K]);
  const kernels: ConvKernel[] = [
    ['forward', 'Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'linear' }],
    ['input grad', 'Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: [batch, L.H, L.H, L.C] }],
    ['filter grad', 'Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [1, 1, L.C, L.K] }],
  ];
  console.log(`${L.name} (batch ${batch}, ${(flops / 1e6).toFixed(1)} MFLOP each)`);
  reportConvKernels(flops, kernels);
}

/**
 * The zoo's dense 3x3 convs: cifar-vgg's five ('same' padding, stride 1; the stem has 3 input
 * channels and no input gradient) and mobilenet-mini's strided stem. The stride-1 ones with
 * C % 4 == 0 run Winograd F(4x4, 3x3), whose real multiply-adds are 4x fewer than the direct-conv
 * flops printed here; the stems run the direct few-channel kernels (conv1.ts).
 */
const DENSE_3X3 = [
  { name: 'vgg c1 32x32 3->32', H: 32, C: 3, K: 32, s: 1 }, { name: 'vgg c2 32x32 32->32', H: 32, C: 32, K: 32, s: 1 },
  { name: 'vgg c3 16x16 32->64', H: 16, C: 32, K: 64, s: 1 }, { name: 'vgg c4 16x16 64->64', H: 16, C: 64, K: 64, s: 1 },
  { name: 'vgg c5 8x8 64->128', H: 8, C: 64, K: 128, s: 1 }, { name: 'mobilenet stem 32x32 3->32 s2', H: 32, C: 3, K: 32, s: 2 },
];

for (const L of DENSE_3X3) {
  const OH = L.H / L.s;
  const flops = 2 * batch * OH * OH * L.C * L.K * 9;
  const conv = { strides: [L.s, L.s], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 1 };
  const x = randn([batch, L.H, L.H, L.C]), w = randn([3, 3, L.C, L.K]), b = randn([L.K]), dy = randn([batch, OH, OH, L.K]);
  const kernels: ConvKernel[] = [
    ['forward', 'Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'linear' }],
    ...(L.C === 3 ? [] : [['input grad', 'Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: [batch, L.H, L.H, L.C] }] as ConvKernel]),
    ['filter grad', 'Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [3, 3, L.C, L.K] }],
  ];
  console.log(`${L.name} (batch ${batch}, ${(flops / 1e6).toFixed(1)} MFLOP each)`);
  reportConvKernels(flops, kernels);
}

/** The largest BN inputs: mobilenet-mini's first block and cifar-vgg's first two convs. */
for (const shape of [[batch, 16, 16, 64], [batch, 32, 32, 32]]) {
  const C = shape[3]!;
  const x = randn(shape), dy = randn(shape), gamma = randn([C]), beta = randn([C]);
  const [, mean, variance] = engine.runKernelOutputs('BatchNormTraining', { x }, { epsilon: 1e-3 });
  const bytes = shape.reduce((p, q) => p * q, 1) * 4;
  console.log(`BN ${shape.join('x')} (${(bytes / 1e6).toFixed(1)} MB)`);
  const kernels: [string, KernelId, Record<string, Tensor | undefined>, number][] = [
    ['forward', 'BatchNormTraining', { x, gamma, beta }, 3 * bytes],
    ['gradient', 'BatchNormTrainingGrad', { dy, x, mean, variance, gamma }, 5 * bytes],
  ];
  for (const [what, id, inputs, moved] of kernels) {
    const [t1, t2] = ['dw-1t', 'dw-2t'].map((b2) => bestMs(b2, id, inputs, { epsilon: 1e-3 })) as [number, number];
    console.log(`  ${what.padEnd(12)} 1T ${t1.toFixed(3).padStart(7)} ms ${(moved / t1 / 1e6).toFixed(1).padStart(5)} GB/s | 2T ${t2.toFixed(3).padStart(7)} ms ${(moved / t2 / 1e6).toFixed(1).padStart(5)} GB/s`);
  }
}
