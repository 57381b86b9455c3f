// Step wall, kernel ms (engine.observer) and outside-kernel ms per step, one API per process
// (50 warm-up steps, then the median of 15 blocks of 40 steps at batch 64, over api-sides.mjs's
// eight seeded batches).
//
//   API=sequential|functional|nn [MODEL=lenet5] [T=2] [ROOT=checkout] node bench/split-step.mjs
import { openApiSide } from './api-sides.mjs';

const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const api = process.env.API ?? 'nn';
const side = await openApiSide(root, 'w', { threads: Number(process.env.T ?? 2), modelName: process.env.MODEL ?? 'lenet5' });
side.use();
const { train } = side.calls(api);
for (let i = 0; i < 50; i++) train();
let kms = 0;
side.engine.observer = (id, ms) => { kms += ms; };
const walls = [], ks = [];
for (let b = 0; b < 15; b++) {
  kms = 0;
  const t0 = performance.now();
  for (let i = 0; i < 40; i++) train();
  walls.push((performance.now() - t0) / 40);
  ks.push(kms / 40);
  await new Promise((r) => setTimeout(r));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = walls.map((w, i) => w - ks[i]);
console.log(api.padEnd(10), 'wall', med(walls).toFixed(3), 'kernels', med(ks).toFixed(3), 'outside', med(out).toFixed(3));
