// Issue 12's own measure, in rotating order: `fovea bench --model M --api sequential|nn --json`
// of two checkouts (BASE, and this one), one process per run, ROUNDS rounds; each round runs the
// four (checkout, API) pairs in an order rotated by one from the round before. Prints one line
// per run (train samples/s, the load then) and, per round, nn/Sequential for each checkout.
//
//   BASE=/work/main [MODEL=lenet5] [STEPS=900] [ROUNDS=6] node bench/issue12-rounds.mjs
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { checkouts } from './ab-sides.mjs';
const model = process.env.MODEL ?? 'lenet5', steps = process.env.STEPS ?? '900', rounds = Number(process.env.ROUNDS ?? 6);
const [base, branch] = checkouts();
const runs = [['main', base, 'sequential'], ['main', base, 'nn'], ['branch', branch, 'sequential'], ['branch', branch, 'nn']];
const ratios = { main: [], branch: [] };
for (let r = 0; r < rounds; r++) {
  const got = {};
  for (let k = 0; k < runs.length; k++) {
    const [build, root, api] = runs[(k + r) % runs.length];
    const load = loadavg()[0].toFixed(2);
    const out = execFileSync('node', [`${root}/dist/src/cli/main.js`, 'bench', '--model', model, '--api', api, '--steps', steps, '--json'], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').at(-1));
    got[`${build} ${api}`] = result.trainSamplesPerSec;
    console.log(`round ${r + 1} ${build.padEnd(6)} ${api.padEnd(10)} train ${result.trainSamplesPerSec.toFixed(0)} samples/s, step median ${result.trainStepMsMedian.toFixed(2)} ms, load ${load}`);
  }
  for (const build of ['main', 'branch']) ratios[build].push(got[`${build} nn`] / got[`${build} sequential`]);
  console.log(`round ${r + 1} nn/sequential: main ${ratios.main.at(-1).toFixed(3)}, branch ${ratios.branch.at(-1).toFixed(3)}`);
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const build of ['main', 'branch']) console.log(`${model} ${build} nn/sequential: ${ratios[build].map((x) => x.toFixed(3)).join(', ')} (median ${median(ratios[build]).toFixed(3)})`);
