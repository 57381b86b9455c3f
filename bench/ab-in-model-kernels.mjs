// Per-kernel process CPU time inside whole predictions (batch 256) of a bench model, two checkouts'
// `dist` imported side by side and their predictions alternating, THREADS threads (default 1):
// every kernel call is wrapped with process.cpuUsage and keyed by its inputs' shapes and its
// position in the prediction; the least time per call over STEPS predictions is printed for both,
// with the ratio, then their sums and the least whole prediction. Kernels see their inputs as the
// model leaves them (cold caches, recycled blocks), unlike isolated calls on repeated inputs.
//
// TRAIN=1 times training steps instead (batch 64, the model's own optimizer, the same seeded
// batch on both sides), with a filter gradient's filter shape in its key (a 3x3 and a 1x1 conv
// of the same input and dy then show apart).
//
//   BASE=/path/to/main [BR=this checkout] [THREADS=1] [TRAIN=1] node bench/ab-in-model-kernels.mjs resnet8 [STEPS=8]
const model = process.argv[2] ?? 'resnet8', steps = Number(process.argv[3] ?? 8);
const threads = Number(process.env.THREADS ?? 1), train = process.env.TRAIN === '1';
const base = process.env.BASE ?? (() => { throw new Error('set BASE: the other checkout'); })();
const br = process.env.BR ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
async function side(root, name) {
  const { engine } = await import(`${root}/dist/src/backend/engine.js`);
  const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
  const { tensor } = await import(`${root}/dist/src/ops/create.js`);
  const { BENCH_MODELS, benchProgram } = await import(`${root}/dist/src/cli/bench-models.js`);
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  registerWasmBackend({ name, threads, priority: 0 });
  engine.setBackend(name);
  const m = BENCH_MODELS[model];
  const { program } = benchProgram(m, m.kerasApi, 1);
  const [h, w, c] = m.sampleShape;
  const n = train ? 64 : 256;
  const x = tensor(Float32Array.from({ length: n * h * w * c }, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32), [n, h, w, c]);
  const labels = Float32Array.from({ length: n * 10 }, (_, i) => (i % 10 === (Math.floor(i / 10) * 7) % 10 ? 1 : 0));
  const prepared = train ? program.prepare(x, tensor(labels, [n, 10])) : null;
  const best = new Map(), seen = new Map();
  const table = engine.backend.kernels;
  for (const [id, fn] of Object.entries(table)) {
    table[id] = (inputs, attrs) => {
      const shapes = Object.values(inputs).filter((v) => v !== undefined && !Array.isArray(v)).map((t) => t.shape.join('x'));
      const filter = attrs?.filterShape ? ` f${attrs.filterShape.join('x')}` : '';
      const k = `${id}(${shapes.join(' ')}${filter}${attrs?.strides ? ` s${attrs.strides[0]}` : ''})`;
      const c0 = process.cpuUsage();
      const out = fn(inputs, attrs);
      const u = process.cpuUsage(c0);
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      best.set(`${k}#${n}`, Math.min(best.get(`${k}#${n}`) ?? Infinity, (u.user + u.system) / 1000));
      return out;
    };
  }
  let total = Infinity;
  const step = () => {
    engine.setBackend(name); seen.clear();
    const c0 = process.cpuUsage();
    if (prepared !== null) program.trainStep(...prepared);
    else withScope(() => program.predict(x, 256).dataSync());
    const u = process.cpuUsage(c0);
    total = Math.min(total, (u.user + u.system) / 1000);
  };
  return { step, best, total: () => total, reset: () => { best.clear(); total = Infinity; } };
}
const A = await side(base, 'in-model-base'), B = await side(br, 'in-model-branch');
for (let i = 0; i < 3; i++) { A.step(); B.step(); }
A.reset(); B.reset();
for (let i = 0; i < steps; i++) { A.step(); B.step(); }
let sa = 0, sb = 0;
for (const k of new Set([...A.best.keys(), ...B.best.keys()])) {
  const a = A.best.get(k) ?? 0, b = B.best.get(k) ?? 0;
  sa += a; sb += b;
  if (a > 0.3 || b > 0.3) console.log(k.padEnd(72), a.toFixed(2).padStart(7), b.toFixed(2).padStart(7), `${(a / b).toFixed(2)}x`);
}
console.log('sum of kernel bests'.padEnd(72), sa.toFixed(2).padStart(7), sb.toFixed(2).padStart(7), `| ${train ? 'training step' : 'prediction'}, least: ${A.total().toFixed(2)} ${B.total().toFixed(2)}`);
