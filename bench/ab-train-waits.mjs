// Where a two-thread training step waits: the main thread spinning for a worker's last chunk at
// the end of a parallel job (wasm context stats), per step and per job (export, range, grain),
// for two built checkouts interleaved in one process as ab-train-step.mjs runs them. A wait over
// STALL_MS is counted apart: a preempted worker (other processes' load), not an uneven split.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [MODEL=resnet8] [API=...] [THREADS=2]
//   [STEPS=10] [ROUNDS=6] [BATCH=64] [TOP=12] [TWO=1] node --expose-gc bench/ab-train-waits.mjs
//
// TWO=1 keeps both sides on two threads (the context's switch to one thread after stalls is
// undone after every job): two-thread steps compared with two-thread steps.
import { checkouts, openTrainSide } from './ab-sides.mjs';
import { loadavg } from 'node:os';
const model = process.env.MODEL ?? 'resnet8', api = process.env.API, threads = Number(process.env.THREADS ?? 2);
const steps = Number(process.env.STEPS ?? 10), rounds = Number(process.env.ROUNDS ?? 6), batch = Number(process.env.BATCH ?? 64);
const top = Number(process.env.TOP ?? 12);
const STALL_MS = 1, twoThreads = process.env.TWO === '1';

/** Wraps the side's pool so every parallel job records its wait under "export total/grain". */
function recordJobs(engine) {
  const pool = engine.backend.context.pool;
  const jobs = new Map();
  const run = pool.parallelFor.bind(pool);
  pool.parallelFor = (fn, args, total, grain, ...rest) => {
    const t0 = performance.now();
    const waited = run(fn, args, total, grain, ...rest);
    const key = `${fn} ${total}/${grain}`;
    const j = jobs.get(key) ?? jobs.set(key, { calls: 0, ms: 0, waited: 0, waits: 0, stalls: 0, stalledMs: 0 }).get(key);
    j.calls++;
    j.ms += performance.now() - t0;
    if (waited > STALL_MS) { j.stalls++; j.stalledMs += waited; } else { j.waited += waited; if (waited > 0) j.waits++; }
    return waited;
  };
  return jobs;
}

async function side(root, name) {
  const { step, engine } = await openTrainSide(root, name, { model, api, threads, batch });
  const ctx = engine.backend.context;
  if (twoThreads) {
    const note = ctx.noteParallelJob.bind(ctx);
    ctx.noteParallelJob = (spent, waited) => { note(spent, waited); ctx.soloUntil = 0; };
  }
  return { step, jobs: recordJobs(engine), stats: ctx.stats };
}
const [base, branch] = checkouts();
const A = await side(base, 'ab-main'), B = await side(branch, 'ab-branch');
const yieldToLoop = () => { globalThis.gc?.(); return new Promise((r) => setTimeout(r)); };
async function round(S) {
  const s0 = { ...S.stats };
  let wall = 0, cpu = 0;
  for (let i = 0; i < steps; i++) {
    await yieldToLoop();
    const c0 = process.cpuUsage(), t0 = performance.now();
    S.step();
    wall += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
  }
  const per = (k) => (S.stats[k] - s0[k]) / steps;
  const stalls = [...S.jobs.values()].reduce((a, j) => a + j.stalls, 0) - (S.stallsBefore ?? 0);
  S.stallsBefore = (S.stallsBefore ?? 0) + stalls;
  return { wall: wall / steps, cpu: cpu / steps, waited: per('waitedMs'), stalled: per('stalledMs'), stalls: stalls / steps, jobs: per('parallelJobs'), solo: S.stats.soloSwitches - s0.soloSwitches };
}
const f = (v) => v.toFixed(2);
const all = { main: [], branch: [] };
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [['main', A], ['branch', B]] : [['branch', B], ['main', A]];
  for (const [n, S] of order) {
    const x = await round(S);
    all[n].push(x);
    console.log(`round ${r} ${n.padEnd(6)} load ${loadavg()[0].toFixed(1)}: wall ${f(x.wall)} cpu ${f(x.cpu)} ms/step, waited ${f(x.waited)} (of it stalls > ${STALL_MS} ms ${f(x.stalled)}, ${f(x.stalls)} stalls of ${f(x.stalled / Math.max(x.stalls, 1e-9))} ms) ms/step, jobs ${x.jobs.toFixed(0)}/step, solo switches ${x.solo}`);
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const n of ['main', 'branch']) {
  const rs = all[n];
  console.log(`${n.padEnd(6)} medians of rounds: wall ${f(med(rs.map((x) => x.wall)))} cpu ${f(med(rs.map((x) => x.cpu)))} waited ${f(med(rs.map((x) => x.waited)))} waited-without-stalls ${f(med(rs.map((x) => x.waited - x.stalled)))} ms/step`);
}
const total = steps * rounds;
for (const [n, S] of [['main', A], ['branch', B]]) {
  console.log(`${n}: jobs by wait under ${STALL_MS} ms (ms/step; calls/step; share of calls that waited; mean job ms; stalls/step)`);
  for (const [k, j] of [...S.jobs].sort((a, b) => b[1].waited - a[1].waited).slice(0, top)) {
    console.log(`  ${k.padEnd(36)} ${(j.waited / total).toFixed(3)}  ${(j.calls / total).toFixed(1)}  ${(j.waits / j.calls).toFixed(2)}  ${(j.ms / j.calls).toFixed(3)}  ${(j.stalls / total).toFixed(2)}`);
  }
}
