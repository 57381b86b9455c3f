// A/B of resnet8's stride-2 conv kernels (the 3x3/2 convs and the 1x1/2 shortcuts; forward, dx,
// dW) between two built checkouts, interleaved in one process: both `dist`s imported side by side,
// 1 thread, the least process CPU time of REPS calls, ROUNDS rounds.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [KINDS=forward,dx,dW] [BATCH=64]
//   [ONLY=substring] [REPS=10] [ROUNDS=3] node bench/ab-stride2-kernels.mjs
import { bestCpuMs, checkouts, convKernelCall, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 10), rounds = Number(process.env.ROUNDS ?? 3);
const only = process.env.ONLY ?? '', N = Number(process.env.BATCH ?? 64);
const [base, branch] = checkouts();
const A = await openSide(base, 'ab-main'), B = await openSide(branch, 'ab-branch');
const bestMs = (run) => bestCpuMs(run, reps);
// [title, H, C, K, kernel size, pad]: PyTorch's padding (1 for the 3x3, 0 for the 1x1), stride 2.
const layers = [
  ['3x3/2 32x32 16->32', 32, 16, 32, 3, [1, 1, 1, 1]], ['3x3/2 16x16 32->64', 16, 32, 64, 3, [1, 1, 1, 1]],
  ['1x1/2 32x32 16->32', 32, 16, 32, 1, [0, 0, 0, 0]], ['1x1/2 16x16 32->64', 16, 32, 64, 1, [0, 0, 0, 0]],
];
const make = (S, H, C, K, k, pad, kind) => convKernelCall(S, kind, { N, H, C, K, k, stride: 2, pad });
const kinds = (process.env.KINDS ?? 'forward,dx,dW').split(',');
for (const kind of kinds) for (const [title, H, C, K, k, pad] of layers) {
  if (only && !title.includes(only)) continue;
  A.use(); const fa = make(A, H, C, K, k, pad, kind);
  B.use(); const fb = make(B, H, C, K, k, pad, kind);
  const a = [], b = [];
  for (let r = 0; r < rounds; r++) { A.use(); a.push(bestMs(fa)); B.use(); b.push(bestMs(fb)); }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join('/');
  const ma = Math.min(...a), mb = Math.min(...b);
  console.log(`${kind.padEnd(7)} b${N} ${title.padEnd(20)} main ${fmt(a)} | branch ${fmt(b)} ms  ratio ${(ma / mb).toFixed(2)}x`);
}
