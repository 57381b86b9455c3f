// JavaScript outside the kernels per training step, main and branch, nn and Sequential, in one
// process: four programs (two checkouts' dists side by side, see ab-sides.mjs), blocks of STEPS
// steps in a rotating order; per block, wall ms minus the kernels' ms (engine.observer), per step.
// Prints each program's median over ROUNDS blocks and the nn - Sequential difference per build.
//
// The checkout loaded second (BR) tended to look 0.12-0.14 ms faster in an A/A control (two copies of
// one checkout, 2 threads, load ~3): run both orders (BASE and BR swapped) and compare the means.
//
//   BASE=/work/main [BR=this checkout] [MODEL=lenet5] [THREADS=2] [STEPS=20] [ROUNDS=16] node bench/ab-outside-kernels.mjs
import { checkouts, openTrainSide } from './ab-sides.mjs';
const model = process.env.MODEL ?? 'lenet5', threads = Number(process.env.THREADS ?? 2);
const steps = Number(process.env.STEPS ?? 20), rounds = Number(process.env.ROUNDS ?? 16);
const [base, branch] = checkouts();
// Each build's programs count kernels through its engine's observer: one checkout imported twice is one
// engine, so an A/A control needs a copy of the checkout in another directory.
if (base === branch) throw new Error('BASE and BR are the same checkout: copy it for an A/A control');
const sides = [];
for (const [build, root] of [['main', base], ['branch', branch]]) {
  // Both programs of a build share its engine (one module instance): one observer, one counter.
  let kernelMs = 0;
  const takeKernelMs = () => { const k = kernelMs; kernelMs = 0; return k; };
  for (const api of ['sequential', 'nn']) {
    const side = await openTrainSide(root, `${build}-${api}`, { model, api, threads });
    side.engine.observer = (_id, ms) => { kernelMs += ms; };
    sides.push({ label: `${build} ${api}`, build, api, side, outside: [], wall: [], takeKernelMs });
  }
}
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < sides.length; k++) {
    const s = sides[(k + r) % sides.length];
    s.side.use();
    for (let i = 0; i < 3; i++) s.side.step();
    await new Promise((res) => setTimeout(res));
    s.takeKernelMs();
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) s.side.step();
    const wall = (performance.now() - t0) / steps;
    s.wall.push(wall);
    s.outside.push(wall - s.takeKernelMs() / steps);
    await new Promise((res) => setTimeout(res));
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const s of sides) console.log(`${s.label.padEnd(18)} wall ${med(s.wall).toFixed(3)} outside ${med(s.outside).toFixed(3)} ms/step`);
for (const build of ['main', 'branch']) {
  const [seq, nn] = ['sequential', 'nn'].map((api) => sides.find((s) => s.build === build && s.api === api));
  console.log(`${build.padEnd(7)} nn - sequential outside ${(med(nn.outside) - med(seq.outside)).toFixed(3)} ms/step; wall nn/seq ${(med(seq.wall) / med(nn.wall)).toFixed(3)} (throughput)`);
}
