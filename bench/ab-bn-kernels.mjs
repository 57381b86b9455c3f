// A/B of the training BatchNorm kernels (forward and gradient, resnet8's shapes, batch 64) between
// two built checkouts, interleaved in one process, 1 thread, least process CPU of REPS runs per round.
//   BASE=/path/to/other/checkout [BR=this checkout] [REPS=20] [ROUNDS=5] node bench/ab-bn-kernels.mjs
import { bestCpuMs, checkouts, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 20), rounds = Number(process.env.ROUNDS ?? 5);
const [base, branch] = checkouts();
const A = await openSide(base, 'ab-main'), B = await openSide(branch, 'ab-branch');
/** Least CPU of a run of side S's kernel, S's backend current. */
const bestMs = (S, run) => bestCpuMs(() => { S.use(); return run(); }, reps);
const cases = [];
for (const [H, C] of [[32, 16], [16, 32], [8, 64]]) {
  const mk = (S) => {
    const x = S.randn([64, H, H, C], 1, 0.3), gamma = S.randn([C], 0.2, 1), beta = S.randn([C], 0.1), res = S.randn([64, H, H, C]);
    const dy = S.randn([64, H, H, C]);
    const [y, mean, variance] = S.engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3, activation: 'relu' });
    return {
      fwd: () => S.engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3, activation: 'relu' }),
      fwdRes: () => S.engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta, residual: res }, { epsilon: 1e-3, activation: 'relu' }),
      grad: () => S.engine.runKernelOutputs('BatchNormTrainingGrad', { dy, x, mean, variance, gamma, y }, { epsilon: 1e-3, activation: 'relu' }),
      gradLin: () => S.engine.runKernelOutputs('BatchNormTrainingGrad', { dy, x, mean, variance, gamma }, { epsilon: 1e-3, activation: 'linear' }),
    };
  };
  const a = mk(A), b = mk(B);
  for (const k of Object.keys(a)) cases.push([`${k} 64x${H}x${H}x${C}`, a[k], b[k]]);
}
for (const [title, fa, fb] of cases) {
  const pairs = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const ta = first ? bestMs(A, fa) : 0, tb = bestMs(B, fb), ta2 = first ? ta : bestMs(A, fa);
    pairs.push([ta2, tb]);
  }
  const fmt = pairs.map(([x, y]) => `${x.toFixed(3)}/${y.toFixed(3)}`).join(' ');
  const ratio = pairs.map(([x, y]) => (x / y).toFixed(2)).join(' ');
  console.log(`${title.padEnd(22)} main/branch ms ${fmt}  main/branch ${ratio}`);
}
