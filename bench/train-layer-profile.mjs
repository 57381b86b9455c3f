// Per-kernel wall time of a zoo model's training step, in step order (so each row is a layer's
// forward or backward kernel), the median over STEPS steps of each call: what a peer's per-op
// profiler (torch.profiler) reports, to set beside it. Also the step's median wall, the time
// outside kernels (JavaScript: engine, autograd, the fit step) and the direct-algorithm GF/s of
// conv and MatMul calls. Medians and least times, not means: on a shared machine a preempted call
// is an outlier.
//
//   [BR=checkout] [MODEL=mobilenet-mini] [API=sequential|nn] [THREADS=2] [STEPS=30] node --expose-gc bench/train-layer-profile.mjs
import { openTrainSide, thisCheckout } from './ab-sides.mjs';

const model = process.env.MODEL ?? 'mobilenet-mini', api = process.env.API, threads = Number(process.env.THREADS ?? 2);
const steps = Number(process.env.STEPS ?? 30);
const side = await openTrainSide(process.env.BR ?? thisCheckout, 'layer-profile', { model, api, threads });

/** Multiply-adds x 2 of a conv or MatMul call as the direct algorithm counts them, else 0. */
function directFlops(id, inputs, attrs, out) {
  const size = (s) => s.reduce((a, b) => a * b, 1);
  const o = Array.isArray(out) ? out[0] : out;
  if (id === 'Conv2D') { const [kh, kw, i] = inputs.filter.shape; return 2 * size(o.shape) * kh * kw * i; }
  if (id === 'Conv2DBackpropInput') { const [kh, kw, i] = inputs.filter.shape; return 2 * size(inputs.dy.shape) * kh * kw * i; }
  if (id === 'Conv2DBackpropFilter') { const [kh, kw, i] = attrs.filterShape; return 2 * size(inputs.dy.shape) * kh * kw * i; }
  if (id === 'MatMul') { const a = inputs.a.shape; return 2 * size(o.shape) * (attrs.transposeA ? a[a.length - 2] : a[a.length - 1]); }
  return 0;
}

const perCall = [];   // [step position] -> { key, ms: [], flops }
let position = 0;
const table = side.engine.backend.kernels;
for (const [id, fn] of Object.entries(table)) {
  table[id] = (inputs, attrs) => {
    const t = performance.now();
    const out = fn(inputs, attrs);
    const ms = performance.now() - t;
    const slot = perCall[position] ??= {
      key: `${id}(${Object.values(inputs).filter((v) => v?.shape !== undefined).map((v) => v.shape.join('x')).join(' ')}${attrs?.strides ? ` s${attrs.strides[0]}` : ''}${attrs?.groups > 1 ? ` g${attrs.groups}` : ''})`,
      ms: [], flops: directFlops(id, inputs, attrs ?? {}, out),
    };
    slot.ms.push(ms);
    position++;
    return out;
  };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const wall = [], inKernels = [];
for (let s = 0; s < steps; s++) {
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r));
  position = 0;
  const before = perCall.map((c) => c.ms.length);
  const t = performance.now();
  side.step();
  wall.push(performance.now() - t);
  inKernels.push(perCall.reduce((a, c, i) => a + (c.ms.length > (before[i] ?? 0) ? c.ms[c.ms.length - 1] : 0), 0));
}
let sum = 0, sumMin = 0;
for (const [i, c] of perCall.entries()) {
  const m = median(c.ms), least = Math.min(...c.ms);
  sum += m; sumMin += least;
  // GF/s of the least time: under load the least call is the one not preempted.
  const gf = c.flops > 0 ? `${(c.flops / least / 1e6).toFixed(1).padStart(6)} GF/s` : '';
  console.log(`${String(i).padStart(3)} ${c.key.padEnd(70)} ${m.toFixed(3).padStart(7)} ms median ${least.toFixed(3).padStart(7)} ms least ${gf}`);
}
const outside = wall.map((w, i) => w - inKernels[i]);
console.log(`${model} ${api ?? ''} ${threads}t, ${steps} steps: wall median ${median(wall).toFixed(2)} ms (min ${Math.min(...wall).toFixed(2)}), sum of kernel medians ${sum.toFixed(2)} (least ${sumMin.toFixed(2)}), outside kernels median ${median(outside).toFixed(2)} ms`);
