// resnet8's and cifar-vgg's inference against ONNX Runtime by CPU time, robust to a busy machine:
// two checkouts' `dist` (main and this branch) and ONNX Runtime (the model exported by the branch's
// exportOnnx, the session options of `fovea bench`) run 1,024 images in batches of 256, interleaved
// in one process, THREADS threads each (default 1); least process CPU time and least wall time of
// REPS runs per round, ROUNDS rounds. (The 32x32 sibling of ab-seed-infer-ort.mjs.)
//
//   BASE=/path/to/main [BR=this checkout] [THREADS=1] [REPS=5] [ROUNDS=3] [MODELS=resnet8,cifar-vgg] [IMAGES=1024] node bench/ab-res-infer-ort.mjs
const reps = Number(process.env.REPS ?? 5), rounds = Number(process.env.ROUNDS ?? 3), threads = Number(process.env.THREADS ?? 1);
const base = process.env.BASE ?? (() => { throw new Error('set BASE: the other checkout'); })();
const br = process.env.BR ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const modelNames = (process.env.MODELS ?? 'resnet8,cifar-vgg').split(',');
const ort = await import(`${br}/node_modules/onnxruntime-node/dist/index.js`);
const IMAGES = Number(process.env.IMAGES ?? 1024), BATCH = 256, PIXELS = 32 * 32 * 3;
async function side(root, name) {
  const { engine } = await import(`${root}/dist/src/backend/engine.js`);
  const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
  const ops = await import(`${root}/dist/src/ops/index.js`);
  const { resnet8, cifarVgg } = await import(`${root}/dist/src/zoo/index.js`);
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  const { exportOnnx } = await import(`${root}/dist/src/io/onnx/onnx-export.js`);
  registerWasmBackend({ name, threads, priority: 0 });
  engine.setBackend(name);
  return { name, engine, ops, withScope, exportOnnx, models: { resnet8: resnet8({ seed: 1 }), 'cifar-vgg': cifarVgg({ seed: 1 }) } };
}
const A = await side(base, 'ort-ab-main'), B = await side(br, 'ort-ab-branch');
const pixels = Float32Array.from({ length: IMAGES * PIXELS }, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32);
function timed(run) {
  let cpu = Infinity, wall = Infinity;
  return async () => {
    for (let r = 0; r < reps; r++) {
      const c0 = process.cpuUsage(), t0 = performance.now();
      await run();
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000); wall = Math.min(wall, performance.now() - t0);
    }
    return { cpu, wall };
  };
}
for (const model of modelNames) {
  const fovea = (S) => {
    const m = S.models[model];
    S.engine.setBackend(S.name);
    const x = S.ops.tensor(pixels, [IMAGES, 32, 32, 3]);
    return () => { S.engine.setBackend(S.name); S.withScope(() => m.predict(x, { batchSize: BATCH }).dataSync()); };
  };
  const session = await ort.InferenceSession.create(await B.exportOnnx(B.models[model]), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const name = session.inputNames[0];
  const batches = Array.from({ length: IMAGES / BATCH }, (_, i) => new ort.Tensor('float32', pixels.subarray(i * BATCH * PIXELS, (i + 1) * BATCH * PIXELS), [BATCH, 32, 32, 3]));
  const runs = { main: timed(fovea(A)), branch: timed(fovea(B)), ort: timed(async () => { for (const b of batches) await session.run({ [name]: b }); }) };
  const best = {};
  for (let round = 0; round < rounds; round++) for (const [k, f] of Object.entries(runs)) best[k] = await f();
  const f = (k) => `${k} cpu ${best[k].cpu.toFixed(1)} ms wall ${best[k].wall.toFixed(1)} ms`;
  console.log(`${model} (${IMAGES} images, ${threads} thread${threads > 1 ? 's' : ''}): ${f('main')} | ${f('branch')} | ${f('ort')} | Fovea/ORT by cpu: main ${(best.ort.cpu / best.main.cpu).toFixed(3)}, branch ${(best.ort.cpu / best.branch.cpu).toFixed(3)}; by wall: main ${(best.ort.wall / best.main.wall).toFixed(3)}, branch ${(best.ort.wall / best.branch.wall).toFixed(3)}`);
  await session.release();
}
