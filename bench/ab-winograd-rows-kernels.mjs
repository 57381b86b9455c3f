// A/B of the Winograd kernels whose GEMMs branch wino25-rows moved to four rows x all panels a call
// (wasm DESIGN.md section 56), between two built checkouts interleaved in one process: both
// `dist`s imported side by side, THREADS threads (default 1), the least process CPU time of REPS
// calls, ROUNDS rounds alternating which side goes first. Each line names the wasm export the
// layer reached (the context's onDispatch), so a shape that falls to another algorithm shows.
// Layers: LeNet-5's conv2 (5x5 20->20 at 12x12: dx, dW, and its forward on F(4x4, 5x5)),
// 5x5 convs small enough for F(2x2, 5x5)'s forward (6x6 and 5x5 outputs), resnet8's 3x3/2 dW.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [ONLY=substring] [BATCH=64] [REPS=10]
//   [ROUNDS=4] [THREADS=1] node bench/ab-winograd-rows-kernels.mjs
import { bestCpuMs, checkouts, convKernelCall, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 10), rounds = Number(process.env.ROUNDS ?? 4);
const only = process.env.ONLY ?? '', N = Number(process.env.BATCH ?? 64), threads = Number(process.env.THREADS ?? 1);
const [base, branch] = checkouts();
const A = await openSide(base, 'ab-main', { threads }), B = await openSide(branch, 'ab-branch', { threads });
// [title, kind, H, C, K, kernel size, stride, pad]
const layers = [
  ['lenet conv2 12x12 20->20', 'forward', 12, 20, 20, 5, 1, [0, 0, 0, 0]],
  ['lenet conv2 12x12 20->20', 'dx', 12, 20, 20, 5, 1, [0, 0, 0, 0]],
  ['lenet conv2 12x12 20->20', 'dW', 12, 20, 20, 5, 1, [0, 0, 0, 0]],
  ['5x5 10x10 32->32 (6x6 out)', 'forward', 10, 32, 32, 5, 1, [0, 0, 0, 0]],
  ['5x5 9x9 20->20 (5x5 out)', 'forward', 9, 20, 20, 5, 1, [0, 0, 0, 0]],
  ['5x5 10x10 32->32 (6x6 out)', 'dx', 10, 32, 32, 5, 1, [0, 0, 0, 0]],
  ['5x5 10x10 32->32 (6x6 out)', 'dW', 10, 32, 32, 5, 1, [0, 0, 0, 0]],
  ['3x3/2 32x32 16->32', 'dW', 32, 16, 32, 3, 2, [1, 1, 1, 1]],
  ['3x3/2 16x16 32->64', 'dW', 16, 32, 64, 3, 2, [1, 1, 1, 1]],
];
const make = (S, kind, H, C, K, k, stride, pad) => convKernelCall(S, kind, { N, H, C, K, k, stride, pad });
/** The wasm exports one call of `run` dispatches that have a GEMM (Winograd ones). */
function reached(S, run) {
  const ctx = S.engine.backend.context, names = new Set();
  ctx.onDispatch = (n) => { if (/Forward|Backprop/.test(n)) names.add(n); };
  run()?.release?.();
  ctx.onDispatch = null;
  return [...names].join('+');
}
for (const [title, kind, H, C, K, k, s, pad] of layers) {
  if (only && !`${kind} ${title}`.includes(only)) continue;
  A.use(); const fa = make(A, kind, H, C, K, k, s, pad); const ka = reached(A, fa);
  B.use(); const fb = make(B, kind, H, C, K, k, s, pad); const kb = reached(B, fb);
  const a = [], b = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    if (first) { A.use(); a.push(bestCpuMs(fa, reps)); }
    B.use(); b.push(bestCpuMs(fb, reps));
    if (!first) { A.use(); a.push(bestCpuMs(fa, reps)); }
  }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join('/');
  const ma = Math.min(...a), mb = Math.min(...b);
  const kernels = ka === kb ? ka : `${ka} | ${kb}`;
  console.log(`${kind.padEnd(7)} b${N} ${title.padEnd(27)} ${kernels.padEnd(26)} main ${fmt(a)} | branch ${fmt(b)} ms  ratio ${(ma / mb).toFixed(2)}x`);
}
process.exit(0);
