// A/B of the image-split Winograd passes at two threads, where the main thread waits for a
// worker's last claim: resnet8's 3x3 convs (forward, dx; stride 1 and 2), two checkouts' `dist`s
// interleaved in one process, calls alternating. Prints per layer the least and median wall time
// of REPS calls per round and the main thread's mean wait per call (context stats) over the clean calls (see `timed`): the
// split's own cost, apart from waits for a worker another process preempted.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [REPS=200] [ROUNDS=3] [ONLY=substring] node bench/ab-wait-kernels.mjs
import { checkouts, openSide } from './ab-sides.mjs';
import { loadavg } from 'node:os';
const reps = Number(process.env.REPS ?? 200), rounds = Number(process.env.ROUNDS ?? 3), only = process.env.ONLY ?? '';
const [base, branch] = checkouts();
const A = await openSide(base, 'ab-main', { threads: 2 }), B = await openSide(branch, 'ab-branch', { threads: 2 });
// [title, H, C, K, stride]
const layers = [
  ['32x32 16->16', 32, 16, 16, 1], ['16x16 32->32', 16, 32, 32, 1], ['8x8 64->64', 8, 64, 64, 1],
  ['32x32 16->32 s2', 32, 16, 32, 2], ['16x16 32->64 s2', 16, 32, 64, 2],
];
function make(S, H, C, K, s, kind) {
  const N = 64, OH = s === 1 ? H : H / 2, pad = s === 1 ? [1, 1, 1, 1] : [0, 1, 0, 1];
  const attrs = { strides: [s, s], pad, dilations: [1, 1], groups: 1 };
  const filter = S.randn([3, 3, C, K], 0.2);
  if (kind === 'forward') {
    const x = S.randn([N, H, H, C]);
    return () => S.engine.runKernel('Conv2D', { x, filter }, { ...attrs, activation: 'linear' });
  }
  const dy = S.randn([N, OH, OH, K]);
  return () => S.engine.runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [N, H, H, C] });
}
/**
 * REPS calls, each kept two-threaded (the context's switch to one thread after stalls is reset:
 * this measures the split, not the stall guard). A call is clean when it ran within CLEAN of the
 * side's least wall time and waited less than a stall: nothing preempted either thread, so its
 * wait is the split's own (the worker finishing its last claim).
 */
const CLEAN = 1.25, STALL_MS = 1;
function timed(S, run) {
  S.use();
  const ctx = S.engine.backend.context, stats = ctx.stats, calls = [];
  for (let r = 0; r < reps; r++) {
    ctx.soloUntil = 0;
    const w0 = stats.waitedMs, t0 = performance.now();
    const out = run();
    calls.push({ wall: performance.now() - t0, waited: stats.waitedMs - w0 });
    out.release?.();
  }
  const min = Math.min(...calls.map((c) => c.wall));
  const clean = calls.filter((c) => c.wall <= CLEAN * min && c.waited < STALL_MS);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sorted = calls.map((c) => c.wall).sort((a, b) => a - b);
  return { min, med: sorted[sorted.length >> 1], clean: clean.length, cleanWall: mean(clean.map((c) => c.wall)), cleanWaited: mean(clean.map((c) => c.waited)) };
}
const f = (x) => x.toFixed(3);
for (const kind of ['forward', 'dx']) for (const [title, H, C, K, s] of layers) {
  if (only && !`${kind} ${title}`.includes(only)) continue;
  const fa = make(A, H, C, K, s, kind), fb = make(B, H, C, K, s, kind);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [['main', A, fa], ['branch', B, fb]] : [['branch', B, fb], ['main', A, fa]];
    const res = {};
    for (const [n, S, fn] of order) res[n] = timed(S, fn);
    const m = res.main, b = res.branch;
    const line = (x) => `min ${f(x.min)} med ${f(x.med)} clean ${String(x.clean).padStart(3)}: wall ${f(x.cleanWall)} waited ${f(x.cleanWaited)}`;
    console.log(`${kind.padEnd(7)} ${title.padEnd(16)} load ${loadavg()[0].toFixed(1)} main ${line(res.main)} | branch ${line(res.branch)} ms`);
  }
}
process.exit(0);
