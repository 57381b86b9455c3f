// A/B of the 3x3 conv kernels (forward, dx, dW) between two built checkouts, interleaved in one
// process: both `dist`s are imported side by side (separate engines and wasm instances) and their
// calls alternate, 1 thread, the least process CPU time of REPS runs, ROUNDS rounds. Layers:
// cifar-vgg's four Winograd convs, resnet8's three, the seed CNN's conv2 and conv3, the two RGB stems.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [KINDS=forward,dx,dW] [BATCHES=64,256]
//   [ONLY=substring] [REPS=10] [ROUNDS=3] node bench/ab-conv3x3-kernels.mjs
//
// "main" is BASE, "branch" is BR (default: the checkout holding this file). An A/A control
// (BR=BASE) shows the noise. Build both first (`npm run build`).
import { bestCpuMs, checkouts, convKernelCall, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 10), rounds = Number(process.env.ROUNDS ?? 3);
const only = process.env.ONLY ?? '';
const [base, branch] = checkouts();
const A = await openSide(base, 'ab-main'), B = await openSide(branch, 'ab-branch');
const bestMs = (run) => bestCpuMs(run, reps);
const same = [1, 1, 1, 1], valid = [0, 0, 0, 0];
const layers = [
  ['c2 32x32 32->32', 32, 32, 32, same], ['c3 16x16 32->64', 16, 32, 64, same], ['c4 16x16 64->64', 16, 64, 64, same], ['c5 8x8 64->128', 8, 64, 128, same],
  ['resnet8 32x32 16->16', 32, 16, 16, same], ['resnet8 16x16 32->32', 16, 32, 32, same], ['resnet8 8x8 64->64', 8, 64, 64, same],
  ['seed conv2 13x13 32->64', 13, 32, 64, valid], ['seed conv3 5x5 64->64', 5, 64, 64, valid],
  ['resnet8 stem 32x32 3->16', 32, 3, 16, same], ['cifar-vgg stem 32x32 3->32', 32, 3, 32, same],
];
const make = (S, N, H, C, K, pad, kind) => convKernelCall(S, kind, { N, H, C, K, k: 3, pad, relu: true });
const kinds = (process.env.KINDS ?? 'forward,dx,dW').split(',');
const batches = (process.env.BATCHES ?? '64').split(',').map(Number);
for (const N of batches) for (const kind of kinds) for (const [title, H, C, K, pad] of layers) {
  if (only && !title.includes(only)) continue;
  const fa = make(A, N, H, C, K, pad, kind), fb = make(B, N, H, C, K, pad, kind);
  const a = [], b = [];
  for (let r = 0; r < rounds; r++) { a.push(bestMs(fa)); b.push(bestMs(fb)); }
  const fmt = (xs) => xs.map((x) => x.toFixed(2)).join('/');
  const ma = Math.min(...a), mb = Math.min(...b);
  console.log(`${kind.padEnd(7)} b${N} ${title.padEnd(24)} main ${fmt(a)} | branch ${fmt(b)} ms  ratio ${(ma / mb).toFixed(2)}x`);
}
