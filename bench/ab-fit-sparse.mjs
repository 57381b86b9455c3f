// A/B of one Sequential `fit` epoch with class-index labels (sparse_categorical_crossentropy)
// between two built checkouts, interleaved in one process: the seed CNN (mnistCnn) on SAMPLES
// seeded images, BATCH per step, float32 [N, 1] labels cycling through the ten classes (Keras's
// usual form), optional per-sample weights (WEIGHTS=sample) or class weights (WEIGHTS=class).
// Rounds alternate which side goes first; each prints the epoch's process CPU ms per side.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [THREADS=1] [SAMPLES=512] [BATCH=64]
//   [ROUNDS=4] [WEIGHTS=none|sample|class] node --expose-gc bench/ab-fit-sparse.mjs
import { checkouts, openSide } from './ab-sides.mjs';
const threads = Number(process.env.THREADS ?? 1), samples = Number(process.env.SAMPLES ?? 512);
const batch = Number(process.env.BATCH ?? 64), rounds = Number(process.env.ROUNDS ?? 4), weights = process.env.WEIGHTS ?? 'none';
const [base, branch] = checkouts();

async function openFitSide(root, name) {
  const side = await openSide(root, name, { threads, seed: 3 });
  const { mnistCnn } = await import(`${root}/dist/src/models/mnist-cnn.js`);
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const x = side.randn([samples, 28, 28, 1], 0.3, 0.5);
  const y = side.ops.tensor(Float32Array.from({ length: samples }, (_, i) => (i * 7) % 10), [samples, 1]);
  const extra = weights === 'sample' ? { sampleWeight: side.ops.tensor(Float32Array.from({ length: samples }, (_, i) => 0.5 + (i % 3) / 2)) }
    : weights === 'class' ? { classWeight: Object.fromEntries(Array.from({ length: 10 }, (_, k) => [k, 1 + k / 10])) } : {};
  const epoch = () => { side.use(); return model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0, ...extra }); };
  await epoch();
  return { epoch };
}

const sides = { main: await openFitSide(base, 'ab-main'), branch: await openFitSide(branch, 'ab-branch') };
const res = { main: [], branch: [] };
for (let r = 0; r < rounds; r++) {
  for (const n of r % 2 === 0 ? ['main', 'branch'] : ['branch', 'main']) {
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    await sides[n].epoch();
    const c = process.cpuUsage(c0);
    res[n].push((c.user + c.system) / 1000);
  }
}
for (const n of ['main', 'branch']) console.log(`${n.padEnd(7)} seed CNN fit epoch, ${samples} samples, batch ${batch}, ${threads}t, weights ${weights}: CPU ms ${res[n].map((v) => v.toFixed(0)).join(' ')}`);
console.log(`branch/main per round: ${res.main.map((m, i) => (res.branch[i] / m).toFixed(3)).join(' ')}`);
