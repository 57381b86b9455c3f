// Step wall, kernel ms (engine.observer) and outside-kernel ms per step, one API per process
// (50 warm-up steps, then the median of 15 blocks of 40 steps at batch 64).
//
//   API=sequential|functional|nn [MODEL=lenet5] [T=2] [ROOT=checkout] node bench/split-step.mjs
const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const { benchProgram, benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
const { tensor } = await import(`${root}/dist/src/ops/create.js`);
const { toCategorical } = await import(`${root}/dist/src/data/to-categorical.js`);
const { Random } = await import(`${root}/dist/src/tensor/random.js`);
registerWasmBackend({ name: 'w', threads: Number(process.env.T ?? 2), priority: 0 }); engine.setBackend('w');
const [model] = benchModelsByName(process.env.MODEL ?? 'lenet5');
const rng = new Random(3);
const x = tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 28, 28, 1]);
const y = toCategorical(Int32Array.from({ length: 64 }, () => rng.int(10)), 10);
const { program } = benchProgram(model, process.env.API, 1234);
const p = program.prepare(x, y);
for (let i = 0; i < 50; i++) program.trainStep(...p);
let kms = 0; engine.observer = (id, ms) => { kms += ms; };
const walls = [], ks = [];
for (let b = 0; b < 15; b++) {
  kms = 0; const t0 = performance.now();
  for (let i = 0; i < 40; i++) program.trainStep(...p);
  walls.push((performance.now() - t0) / 40); ks.push(kms / 40);
  await new Promise((r) => setTimeout(r));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = walls.map((w, i) => w - ks[i]);
console.log(process.env.API.padEnd(10), 'wall', med(walls).toFixed(3), 'kernels', med(ks).toFixed(3), 'outside', med(out).toFixed(3));
