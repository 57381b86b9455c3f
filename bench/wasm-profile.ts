/**
 * Per-kernel profile of seed-CNN training steps (batch 64, RMSprop) on a backend: ms per step by
 * kernel id, and the time outside kernels (engine, autograd, optimizer bookkeeping in JS).
 *
 *   node dist/bench/wasm-profile.js [--backend=wasm] [--steps=20] [--threads=2] [--shapes] [--model=NAME] [--api=nn]
 *
 * --model profiles a zoo model of `fovea bench` instead (MNIST for lenet5, seeded synthetic 32x32x3
 * data for the 32x32 models, with the model's own optimizer); --api=nn its nn version.
 *
 * --infer profiles inference instead: predict at batch 256 (what `fovea bench` times against ONNX
 * Runtime), on the seed CNN or any --model (MNIST test images or seeded synthetic data).
 *
 * --shapes splits each kernel id by its inputs' shapes and attributes (the kernel table is wrapped,
 * so the times include only the kernel itself, not the engine's bookkeeping), and prints the
 * effective GF/s of conv and MatMul calls (direct-algorithm operations / time).
 */
// As the Node entry does: unreachable tensors are reclaimed without waiting for the event loop,
// so a PyTorch-style loop (which never yields here) runs as it does in a user's program.
import '../src/node/install-collector.js';
import { engine } from '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import { toCategorical } from '../src/data/to-categorical.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { tensor } from '../src/ops/create.js';
import type { TensorInfo } from '../src/backend/kernels.js';
import { BENCH_MODELS, type BenchModelName, benchProgram } from '../src/cli/bench-models.js';
import { Random } from '../src/tensor/random.js';
import { withScope } from '../src/tensor/scope.js';

type KernelOutputInfo = TensorInfo | TensorInfo[];

/**
 * Floating-point operations of a conv or MatMul call as the direct algorithm counts them (2 per
 * multiply-add, whatever algorithm the kernel runs: Winograd's GF/s can pass the FMA roof), else 0.
 * Filters are HWIO with I = inChannels / groups, so N OH OW O KH KW I multiply-adds each way.
 */
function directFlops(id: string, inputs: Record<string, unknown>, attrs: Record<string, unknown>, out: KernelOutputInfo): number {
  const info = (name: string) => inputs[name] as TensorInfo;
  const first = Array.isArray(out) ? out[0]! : out;
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  switch (id) {
    case 'Conv2D':
    case 'Conv2DPool': {
      // The conv's own output (Conv2DPool may return only the pooled map).
      const [n, h, w] = info('x').shape as number[];
      const [kh, kw, i, o] = info('filter').shape as number[];
      const [st, pad, dil] = [attrs['strides'] as number[], attrs['pad'] as number[], attrs['dilations'] as number[]];
      const oh = Math.floor((h! + pad[0]! + pad[1]! - dil[0]! * (kh! - 1) - 1) / st[0]!) + 1;
      const ow = Math.floor((w! + pad[2]! + pad[3]! - dil[1]! * (kw! - 1) - 1) / st[1]!) + 1;
      return 2 * n! * oh * ow * o! * kh! * kw! * i!;
    }
    case 'Conv2DBackpropInput': {
      const [kh, kw, i] = info('filter').shape as number[];
      return 2 * size(info('dy').shape) * kh! * kw! * i!;
    }
    case 'Conv2DBackpropFilter': {
      const [kh, kw, i] = attrs['filterShape'] as number[];
      return 2 * size(info('dy').shape) * kh! * kw! * i!;
    }
    case 'MatMul': {
      const a = info('a').shape;
      const inner = attrs['transposeA'] === true ? a[a.length - 2]! : a[a.length - 1]!;
      return 2 * size(first.shape) * inner;
    }
    default:
      return 0;
  }
}

/**
 * Times every kernel of the active backend under a key naming its input shapes and attributes,
 * with the direct algorithm's operations of the call (for GF/s).
 */
function wrapKernels(record: (key: string, ms: number, flops: number) => void): void {
  const table = engine.backend.kernels as unknown as Record<string, (inputs: Record<string, unknown>, attrs: Record<string, unknown>) => KernelOutputInfo>;
  for (const [id, fn] of Object.entries(table)) {
    table[id] = (inputs, attrs) => {
      const shapes = Object.values(inputs).filter((v): v is TensorInfo => v !== undefined && !Array.isArray(v)).map((t) => t.shape.join('x'));
      const a = Object.entries(attrs ?? {}).filter(([k]) => ['op', 'mode', 'axes', 'activation', 'strides', 'groups'].includes(k)).map(([k, v]) => (k === 'strides' ? `s${String(v).split(',')[0]}` : k === 'groups' ? (v === 1 ? '' : `g${String(v)}`) : String(v))).filter((v) => v !== '');
      const t = performance.now();
      const out = fn(inputs, attrs);
      record(`${id}(${[...shapes, ...a].join(' ')})`, performance.now() - t, directFlops(id, inputs, attrs ?? {}, out));
      return out;
    };
  }
}

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const backend = arg('backend', 'wasm');
const steps = Number(arg('steps', '20'));
registerWasmBackend({ threads: Number(arg('threads', '2')) });
engine.setBackend(backend);

