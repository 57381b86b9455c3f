// A/B of the seed CNN's and LeNet-5's inference kernels (batch 256) and of whole predictions between two built
// checkouts, interleaved in one process: both `dist`s are imported side by side (separate engines
// and wasm instances), calls alternate, 1 thread (THREADS to change), least process CPU time of
// REPS runs, ROUNDS rounds. Effective GF/s = direct-conv (or GEMM) FLOPs / CPU time.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [REPS=10] [ROUNDS=3] [THREADS=1] [ONLY=substr]
//   [VARIANT=auto|simd|relaxed: the kernel build, e.g. simd for engines without relaxed-simd's FMA]
//   node bench/ab-seed-infer.mjs
//
// A kernel run through Conv2DPool asks for the pooled map alone (`poolOnly`) when the checkout's
// kernel contract has it, as the op does at inference; an A/A control (BR=BASE) shows the noise.
import { bestCpuMs, checkouts, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 10), rounds = Number(process.env.ROUNDS ?? 3), threads = Number(process.env.THREADS ?? 1);
const only = process.env.ONLY ?? '', variant = process.env.VARIANT ?? 'auto';
async function side(root, name) {
  const S = await openSide(root, name, { threads, variant });
  const { mnistCnn } = await import(`${root}/dist/src/models/mnist-cnn.js`);
  const { lenet5Keras } = await import(`${root}/dist/src/zoo/lenet5-keras.js`);
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  const model = mnistCnn({ seed: 1 });
  model.build([null, 28, 28, 1]);
  const images = S.ops.tensor(Float32Array.from({ length: 256 * 784 }, () => S.rng.uniform()), [256, 28, 28, 1]);
  const predict = () => withScope(() => model.predict(images, { batchSize: 256 }).dataSync());
  const lenet = lenet5Keras({ seed: 1 });
  lenet.build([null, 28, 28, 1]);
  const predictLenet = () => withScope(() => lenet.predict(images, { batchSize: 256 }).dataSync());
  return { ...S, predict, predictLenet };
}
const [base, branch] = checkouts();
const A = await side(base, 'ab-main');
const B = await side(branch, 'ab-branch');
const bestMs = (run) => bestCpuMs(run, reps);
const N = 256;
const pool = { mode: 'max', poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] };
const conv = { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, activation: 'relu' };
// [title, flops, make(side)]
const layers = [
  ['conv1+pool 28x28x1->32', 2 * N * 26 * 26 * 32 * 9, (S) => { const x = S.randn([N, 28, 28, 1]), filter = S.randn([3, 3, 1, 32], 0.3), bias = S.randn([32], 0.1);
    return () => S.engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...conv, pool, poolOnly: true }); }],
  // As the seed CNN runs conv1 at inference since seed-crop (convPoolCrop: conv2 reads 12 of 13 pooled
  // rows and columns); a checkout without Conv2DPool's `crop` ignores it and pools all 13x13.
  ['conv1+pool crop 12x12', 2 * N * 24 * 24 * 32 * 9, (S) => { const x = S.randn([N, 28, 28, 1]), filter = S.randn([3, 3, 1, 32], 0.3), bias = S.randn([32], 0.1);
    return () => S.engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...conv, pool, poolOnly: true, crop: [12, 12] }); }],
  ['conv2+pool 13x13x32->64', 2 * N * 11 * 11 * 64 * 9 * 32, (S) => { const x = S.randn([N, 13, 13, 32]), filter = S.randn([3, 3, 32, 64], 0.1), bias = S.randn([64], 0.1);
    return () => S.engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...conv, pool, poolOnly: true }); }],
  ['conv3 5x5x64->64', 2 * N * 3 * 3 * 64 * 9 * 64, (S) => { const x = S.randn([N, 5, 5, 64]), filter = S.randn([3, 3, 64, 64], 0.1), bias = S.randn([64], 0.1);
    return () => S.engine.runKernel('Conv2D', { x, filter, bias }, conv); }],
  ['dense1 256x576x64', 2 * N * 576 * 64, (S) => { const a = S.randn([N, 576]), b = S.randn([576, 64], 0.05), bias = S.randn([64]);
    return () => S.engine.runKernel('MatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: 'relu' }); }],
  ['dense2 256x64x10', 2 * N * 64 * 10, (S) => { const a = S.randn([N, 64]), b = S.randn([64, 10], 0.05), bias = S.randn([10]);
    return () => S.engine.runKernel('MatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: 'linear' }); }],
  ['predict 256 (whole model)', N * 5.59e6, (S) => S.predict],
  ['lenet5 conv1+pool 5x5->20', 2 * N * 24 * 24 * 20 * 25, (S) => { const x = S.randn([N, 28, 28, 1]), filter = S.randn([5, 5, 1, 20], 0.2), bias = S.randn([20], 0.1);
    return () => S.engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...conv, pool, poolOnly: true }); }],
  ['lenet5 conv2+pool 5x5 20->20', 2 * N * 8 * 8 * 20 * 25 * 20, (S) => { const x = S.randn([N, 12, 12, 20]), filter = S.randn([5, 5, 20, 20], 0.1), bias = S.randn([20], 0.1);
    return () => S.engine.runKernelOutputs('Conv2DPool', { x, filter, bias }, { ...conv, pool, poolOnly: true }); }],
  ['lenet5 predict 256', N * 2 * (24 * 24 * 20 * 25 + 8 * 8 * 20 * 500 + 320 * 500 + 5000), (S) => S.predictLenet],
];
for (const [title, flops, make] of layers) {
  if (only && !title.includes(only)) continue;
  const fa = make(A), fb = make(B);
  const a = [], b = [];
  for (let r = 0; r < rounds; r++) { a.push(bestMs(fa)); b.push(bestMs(fb)); }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join('/');
  const ma = Math.min(...a), mb = Math.min(...b);
  const gf = (ms) => (flops / ms / 1e6).toFixed(1);
  console.log(`${title.padEnd(26)} main ${fmt(a)} ms (${gf(ma)} GF/s) | branch ${fmt(b)} ms (${gf(mb)} GF/s)  ratio ${(ma / mb).toFixed(2)}x`);
}
