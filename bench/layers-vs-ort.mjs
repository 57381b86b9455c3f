// A zoo model's inference layer by layer against ONNX Runtime (issue 13): one checkout's prediction
// of BATCH seeded images (its kernels wrapped: process CPU and wall per call) alternating with an
// ONNX Runtime session on the same exported model, the session options of `fovea bench` plus
// `enableProfiling` (ORT's trace gives each node's duration). ROUNDS rounds; the least per layer.
// The i-th conv of Fovea is matched with ORT's i-th Conv node (ORT fuses BN, Add and ReLU into its
// NCHWc Conv as Fovea's plan does); the rest (transposes, pooling, dense) is summed as "other".
// GF/s counts 2 N Ho Wo K C kh kw per conv. With THREADS=2 compare walls: CPU counts both threads;
// a loaded machine makes Fovea's context run single-threaded for a while (its switches are printed).
//
//   [ROOT=checkout] [MODEL=resnet8] [THREADS=1] [ROUNDS=10] [BATCH=256] node bench/layers-vs-ort.mjs
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
const root = process.env.ROOT ?? new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const modelName = process.env.MODEL ?? 'resnet8', threads = Number(process.env.THREADS ?? 1);
const rounds = Number(process.env.ROUNDS ?? 10), batch = Number(process.env.BATCH ?? 256);
const ort = await import(`${root}/node_modules/onnxruntime-node/dist/index.js`);
const { engine } = await import(`${root}/dist/src/backend/engine.js`);
const { registerWasmBackend } = await import(`${root}/dist/src/node/wasm/register.js`);
const { tensor } = await import(`${root}/dist/src/ops/create.js`);
const { benchModelsByName } = await import(`${root}/dist/src/cli/bench-models.js`);
const { withScope } = await import(`${root}/dist/src/tensor/scope.js`);
const { exportOnnx } = await import(`${root}/dist/src/io/onnx/onnx-export.js`);
registerWasmBackend({ name: 'layers', threads, priority: 0 });
engine.setBackend('layers');
const [spec] = benchModelsByName(modelName);
const model = spec.keras(1);
model.build?.([null, ...spec.sampleShape]);
const pixels = Float32Array.from({ length: batch * spec.sampleShape.reduce((p, q) => p * q, 1) }, (_, i) => ((i * 2654435761) >>> 0) / 2 ** 32);
const x = tensor(pixels, [batch, ...spec.sampleShape]);

/** Fovea: per call (in order) the least CPU and wall ms, and each Conv2D's flops. */
const fovea = { calls: [], n: 0 };
const table = engine.backend.kernels;
for (const [id, fn] of Object.entries(table)) {
  table[id] = (inputs, attrs) => {
    const c0 = process.cpuUsage(), t0 = performance.now();
    const out = fn(inputs, attrs);
    const wall = performance.now() - t0, c = process.cpuUsage(c0), cpu = (c.user + c.system) / 1000;
    const i = fovea.n++;
    const call = fovea.calls[i] ??= { id, cpu: Infinity, wall: Infinity, flops: convFlops(id, inputs, attrs) };
    call.cpu = Math.min(call.cpu, cpu); call.wall = Math.min(call.wall, wall);
    return out;
  };
}
function convFlops(id, inputs, attrs) {
  if (!id.startsWith('Conv2D') || inputs.filter === undefined) return 0;
  const [n, h, w] = inputs.x.shape, [kh, kw, c, k] = inputs.filter.shape, [sh, sw] = attrs.strides, [pt, pb, pl, pr] = attrs.pad;
  const ho = Math.floor((h + pt + pb - kh) / sh) + 1, wo = Math.floor((w + pl + pr - kw) / sw) + 1;
  return 2 * n * ho * wo * k * c * kh * kw;
}
let foveaTotal = Infinity;
function predictFovea() {
  engine.setBackend('layers'); fovea.n = 0;
  const t0 = performance.now();
  withScope(() => model.predict(x, { batchSize: batch }).dataSync());
  foveaTotal = Math.min(foveaTotal, performance.now() - t0);
}

