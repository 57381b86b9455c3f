// Each API's training step: the kernel ms it spends in place (engine.observer, medians of ROUNDS
// blocks of 20 steps) against the same calls replayed back to back on their own input buffers
// (one step's trace, no JS between the calls). Replayed, the seed CNN's Sequential and nn kernels
// match; in place they took -0.3..+2.3 ms per step more (plan/DESIGN.md, nn-js3).
//
//   node --max-semi-space-size=256 bench/kernels-in-place.mjs [MODEL=mnist-cnn] [THREADS=1]
//        [APIS=sequential,nn] [ROUNDS=10] [ROOT=checkout]
const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const threads = Number(process.env.THREADS ?? 1), rounds = Number(process.env.ROUNDS ?? 10);
const { nodeGarbageCollector } = await import(`${root}/dist/src/node/garbage-collector.js`);
const { installGarbageCollector } = await import(`${root}/dist/src/tensor/reclamation.js`);
const driven = nodeGarbageCollector();
installGarbageCollector(driven && { Registry: driven.Registry, collectNow: () => driven.collectNow() });
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const { benchProgram, benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
const { tensor } = await import(`${root}/dist/src/ops/create.js`);
const { toCategorical } = await import(`${root}/dist/src/data/to-categorical.js`);
const { Random } = await import(`${root}/dist/src/tensor/random.js`);
registerWasmBackend({ name: 'w', threads, priority: 0 }); engine.setBackend('w');
const backend = engine.backend;
const [model] = benchModelsByName(process.env.MODEL ?? 'mnist-cnn');
const rng = new Random(3);
const batches = Array.from({ length: 8 }, () => [tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 28, 28, 1]), toCategorical(Int32Array.from({ length: 64 }, () => rng.int(10)), 10)]);
let capture = null;
const held = new Set(); const origFree = backend.free.bind(backend); backend.free = (h) => { if (held.has(h)) return; origFree(h); };
const orig = {};
for (const id of Object.keys(backend.kernels)) {
  const k = backend.kernels[id]; orig[id] = k;
  backend.kernels[id] = (infos, attrs) => {
    if (capture) { capture.push({ id, infos, attrs }); for (const v of Object.values(infos)) if (v && typeof v === 'object') for (const i of Array.isArray(v) ? v : [v]) if (i && i.handle !== undefined) held.add(i.handle); }
    return k(infos, attrs);
  };
}
const progs = (process.env.APIS ?? 'sequential,nn').split(',').map((api) => {
  const { program } = benchProgram(model, api, 1234);
  const prepared = batches.map(([x, y]) => program.prepare(x, y));
  let s = 0;
  return { api, train: () => program.trainStep(...prepared[s++ % prepared.length]) };
});
let kms = 0; engine.observer = (id, ms) => { kms += ms; };
for (let i = 0; i < 100; i++) for (const p of progs) p.train();
const inplace = Object.fromEntries(progs.map((p) => [p.api, []]));
for (let r = 0; r < rounds; r++) for (const p of progs) { const k0 = kms; for (let i = 0; i < 20; i++) p.train(); inplace[p.api].push((kms - k0) / 20); }
const traces = {};
for (const p of progs) { capture = []; p.train(); traces[p.api] = capture; capture = null; }
engine.observer = null;
const freeOut = (o) => { if (o && typeof o === 'object') for (const t of Array.isArray(o) ? o : [o]) if (t && t.handle !== undefined && !held.has(t.handle)) origFree(t.handle); };
const replay = Object.fromEntries(progs.map((p) => [p.api, []]));
for (let r = 0; r < rounds; r++) for (const p of progs) {
  const tr = traces[p.api]; const t0 = performance.now();
  for (let i = 0; i < 20; i++) for (const c of tr) freeOut(orig[c.id](c.infos, c.attrs));
  replay[p.api].push((performance.now() - t0) / 20);
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`threads ${threads} load ${(await import('node:os')).loadavg()[0].toFixed(2)}`);
for (const p of progs) console.log(`${p.api.padEnd(10)} calls ${traces[p.api].length} kernel ms in place ${med(inplace[p.api]).toFixed(3)}  replayed back to back ${med(replay[p.api]).toFixed(3)}`);
process.exit(0);
