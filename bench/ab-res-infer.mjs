// A/B of resnet8's and cifar-vgg's inference kernels (batch 256) and whole predictions between two
// built checkouts, interleaved in one process (both `dist`s imported side by side: separate engines
// and wasm instances), 1 thread (THREADS to change), least process CPU time of REPS runs, ROUNDS
// rounds. Effective GF/s = direct-conv FLOPs / CPU time. An A/A control (BR=BASE) shows the noise.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [REPS=10] [ROUNDS=3] [THREADS=1] [ONLY=substr] [N=256]
//   node bench/ab-res-infer.mjs
import { bestCpuMs, checkouts, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 10), rounds = Number(process.env.ROUNDS ?? 3), threads = Number(process.env.THREADS ?? 1);
const only = process.env.ONLY ?? '';
async function side(root, name) {
  const S = await openSide(root, name, { threads });
  const { ops, rng, use } = S;
  const { resnet8, cifarVgg } = await import(`${root}/dist/src/zoo/index.js`);
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  const images = ops.tensor(Float32Array.from({ length: 256 * 3072 }, () => rng.uniform()), [256, 32, 32, 3]);
  const models = { resnet8: resnet8({ seed: 1 }), 'cifar-vgg': cifarVgg({ seed: 1 }) };
  const predict = (m) => () => { use(); return withScope(() => models[m].predict(images, { batchSize: 256 }).dataSync()); };
  // One training step (batch 64) of the bench's Keras program, the same seeded model and batch on both sides.
  const { BENCH_MODELS, benchProgram } = await import(`${root}/dist/src/cli/bench-models.js`);
  const { toCategorical } = await import(`${root}/dist/src/data/to-categorical.js`);
  const train = (m) => {
    use();
    const { program } = benchProgram(BENCH_MODELS[m], BENCH_MODELS[m].kerasApi, 1);
    const x = ops.tensor(images.dataSync().subarray(0, 64 * 3072), [64, 32, 32, 3]);
    const batch = program.prepare(x, toCategorical(Int32Array.from({ length: 64 }, (_, i) => i % 10), 10));
    return () => { use(); withScope(() => program.trainStep(...batch)); };
  };
  return { ...S, predict, train };
}
const [base, branch] = checkouts();
const A = await side(base, 'ab-main');
const B = await side(branch, 'ab-branch');
const bestMs = (run) => bestCpuMs(run, reps);
const N = Number(process.env.N ?? 256); // images per conv call
const same = { strides: [1, 1], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 1, activation: 'relu' };
const s2 = { strides: [2, 2], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1, activation: 'linear' };
const convLayer = (title, H, C, K, kh, attrs) => {
  const OH = Math.floor((H + attrs.pad[0] + attrs.pad[1] - kh) / attrs.strides[0]) + 1;
  return [title, 2 * N * OH * OH * K * kh * kh * C, (S) => {
    const x = S.randn([N, H, H, C]), filter = S.randn([kh, kh, C, K], 0.2), bias = S.randn([K], 0.1);
    return () => { S.use(); return S.engine.runKernel('Conv2D', { x, filter, bias }, attrs); };
  }];
};
const layers = [
  convLayer('resnet8 stem 3->16', 32, 3, 16, 3, same),
  convLayer('resnet8 3x3 16->16 32x32', 32, 16, 16, 3, same),
  convLayer('resnet8 3x3 32->32 16x16', 16, 32, 32, 3, same),
  convLayer('cifar-vgg 3x3 32->32 32x32', 32, 32, 32, 3, same),
  convLayer('cifar-vgg stem 3->32', 32, 3, 32, 3, same),
  convLayer('mobilenet-mini stem 3->32/2 relu6', 32, 3, 32, 3, { ...same, strides: [2, 2], activation: 'relu6' }),
  convLayer('resnet8 3x3/2 16->32', 32, 16, 32, 3, { ...s2, pad: [1, 1, 1, 1], activation: 'relu' }),
  convLayer('resnet8 3x3/2 32->64', 16, 32, 64, 3, { ...s2, pad: [1, 1, 1, 1], activation: 'relu' }),
  convLayer('resnet8 1x1/2 16->32', 32, 16, 32, 1, s2),
  convLayer('resnet8 1x1/2 32->64', 16, 32, 64, 1, s2),
  ['resnet8 predict 256', 0, (S) => S.predict('resnet8')],
  ['cifar-vgg predict 256', 0, (S) => S.predict('cifar-vgg')],
  ['resnet8 train step 64', 0, (S) => S.train('resnet8')],
  ['cifar-vgg train step 64', 0, (S) => S.train('cifar-vgg')],
];
for (const [title, flops, make] of layers) {
  if (only && !title.includes(only)) continue;
  const fa = make(A), fb = make(B);
  for (let w = 0; w < 2; w++) { fa(); fb(); } // warm-up: compile, allocate
  const a = [], b = [];
  for (let r = 0; r < rounds; r++) { a.push(bestMs(fa)); b.push(bestMs(fb)); }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join('/');
  const ma = Math.min(...a), mb = Math.min(...b);
  const gf = (ms) => (flops > 0 ? ` (${(flops / ms / 1e6).toFixed(1)} GF/s)` : '');
  console.log(`${title.padEnd(24)} base ${fmt(a)} ms${gf(ma)} | branch ${fmt(b)} ms${gf(mb)}  ratio ${(ma / mb).toFixed(2)}x`);
}
