// The least per-call cost of each API's training step and batch-256 prediction (1,024 images), for
// one or more built checkouts in one process: blocks of BLOCK calls alternate over every
// (checkout, API) pair, rotating the order each round, and each pair keeps its least process CPU
// ms per call and least wall ms per call over ROUNDS blocks. On a shared machine the least of many
// short blocks is the figure other sessions disturb least; the medians are printed beside it.
//
//   ROOTS=/work/main,. MODEL=mnist-cnn|lenet5 [APIS=sequential,functional,nn] [KINDS=train,infer]
//   [THREADS=1] [BLOCK=10] [ROUNDS=20] node --max-semi-space-size=256 bench/api-best.mjs
import { openApiSide } from './api-sides.mjs';
const here = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const roots = (process.env.ROOTS ?? here).split(',').map((r) => (r === '.' ? here : r));
const apis = (process.env.APIS ?? 'sequential,functional,nn').split(',');
const kinds = (process.env.KINDS ?? 'train,infer').split(',');
const threads = Number(process.env.THREADS ?? 1), block = Number(process.env.BLOCK ?? 10), rounds = Number(process.env.ROUNDS ?? 20);
const modelName = process.env.MODEL ?? 'mnist-cnn';

async function side(root, name) {
  const { use, calls } = await openApiSide(root, name, { threads, modelName });
  const runs = [];
  for (const api of apis) {
    const fns = calls(api);
    for (const kind of kinds) runs.push({ root, api, kind, use, run: fns[kind], cpu: [], wall: [] });
  }
  return runs;
}

const runs = [];
for (const [i, root] of roots.entries()) runs.push(...(await side(root, `best-${i}`)));
const tick = () => new Promise((r) => setTimeout(r, 0));
function measure(r, n) {
  r.use();
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < n; i++) r.run();
  const c = process.cpuUsage(c0);
  r.wall.push((performance.now() - t0) / n);
  r.cpu.push((c.user + c.system) / 1000 / n);
}
for (const r of runs) { r.use(); for (let i = 0; i < 3; i++) r.run(); }
const os = await import('node:os');
const la0 = os.loadavg()[0];
for (let k = 0; k < rounds; k++) {
  for (let j = 0; j < runs.length; j++) {
    const r = runs[(j + k) % runs.length];
    measure(r, r.kind === 'train' ? block : Math.max(1, Math.round(block / 8)));
    await tick();
  }
}
const min = (xs) => Math.min(...xs);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log(`${modelName} threads ${threads} block ${block} rounds ${rounds} load ${la0.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}`);
for (const r of runs) {
  const seq = runs.find((q) => q.root === r.root && q.kind === r.kind && q.api === apis[0]);
  console.log(`${r.root.padEnd(18)} ${r.kind.padEnd(5)} ${r.api.padEnd(10)} cpu min ${min(r.cpu).toFixed(3)} med ${median(r.cpu).toFixed(3)} ms (${apis[0]}/this ${(min(seq.cpu) / min(r.cpu)).toFixed(3)})  wall min ${min(r.wall).toFixed(3)} med ${median(r.wall).toFixed(3)} ms (${(min(seq.wall) / min(r.wall)).toFixed(3)})`);
}
process.exit(0);
