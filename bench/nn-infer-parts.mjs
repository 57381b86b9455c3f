// Where the nn seed CNN's prediction differs from Sequential's (issue 12), in one process, blocks
// interleaved (each round starting one further along VARS): Sequential's predict (seq), the bench's nn program (nn: per
// batch a Slice, the forward, an ArgMax, then a Concat, between eval() and train()), the same nn
// forward on batches sliced once before timing (nnRaw), and nnRaw with the per-batch Slice (nnSlice)
// or ArgMax (nnArg) added back, and the nn program with each batch in a scope (nnScoped). Per prediction (1,024 images, batches of 256): median wall ms, the
// part spent inside backend kernels (outermost kernel calls timed), the rest (JavaScript outside
// kernels: dispatch, planning, views, collection), parallel jobs, ms the main thread waited for a
// worker, and the context's switches to one thread (load).
//
//   [ROOT=checkout] [THREADS=2] [ROUNDS=10] [VARS=seq,nn,nnRaw] [ROTATE=1] node bench/nn-infer-parts.mjs
const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
await import(`${root}/dist/src/node/install-collector.js`);
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const { benchProgram, benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
const { seedCnnNn } = await import(`${root}/dist/src/cli/bench-programs.js`);
const { noGrad } = await import(`${root}/dist/src/autograd/grad-mode.js`);
const { tensor } = await import(`${root}/dist/src/ops/create.js`);
const { argMax } = await import(`${root}/dist/src/ops/reduce.js`);
const { slice, reshape } = await import(`${root}/dist/src/ops/shape-ops.js`);
const { Random } = await import(`${root}/dist/src/tensor/random.js`);
const { withScope, keep } = await import(`${root}/dist/src/tensor/scope.js`);
const { concat } = await import(`${root}/dist/src/ops/shape-ops.js`);
const threads = Number(process.env.THREADS ?? 2);
registerWasmBackend({ name: 'wasm-parts', threads, priority: 0 });
engine.setBackend('wasm-parts');
const [model] = benchModelsByName('mnist-cnn');
const rng = new Random(3);
const images = tensor(Float32Array.from({ length: 1024 * 784 }, () => rng.uniform()), [1024, 28, 28, 1]);
const seq = benchProgram(model, 'sequential', 1234).program;
const nnp = benchProgram(model, 'nn', 1234).program;
const net = seedCnnNn(1234);
const batchOf = (i) => reshape(slice(images, [i, 0, 0, 0], [256, 28, 28, 1]), [256, 1, 28, 28]);
const parts = [0, 256, 512, 768].map(batchOf);
for (const p of parts) p.dataSync();
const allVars = {
  seq: () => seq.predict(images, 256).dataSync(),
  nn: () => nnp.predict(images, 256).dataSync(),
  nnRaw: () => noGrad(() => { net.eval(); for (const p of parts) net.forward(p).dataSync(); }),
  nnSlice: () => noGrad(() => { net.eval(); for (let i = 0; i < 1024; i += 256) net.forward(batchOf(i)).dataSync(); }),
  // The nn program with each batch's tensors freed when the batch is done (as PyTorch's reference
  // counts free them), the classes kept: its heap addresses repeat batch after batch, as Sequential's do.
  nnScoped: () => noGrad(() => { net.eval(); const cls = []; for (let i = 0; i < 1024; i += 256) cls.push(withScope(() => keep(argMax(net.forward(batchOf(i)), 1)))); const y = concat(cls, 0); y.dataSync(); for (const c of cls) c.release(); y.release(); net.train(); }),
  nnArg: () => noGrad(() => { net.eval(); for (const p of parts) argMax(net.forward(p), 1).dataSync(); }),
};
const names = (process.env.VARS ?? 'seq,nn,nnRaw').split(',');
// Time spent in the outermost kernel calls (a kernel may call another through the engine).
let kernelMs = 0, depth = 0;
const kernels = engine.backend.kernels;
for (const name of Object.keys(kernels)) {
  const f = kernels[name];
  if (typeof f !== 'function') continue;
  kernels[name] = function (...a) {
    const t0 = depth++ === 0 ? performance.now() : -1;
    try { return f.apply(this, a); } finally { if (--depth === 0) kernelMs += performance.now() - t0; }
  };
}
for (const n of names) for (let i = 0; i < 4; i++) allVars[n]();
const stats = () => ({ ...engine.backend.context.stats });
const res = Object.fromEntries(names.map((n) => [n, []]));
// Each round starts with the next variant (ROTATE=0 keeps the VARS order): place alone moves a block's time.
const rotate = process.env.ROTATE !== '0';
for (let r = 0; r < Number(process.env.ROUNDS ?? 10); r++) {
  for (const n of names.map((_, i) => names[rotate ? (i + r) % names.length : i])) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const s0 = stats(), k0 = kernelMs, t0 = performance.now();
    for (let i = 0; i < 5; i++) allVars[n]();
    const wall = (performance.now() - t0) / 5, inKernels = (kernelMs - k0) / 5, s = stats();
    res[n].push({ wall, inKernels, outside: wall - inKernels, jobs: (s.parallelJobs - s0.parallelJobs) / 5, waited: (s.waitedMs - s0.waitedMs) / 5, solo: s.soloSwitches - s0.soloSwitches });
  }
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log(`threads ${threads} vars ${names.join(',')} rotated ${rotate} load ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const n of names) {
  const m = (k) => med(res[n].map((x) => x[k])).toFixed(2);
  console.log(`${n.padEnd(8)} wall ${m('wall')} in kernels ${m('inKernels')} outside ${m('outside')} (min ${Math.min(...res[n].map((x) => x.outside)).toFixed(2)}) jobs ${m('jobs')} waited ${m('waited')} solo ${res[n].reduce((s, x) => s + x.solo, 0)}`);
}
process.exit(0);