const infer = process.argv.includes('--infer');
const B = infer ? 256 : 64;
const zoo = arg('model', '');
/** The step to profile: the seed CNN on MNIST (default), or a zoo model on synthetic 32x32x3 data. */
function profiledStep(): { step: (s: number) => void } {
  if (infer) return inferenceStep();
  const data = loadMnist({ limitTrain: 2048, limitTest: 16 });
  const batches = Array.from({ length: 16 }, (_, i) => {
    const x = tensor(data.trainImages.dataSync().subarray(i * B * 784, (i + 1) * B * 784), [B, 28, 28, 1]);
    return [x, toCategorical(data.trainLabels.dataSync().subarray(i * B, (i + 1) * B), 10)] as const;
  });
  if (zoo !== '' && zoo !== 'mnist-cnn') {
    const model = BENCH_MODELS[zoo as BenchModelName];
    if (model === undefined) throw new Error(`wasm-profile: unknown --model '${zoo}'`);
    const { program } = benchProgram(model, arg('api', '') === 'nn' ? 'nn' : model.kerasApi, 1);
    // MNIST models (lenet5) train on MNIST, the others on seeded synthetic 32x32x3 data.
    if (model.data === 'mnist') {
      const prepared = batches.map(([x, y]) => program.prepare(x, y));
      return { step: (s) => program.trainStep(...prepared[s % 16]!) };
    }
    const rng = new Random(3);
    const x = tensor(Float32Array.from({ length: B * 32 * 32 * 3 }, () => rng.uniform()), [B, 32, 32, 3]);
    const batch = program.prepare(x, toCategorical(Int32Array.from({ length: B }, (_, i) => i % 10), 10));
    return { step: () => program.trainStep(...batch) };
  }
  const model = mnistCnn({ seed: 1 });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return { step: (s) => void model.trainOnBatch(...batches[s % 16]!) };
}
function syntheticImages(n: number): Float32Array {
  const rng = new Random(3);
  return Float32Array.from({ length: n }, () => rng.uniform());
}

/** One batch-256 prediction of the model (Keras-style build unless --api=nn). */
function inferenceStep(): { step: (s: number) => void } {
  const model = BENCH_MODELS[(zoo === '' ? 'mnist-cnn' : zoo) as BenchModelName];
  if (model === undefined) throw new Error(`wasm-profile: unknown --model '${zoo}'`);
  const { program } = benchProgram(model, arg('api', '') === 'nn' ? 'nn' : model.kerasApi, 1);
  const [h, w, c] = model.sampleShape;
  const pixels = B * h * w * c;
  const images = model.data === 'mnist' ? loadMnist({ limitTrain: 16, limitTest: B }).testImages.dataSync().subarray(0, pixels) : syntheticImages(pixels);
  const x = tensor(images, [B, h, w, c]);
  // Each prediction in a step scope: the loop never yields, so nothing else reclaims its tensors.
  return { step: () => void withScope(() => program.predict(x, B).dataSync()) };
}
const { step } = profiledStep();
for (let s = 0; s < 5; s++) step(s);

const ms = new Map<string, number>();
const calls = new Map<string, number>();
const flops = new Map<string, number>();
const record = (id: string, t: number, ops = 0): void => {
  ms.set(id, (ms.get(id) ?? 0) + t);
  calls.set(id, (calls.get(id) ?? 0) + 1);
  flops.set(id, (flops.get(id) ?? 0) + ops);
};
if (process.argv.includes('--shapes')) wrapKernels(record);
else engine.observer = record;
let best = Infinity;
const stepMs: number[] = [];
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let s = 0; s < steps; s++) {
  const t = performance.now();
  step(s);
  best = Math.min(best, performance.now() - t);
  stepMs.push(performance.now() - t);
}
const wall = (performance.now() - t0) / steps;
const median = [...stepMs].sort((a, b) => a - b)[stepMs.length >> 1]!;
const cpu = process.cpuUsage(c0);
engine.observer = null;
const inKernels = [...ms.values()].reduce((a, b) => a + b, 0) / steps;
console.log(`${backend}: ${wall.toFixed(2)} ms/step mean (median ${median.toFixed(2)}, best ${best.toFixed(2)}), cpu ${((cpu.user + cpu.system) / 1e3 / steps).toFixed(2)} ms/step, ${(B / wall * 1000).toFixed(0)} samples/s`);
console.log(`kernels ${inKernels.toFixed(2)} ms/step, outside kernels ${(wall - inKernels).toFixed(2)} ms/step`);
const stats = (engine.backend as { context?: { stats?: Record<string, number> } }).context?.stats;
if (stats) console.log(`threads: ${JSON.stringify(stats)} (whole run, warm-up included)`);
const waited = (engine.backend as { context?: { waitedByExport?: Map<string, number> } }).context?.waitedByExport;
if (waited) {
  const top = [...waited].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`main thread waiting for workers, ms/step: ${top.map(([n, ms]) => `${n} ${(ms / (steps + 5)).toFixed(3)}`).join(', ')}`);
}
for (const [id, t] of [...ms.entries()].sort((a, b) => b[1] - a[1])) {
  const ops = flops.get(id) ?? 0;
  // Direct-algorithm GF/s (--shapes): against the 128-bit roof of DESIGN.md's table.
  const gflops = ops > 0 ? `  ${(ops / t / 1e6).toFixed(1).padStart(6)} GF/s` : '';
  console.log(`  ${id.padEnd(process.argv.includes('--shapes') ? 60 : 22)} ${(t / steps).toFixed(3).padStart(8)} ms  ${((calls.get(id) ?? 0) / steps).toFixed(1).padStart(5)} calls/step${gflops}`);
}
