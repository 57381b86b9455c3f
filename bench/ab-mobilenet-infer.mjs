// A/B of mobilenet-mini's inference between two built checkouts, interleaved in one process: both
// `dist`s imported side by side (separate engines and wasm instances), calls alternating, THREADS
// threads (default 1), least process CPU time of REPS runs per round, ROUNDS rounds, batch 256:
// the Keras-style model's predict, the nn model's eval forward (NCHW), and its depthwise convs
// alone on a small hot batch (16 images, 200 calls: the JavaScript per call is in these figures);
// and ONNX Runtime on the branch's exportOnnx of the Keras model (the session options of `fovea
// bench`), whose least CPU time the two predictions are divided into.
//
//   BASE=/path/to/other/checkout [BR=this checkout] [REPS=5] [ROUNDS=3] [THREADS=1] node bench/ab-mobilenet-infer.mjs
const reps = Number(process.env.REPS ?? 5), rounds = Number(process.env.ROUNDS ?? 3), threads = Number(process.env.THREADS ?? 1);
const base = process.env.BASE ?? (() => { throw new Error('set BASE: the other checkout'); })();
const br = process.env.BR ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
let seed = 1;
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff - 0.5; };
const data = (n) => Float32Array.from({ length: n }, rnd);
const images = data(256 * 32 * 32 * 3);
const DW = [[16, 32, 1], [16, 64, 2], [8, 128, 1], [8, 128, 2]].map(([H, C, s]) => ({ H, C, s, x: data(16 * H * H * C), w: data(9 * C), b: data(C) }));

async function side(root, name) {
  const { engine } = await import(`${root}/dist/src/backend/engine.js`);
  const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
  const ops = await import(`${root}/dist/src/ops/index.js`);
  const { noGrad } = await import(`${root}/dist/src/autograd/grad-mode.js`);
  const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
  const { mobilenetMini, mobilenetMiniNn } = await import(`${root}/dist/src/zoo/mobilenet-mini.js`);
  registerWasmBackend({ name, threads, priority: 0 });
  engine.setBackend(name);
  const keras = mobilenetMini({ seed: 1 });
  const net = mobilenetMiniNn({ seed: 1 });
  net.eval();
  const x = ops.tensor(images, [256, 32, 32, 3]);
  const xc = ops.transpose(x, [0, 3, 1, 2]);
  const runs = {
    'Keras predict(256)': () => keras.predict(x, { batchSize: 256 }).dataSync(),
    'nn forward(256), eval': () => noGrad(() => net.forward(xc).dataSync()),
  };
  for (const d of DW) {
    const t = ops.tensor(d.x, [16, d.H, d.H, d.C]), w = ops.tensor(d.w, [3, 3, 1, d.C]), b = ops.tensor(d.b, [d.C]);
    const o = { groups: d.C, strides: d.s, padding: [1, 1, 1, 1], bias: b, activation: 'relu6' };
    runs[`depthwise ${d.H}x${d.H}x${d.C} s${d.s} (16 images x 200)`] = () => noGrad(() => { for (let i = 0; i < 200; i++) ops.conv2d(t, w, o); });
  }
  return { engine, withScope, name, runs, keras, ops };
}
const A = await side(base, 'ab-mb-base'), B = await side(br, 'ab-mb-branch');
const ort = await import(`${br}/node_modules/onnxruntime-node/dist/index.js`);
const { exportOnnx } = await import(`${br}/dist/src/io/onnx/onnx-export.js`);
const session = await ort.InferenceSession.create(await exportOnnx(B.keras), { intraOpNumThreads: threads, interOpNumThreads: 1 });
const feed = { [session.inputNames[0]]: new ort.Tensor('float32', images, [256, 32, 32, 3]) };
let ortBest = Infinity;
async function ortRound() {
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    await session.run(feed);
    const c = process.cpuUsage(c0);
    ortBest = Math.min(ortBest, (c.user + c.system) / 1000);
  }
}
for (const key of Object.keys(A.runs)) {
  const best = { A: Infinity, B: Infinity };
  for (let round = 0; round < rounds; round++) {
    if (key.includes('predict')) await ortRound();
    for (const [k, S] of [['A', A], ['B', B]]) {
      S.engine.setBackend(S.name);
      for (let r = 0; r < reps; r++) {
        const c0 = process.cpuUsage();
        S.withScope(S.runs[key]);
        const c = process.cpuUsage(c0);
        best[k] = Math.min(best[k], (c.user + c.system) / 1000);
      }
    }
  }
  const toOrt = key.includes('(256)') ? ` | ONNX Runtime ${ortBest.toFixed(2)} ms, Fovea/ORT base ${(ortBest / best.A).toFixed(2)}, branch ${(ortBest / best.B).toFixed(2)}` : '';
  console.log(`${key.padEnd(42)} base ${best.A.toFixed(2)} ms | branch ${best.B.toFixed(2)} ms | ${(best.A / best.B).toFixed(2)}x${toOrt}`);
}
await session.release();
