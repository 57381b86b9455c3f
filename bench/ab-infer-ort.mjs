// Zoo models' inference against ONNX Runtime by CPU time, robust to a busy machine: two checkouts'
// `dist` (BASE and this branch) and ONNX Runtime (the model exported by the branch's exportOnnx,
// the session options of `fovea bench`) run IMAGES images in batches of 256, interleaved in one
// process, THREADS threads each (default 1); least process CPU time and least wall time of REPS
// runs per round, ROUNDS rounds. Models: mnist-cnn, lenet5 (28x28x1), resnet8, cifar-vgg (32x32x3).
//
//   BASE=/path/to/main [BR=this checkout] [THREADS=1] [REPS=5] [ROUNDS=3] [MODELS=mnist-cnn,lenet5]
//   [IMAGES=2048] node bench/ab-infer-ort.mjs
import { checkouts, openSide } from './ab-sides.mjs';
const reps = Number(process.env.REPS ?? 5), rounds = Number(process.env.ROUNDS ?? 3), threads = Number(process.env.THREADS ?? 1);
const modelNames = (process.env.MODELS ?? 'mnist-cnn,lenet5').split(',');
const IMAGES = Number(process.env.IMAGES ?? 2048), BATCH = 256;
const [base, branch] = checkouts();
const ort = await import(`${branch}/node_modules/onnxruntime-node/dist/index.js`);
/** Each model's builder (module path under dist/src, export name) and its image shape. */
const MODELS = {
  'mnist-cnn': ['models/mnist-cnn.js', 'mnistCnn', [28, 28, 1]],
  lenet5: ['zoo/lenet5-keras.js', 'lenet5Keras', [28, 28, 1]],
  resnet8: ['zoo/index.js', 'resnet8', [32, 32, 3]],
  'cifar-vgg': ['zoo/index.js', 'cifarVgg', [32, 32, 3]],
};
async function side(root, name) {
  const S = await openSide(root, name, { threads });
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  const { exportOnnx } = await import(`${root}/dist/src/io/onnx/onnx-export.js`);
  const models = {};
  for (const m of modelNames) {
    const [path, builder, shape] = MODELS[m] ?? (() => { throw new Error(`MODELS: unknown ${m}; one of ${Object.keys(MODELS).join(', ')}`); })();
    models[m] = (await import(`${root}/dist/src/${path}`))[builder]({ seed: 1 });
    models[m].build?.([null, ...shape]); // Sequential builds from its input shape; a functional Model is built
  }
  return { ...S, withScope, exportOnnx, models };
}
const A = await side(base, 'ort-ab-main'), B = await side(branch, 'ort-ab-branch');
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
  const shape = MODELS[model][2], pixelsPerImage = shape.reduce((p, q) => p * q, 1);
  const pixels = Float32Array.from({ length: IMAGES * pixelsPerImage }, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32);
  const fovea = (S) => {
    const m = S.models[model];
    S.use();
    const x = S.ops.tensor(pixels, [IMAGES, ...shape]);
    return () => { S.use(); S.withScope(() => m.predict(x, { batchSize: BATCH }).dataSync()); };
  };
  const session = await ort.InferenceSession.create(await B.exportOnnx(B.models[model]), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const input = session.inputNames[0];
  const batches = Array.from({ length: IMAGES / BATCH }, (_, i) => new ort.Tensor('float32', pixels.subarray(i * BATCH * pixelsPerImage, (i + 1) * BATCH * pixelsPerImage), [BATCH, ...shape]));
  const runs = { main: timed(fovea(A)), branch: timed(fovea(B)), ort: timed(async () => { for (const b of batches) await session.run({ [input]: b }); }) };
  const best = {};
  for (let round = 0; round < rounds; round++) for (const [k, f] of Object.entries(runs)) best[k] = await f();
  const f = (k) => `${k} cpu ${best[k].cpu.toFixed(1)} ms wall ${best[k].wall.toFixed(1)} ms`;
  const ratio = (k, by) => (best.ort[by] / best[k][by]).toFixed(3);
  console.log(`${model} (${IMAGES} images, ${threads} thread${threads > 1 ? 's' : ''}): ${f('main')} | ${f('branch')} | ${f('ort')} | Fovea/ORT by cpu: main ${ratio('main', 'cpu')}, branch ${ratio('branch', 'cpu')}; by wall: main ${ratio('main', 'wall')}, branch ${ratio('branch', 'wall')}`);
  await session.release();
}
