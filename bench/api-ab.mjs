// Interleaved A/B of two built checkouts in one process: each API's training step and batch-256
// prediction (1,024 images), blocks alternating A, B, A, B ... (BLOCK steps, or BLOCK/8
// predictions, per block), medians of per-call wall ms and process CPU ms over ROUNDS rounds.
//
//   BASE=/work/main [BR=this checkout] MODEL=mnist-cnn|lenet5 [APIS=nn,sequential] [THREADS=2]
//   [BLOCK=40] [ROUNDS=5] node bench/api-ab.mjs
import { openApiSide } from './api-sides.mjs';
const base = process.env.BASE ?? '/work/main';
const br = process.env.BR ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const threads = Number(process.env.THREADS ?? 2), block = Number(process.env.BLOCK ?? 40), rounds = Number(process.env.ROUNDS ?? 5);
const apis = (process.env.APIS ?? 'nn,sequential').split(',');
const modelName = process.env.MODEL ?? 'mnist-cnn';
async function side(root, name) {
  const { use, calls } = await openApiSide(root, name, { threads, modelName });
  return { name, use, progs: Object.fromEntries(apis.map((api) => [api, calls(api)])) };
}
const A = await side(base, 'ab-base'), B = await side(br, 'ab-branch');
function run(S, api, kind, n) {
  S.use();
  const f = S.progs[api][kind];
  const c0 = process.cpuUsage(), t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  const c = process.cpuUsage(c0);
  return [(performance.now() - t0) / n, (c.user + c.system) / 1000 / n];
}
for (const S of [A, B]) for (const api of apis) { run(S, api, 'train', 5); run(S, api, 'infer', 2); }
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const os = await import('node:os');
const la0 = os.loadavg()[0];
const out = {};
for (const kind of ['train', 'infer']) for (const api of apis) out[`${kind} ${api}`] = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  for (const kind of ['train', 'infer']) for (const api of apis) {
    const n = kind === 'train' ? block : Math.max(2, block / 8);
    const [first, second] = r % 2 === 0 ? [A, B] : [B, A];
    for (const S of [first, second]) out[`${kind} ${api}`][S === A ? 'A' : 'B'].push(run(S, api, kind, n));
  }
}
console.log(`${modelName} threads ${threads} block ${block} rounds ${rounds} load ${la0.toFixed(2)} -> ${os.loadavg()[0].toFixed(2)}  (A ${base}, B ${br})`);
for (const [key, { A: a, B: b }] of Object.entries(out)) {
  const wa = median(a.map((x) => x[0])), wb = median(b.map((x) => x[0])), ca = median(a.map((x) => x[1])), cb = median(b.map((x) => x[1]));
  console.log(`${key.padEnd(16)} wall A ${wa.toFixed(2)} B ${wb.toFixed(2)} ms (B/A speed ${(wa / wb).toFixed(3)})  cpu A ${ca.toFixed(2)} B ${cb.toFixed(2)} (${(ca / cb).toFixed(3)})`);
}
process.exit(0);
