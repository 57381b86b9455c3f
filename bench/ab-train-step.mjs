// A/B of whole training steps between two built checkouts, interleaved in one process: both
// `dist`s imported side by side (separate engines and wasm instances), the same model, seed and
// batch on each, rounds of STEPS steps alternating which side goes first, process CPU per step
// (workers' time included with THREADS=2). Prints each round's minimum and median per side, and
// each round's median wall time.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [MODEL=resnet8] [API=functional|sequential|nn]
//   [THREADS=1] [STEPS=10] [ROUNDS=6] [BATCH=64] node --expose-gc bench/ab-train-step.mjs
import { checkouts, openTrainSide } from './ab-sides.mjs';
const model = process.env.MODEL ?? 'resnet8', api = process.env.API, threads = Number(process.env.THREADS ?? 1);
const steps = Number(process.env.STEPS ?? 10), rounds = Number(process.env.ROUNDS ?? 6), batch = Number(process.env.BATCH ?? 64);
const [base, branch] = checkouts();
const opts = { model, api, threads, batch };
const A = await openTrainSide(base, 'ab-main', opts), B = await openTrainSide(branch, 'ab-branch', opts);
// Between steps (not timed): a collection (node --expose-gc) and a turn of the event loop, where
// an nn loop's unreachable tensors are reclaimed (it has no step scope).
const yieldToLoop = () => { globalThis.gc?.(); return new Promise((r) => setTimeout(r)); };
async function round(S) {
  const t = [], w = [];
  for (let i = 0; i < steps; i++) {
    await yieldToLoop();
    const c0 = process.cpuUsage(), w0 = performance.now();
    S.step();
    w.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    t.push((c.user + c.system) / 1000);
  }
  t.sort((a, b) => a - b);
  w.sort((a, b) => a - b);
  return { min: t[0], median: t[Math.floor(t.length / 2)], wall: w[Math.floor(w.length / 2)] };
}
const res = { main: [], branch: [] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [['main', A], ['branch', B]] : [['branch', B], ['main', A]];
  for (const [n, S] of order) res[n].push(await round(S));
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const n of ['main', 'branch']) {
  console.log(`${n.padEnd(7)} ${model} ${api ?? ''} ${threads}t: CPU ms/step, mean of rounds' min ${mean(res[n].map((r) => r.min)).toFixed(1)}, median ${mean(res[n].map((r) => r.median)).toFixed(1)} (rounds' min ${res[n].map((r) => r.min.toFixed(1)).join(' ')})`);
}
// Wall time too: with THREADS=2 what a user waits for (CPU counts both threads, spinning included).
console.log(`wall ms/step, rounds' median: main ${res.main.map((r) => r.wall.toFixed(1)).join(' ')}; branch ${res.branch.map((r) => r.wall.toFixed(1)).join(' ')}; branch/main ${(mean(res.branch.map((r) => r.wall)) / mean(res.main.map((r) => r.wall))).toFixed(3)}`);
console.log(`branch/main CPU: min ${(mean(res.branch.map((r) => r.min)) / mean(res.main.map((r) => r.min))).toFixed(3)}, median ${(mean(res.branch.map((r) => r.median)) / mean(res.main.map((r) => r.median))).toFixed(3)}`);
