// What one training step and one batch-256 prediction cost in each API (sequential, functional,
// nn), in one process: JS heap allocated per call (heapUsed delta over a block with no collection:
// run with --max-semi-space-size=256), FinalizationRegistry registrations per call, kernel calls
// per call, and process CPU ms per call (median of blocks). Blocks of the three APIs alternate.
//
//   node --max-semi-space-size=256 bench/api-cost.mjs [MODEL=mnist-cnn|lenet5] [THREADS=1]
//        [BLOCK=40] [ROUNDS=3] [ROOT=checkout] [APIS=sequential,functional,nn]
// Rounds rotate the order of the APIs; use a multiple of three rounds. The first API of APIS is the
// base of the ratios. The programs are built in APIS order, which rounds do not rotate: two
// threads, nn/Sequential train ratios were 1.00 with nn built last and 0.88-0.93 built first (two
// runs each, plan/DESIGN.md nn-js3), so compare both orders.
const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const modelName = process.env.MODEL ?? 'mnist-cnn';
const threads = Number(process.env.THREADS ?? 1), block = Number(process.env.BLOCK ?? 40), rounds = Number(process.env.ROUNDS ?? 3);
// Node's driven collector, wrapped to count the full collections Fovea forces (heap pressure).
const { nodeGarbageCollector } = await import(`${root}/dist/src/node/garbage-collector.js`);
const { installGarbageCollector } = await import(`${root}/dist/src/tensor/reclamation.js`);
let forced = 0, forcedMs = 0;
const driven = nodeGarbageCollector();
installGarbageCollector(driven && { Registry: driven.Registry, collectNow: () => { forced++; const t = performance.now(); driven.collectNow(); forcedMs += performance.now() - t; } });
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const { benchProgram, benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
const { kernelCalls } = await import(`${root}/dist/src/backend/kernel-calls.js`);
const { registrationCount } = await import(`${root}/dist/src/tensor/reclamation.js`);
const { tensor } = await import(`${root}/dist/src/ops/create.js`);
const { toCategorical } = await import(`${root}/dist/src/data/to-categorical.js`);
const { Random } = await import(`${root}/dist/src/tensor/random.js`);
const { PerformanceObserver } = await import('node:perf_hooks');
registerWasmBackend({ name: 'wasm-cost', threads, priority: 0 });
engine.setBackend('wasm-cost');
let gcs = 0, majors = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) { gcs++; if (e.detail?.kind === 4) majors++; } }).observe({ entryTypes: ['gc'] });
const tick = () => new Promise((r) => setTimeout(r, 5));

const [model] = benchModelsByName(modelName);
const rng = new Random(3);
const batches = Array.from({ length: 8 }, () => [
  tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 28, 28, 1]),
  toCategorical(Int32Array.from({ length: 64 }, () => rng.int(10)), 10),
]);
const images = tensor(Float32Array.from({ length: 1024 * 784 }, () => rng.uniform()), [1024, 28, 28, 1]);
const apis = (process.env.APIS ?? 'sequential,functional,nn').split(',');
const progs = apis.map((api) => {
  const { program } = benchProgram(model, api, 1234);
  const prepared = batches.map(([x, y]) => program.prepare(x, y));
  let s = 0;
  return { api, train: () => program.trainStep(...prepared[s++ % prepared.length]), infer: () => program.predict(images, 256).dataSync() };
});
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
async function measure(run, n) {
  await tick();
  const f0 = forced, fm0 = forcedMs, g0 = gcs, m0 = majors, r0 = registrationCount(), h0 = process.memoryUsage().heapUsed, c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < n; i++) run();
  const ms = performance.now() - t0, c = process.cpuUsage(c0), h = process.memoryUsage().heapUsed - h0;
  const regs = (registrationCount() - r0) / n;
  await tick();
  return { wall: ms / n, cpu: (c.user + c.system) / 1000 / n, kb: gcs === g0 ? h / 1024 / n : NaN, regs, gcs: gcs - g0, majors: majors - m0, forced: forced - f0, forcedMs: forcedMs - fm0 };
}
for (const p of progs) { for (let i = 0; i < 5; i++) { p.train(); } p.infer(); p.infer(); }
const kernels = (run) => Object.fromEntries([...kernelCalls(run)].sort());
// Parallel jobs the wasm context hands its workers per call (each a wake-up and a wait).
const stats = () => engine.backend.context?.stats ?? { parallelJobs: 0, waitedMs: 0 };
const jobs = (run) => { const j0 = stats().parallelJobs; run(); return stats().parallelJobs - j0; };
for (const p of progs) {
  console.log(`${p.api} step kernels ${JSON.stringify(kernels(p.train))}`);
  console.log(`${p.api} predict(1024) kernels ${JSON.stringify(kernels(p.infer))}`);
  console.log(`${p.api} parallel jobs: step ${jobs(p.train)}, predict(1024) ${jobs(p.infer)}`);
}
const res = Object.fromEntries(apis.map((a) => [a, { train: [], infer: [] }]));
// Each round starts with the next API: the block after another API's ran slower or faster by
// place alone (at load 4, Sequential's training block, always first, was 1.45x functional's).
for (let r = 0; r < rounds; r++) {
  const order = progs.map((_, i) => progs[(i + r) % progs.length]);
  for (const p of order) res[p.api].train.push(await measure(p.train, block));
  for (const p of order) res[p.api].infer.push(await measure(p.infer, Math.max(2, block / 8)));
}
const fmt = (xs, k, d = 1) => xs.map((x) => x[k].toFixed(d)).join('/');
const la = (await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`${modelName} threads ${threads} block ${block} load ${la}`);
for (const kind of ['train', 'infer']) {
  const base = median(res[apis[0]][kind].map((x) => x.wall));
  for (const api of apis) {
    const xs = res[api][kind];
    const w = median(xs.map((x) => x.wall));
    console.log(`${kind.padEnd(5)} ${api.padEnd(10)} wall ${fmt(xs, 'wall', 2)} ms (x${(base / w).toFixed(3)} of ${apis[0]}) cpu ${fmt(xs, 'cpu', 2)} heapKB ${fmt(xs, 'kb')} regs ${fmt(xs, 'regs')} gcs ${fmt(xs, 'gcs', 0)} major ${fmt(xs, 'majors', 0)} forced ${fmt(xs, 'forced', 0)} (${fmt(xs, 'forcedMs', 1)} ms)`);
  }
}
process.exit(0);