/** ORT: per node (in order) the least duration in ms, from one profiled session's trace. */
const prefix = `/tmp/layers-vs-ort-${process.pid}`;
const session = await ort.InferenceSession.create(await exportOnnx(model), { intraOpNumThreads: threads, interOpNumThreads: 1, enableProfiling: true, profileFilePrefix: prefix });
const input = new ort.Tensor('float32', pixels, [batch, ...spec.sampleShape]);
let ortTotal = Infinity;
async function runOrt() {
  const t0 = performance.now();
  await session.run({ [session.inputNames[0]]: input });
  ortTotal = Math.min(ortTotal, performance.now() - t0);
}
for (let r = 0; r < 3; r++) { predictFovea(); await runOrt(); }
fovea.calls = []; foveaTotal = Infinity; ortTotal = Infinity;
const solo0 = engine.backend.context.stats.soloSwitches;
for (let r = 0; r < rounds; r++) { predictFovea(); await runOrt(); }
const soloSwitches = engine.backend.context.stats.soloSwitches - solo0;
session.endProfiling(); // onnxruntime-node writes `${prefix}_<date>.json` and returns nothing
const traceFile = readdirSync(dirname(prefix)).map((f) => join(dirname(prefix), f)).find((f) => f.startsWith(prefix));
const nodes = JSON.parse(readFileSync(traceFile, 'utf8')).filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
rmSync(traceFile);
/** Per node of one run (in order): its op and least duration (ms) over the timed runs (after the 3 warm-ups). */
const perRun = nodes.length / (rounds + 3);
const ortRuns = Array.from({ length: perRun }, (_, i) => ({
  op: nodes[i].args.op_name,
  ms: Math.min(...nodes.filter((_, j) => j % perRun === i && j >= 3 * perRun).map((e) => e.dur / 1000)),
}));

const convs = fovea.calls.filter((c) => c.flops > 0), ortConvs = ortRuns.filter((o) => o.op === 'Conv');
const sum = (a, f) => a.reduce((s, v) => s + f(v), 0);
console.log(`${modelName}, batch ${batch}, ${threads} thread(s), least of ${rounds}; load ${(await import('node:os')).loadavg()[0].toFixed(1)}; Fovea's one-thread switches (stalls under load, context.ts): ${soloSwitches}`);
console.log('| layer | Fovea CPU | Fovea wall | ORT | Fovea GF/s (wall) | ORT GF/s | Fovea/ORT (wall) |');
console.log('|---|---|---|---|---|---|---|');
convs.forEach((c, i) => {
  const o = ortConvs[i]?.ms ?? NaN;
  console.log(`| conv ${i + 1} (${(c.flops / 1e9).toFixed(2)} GF) | ${c.cpu.toFixed(2)} | ${c.wall.toFixed(2)} | ${o.toFixed(2)} | ${(c.flops / c.wall / 1e6).toFixed(0)} | ${(c.flops / o / 1e6).toFixed(0)} | ${(c.wall / o).toFixed(2)} |`);
});
const rest = fovea.calls.filter((c) => c.flops === 0), ortRest = ortRuns.filter((o) => o.op !== 'Conv');
console.log(`| other kernels / nodes | ${sum(rest, (c) => c.cpu).toFixed(2)} | ${sum(rest, (c) => c.wall).toFixed(2)} | ${sum(ortRest, (o) => o.ms).toFixed(2)} | | | |`);
console.log(`| kernels / nodes summed | ${sum(fovea.calls, (c) => c.cpu).toFixed(2)} | ${sum(fovea.calls, (c) => c.wall).toFixed(2)} | ${sum(ortRuns, (o) => o.ms).toFixed(2)} | | | |`);
console.log(`| whole batch (wall, least) | | ${foveaTotal.toFixed(2)} | ${ortTotal.toFixed(2)} | | | ${(foveaTotal / ortTotal).toFixed(2)} |`);
