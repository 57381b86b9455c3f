// The JavaScript of a prediction batch (issue 13), main against this branch in one process: each
// side's wasm backend (1 thread) has its kernels wrapped to sum the process CPU time spent inside
// its outermost kernel calls; a variant's JavaScript is its CPU time minus that. Blocks of BLOCK
// calls alternate between the sides (each round starting with the other); per call, least and
// median over ROUNDS blocks. Kernel time is the same code on both sides (an A/A check on it).
//
//   BASE=/path/to/main [BR=this checkout] [MODEL=mnist-cnn|lenet5] [ROUNDS=8] [BLOCK=10]
//   [VARS=seq256,seq1024,fn256,nn256] node bench/ab-predict-js.mjs
//
// seq256: Sequential predict of 256 images, batchSize 256 (the batch is the whole input);
// seq1024: 1,024 images in batches of 256 (copied batches); fn256: the functional Model's predict;
// nn256: the nn module's forward of one NCHW batch of 256 under noGrad in eval mode.
import { checkouts } from './ab-sides.mjs';
const rounds = Number(process.env.ROUNDS ?? 8), block = Number(process.env.BLOCK ?? 10);
const modelName = process.env.MODEL ?? 'mnist-cnn';
const names = (process.env.VARS ?? 'seq256,seq1024,fn256,nn256').split(',');
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };

async function side(root, name) {
  const { engine } = await import(`${root}/dist/src/backend/engine.js`);
  const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
  const { benchProgram, benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
  const { noGrad } = await import(`${root}/dist/src/autograd/grad-mode.js`);
  const { tensor } = await import(`${root}/dist/src/ops/create.js`);
  const { reshape, transpose } = await import(`${root}/dist/src/ops/shape-ops.js`);
  const { Random } = await import(`${root}/dist/src/tensor/random.js`);
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  registerWasmBackend({ name, threads: 1, priority: 0 });
  engine.setBackend(name);
  const [model] = benchModelsByName(modelName);
  const rng = new Random(3);
  const [h, w, c] = model.sampleShape;
  const images = tensor(Float32Array.from({ length: 1024 * h * w * c }, () => rng.uniform()), [1024, h, w, c]);
  const first = tensor(images.dataSync().slice(0, 256 * h * w * c), [256, h, w, c]);
  const nchw = c === 1 ? reshape(first, [256, 1, h, w]) : transpose(first, [0, 3, 1, 2]);
  nchw.dataSync();
  const seq = benchProgram(model, model.kerasApi, 1234).keras;
  const fn = model.functional === undefined ? null : benchProgram(model, 'functional', 1234).keras;
  const nnNet = model.nn(1234);
  const vars = {
    seq256: () => withScope(() => seq.predict(first, { batchSize: 256 }).dataSync()),
    seq1024: () => withScope(() => seq.predict(images, { batchSize: 256 }).dataSync()),
    fn256: fn === null ? null : () => withScope(() => fn.predict(first, { batchSize: 256 }).dataSync()),
    nn256: () => noGrad(() => { nnNet.eval(); withScope(() => nnNet.forward(nchw).dataSync()); nnNet.train(); }),
  };
  let inKernel = 0, depth = 0;
  const kernels = engine.backend.kernels;
  for (const k of Object.keys(kernels)) {
    const f = kernels[k];
    if (typeof f !== 'function') continue;
    kernels[k] = function (...a) {
      const t0 = depth++ === 0 ? cpuMs() : 0;
      try { return f.apply(this, a); } finally { if (--depth === 0) inKernel += cpuMs() - t0; }
    };
  }
  const run = (v, n) => {
    engine.setBackend(name);
    const k0 = inKernel, c0 = cpuMs();
    for (let i = 0; i < n; i++) vars[v]();
    const cpu = (cpuMs() - c0) / n, kern = (inKernel - k0) / n;
    return { cpu, kern, js: cpu - kern };
  };
  return { vars, run };
}
const [base, branch] = checkouts();
const sides = [await side(base, 'js-main'), await side(branch, 'js-branch')];
const loadavg = (await import('node:os')).loadavg;
console.log(`model ${modelName}, 1 thread, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const v of names) {
  if (sides.some((s) => s.vars[v] === null || s.vars[v] === undefined)) continue;
  for (const s of sides) s.run(v, 3);
  const res = [[], []];
  for (let r = 0; r < rounds; r++) for (const k of r % 2 ? [1, 0] : [0, 1]) res[k].push(sides[k].run(v, block));
  const min = (xs, key) => Math.min(...xs.map((x) => x[key]));
  const med = (xs, key) => { const s = xs.map((x) => x[key]).sort((a, b) => a - b); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };
  const fmt = (xs) => `cpu ${min(xs, 'cpu').toFixed(2)}/${med(xs, 'cpu').toFixed(2)} kernels ${min(xs, 'kern').toFixed(2)}/${med(xs, 'kern').toFixed(2)} js ${min(xs, 'js').toFixed(3)}/${med(xs, 'js').toFixed(3)}`;
  console.log(`${v.padEnd(8)} main ${fmt(res[0])} | branch ${fmt(res[1])} ms (least/median)  js ratio ${(med(res[0], 'js') / med(res[1], 'js')).toFixed(2)}x`);
}
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
process.exit(0);
