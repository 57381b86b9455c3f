/**
 * BatchNormalization's and global average pooling's kernels at the zoo's shapes (batch 64) through
 * engine.runKernel, 1 and 2 threads, best of --reps calls. Each output is released before the next
 * call, as a training step's are, so the heap reuses its memory: timing fresh outputs instead
 * measures page faults (3.6 ms for a 64x32x32x32 Unary relu that takes 0.4 ms in a training step).
 * GB/s = bytes the passes must move / time:
 * - BatchNormTraining: x read twice, y written (3 x size); with relu the same;
 * - BatchNormTrainingGrad: dy and x read twice, dx written (5 x size); through relu y is read
 *   twice more (7 x size);
 * - GAP forward (Reduce over H, W) reads x; its gradient (Binary add, [N,1,1,C] against
 *   [N,H,W,C]) writes the full size and reads zeros of that size.
 *
 *   npm run build && node dist/bench/wasm-bn-kernels.js [--reps=40]
 */
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs, KernelId, MultiOutputKernelId } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 40);
registerWasmBackend({ name: 'bn-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'bn-2t', threads: 2, priority: 0 });

const rng = new Random(7);
const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
const MULTI: readonly KernelId[] = ['BatchNormTraining', 'BatchNormTrainingGrad'] satisfies readonly MultiOutputKernelId[];

/** Best ms of `reps` calls of one kernel, releasing its outputs after each. */
function bestMs(backend: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): number {
  engine.setBackend(backend);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const outs = MULTI.includes(id) ? engine.runKernelOutputs(id as MultiOutputKernelId, inputs as never, attrs as never) : [engine.runKernel(id, inputs as never, attrs as KernelAttrs<typeof id>)];
    best = Math.min(best, performance.now() - t0);
    for (const o of outs) o.release();
  }
  engine.setBackend('ref');
  return best;
}

function report(what: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown, bytes: number): void {
  const [t1, t2] = ['bn-1t', 'bn-2t'].map((b) => bestMs(b, id, inputs, attrs)) as [number, number];
  const gbs = (t: number) => (bytes / t / 1e6).toFixed(1).padStart(5);
  console.log(`  ${what.padEnd(22)} 1T ${t1.toFixed(3).padStart(7)} ms ${gbs(t1)} GB/s | 2T ${t2.toFixed(3).padStart(7)} ms ${gbs(t2)} GB/s`);
}

/** cifar-vgg's and resnet8's BN inputs. */
for (const shape of [[64, 32, 32, 32], [64, 32, 32, 16], [64, 16, 16, 64], [64, 8, 8, 128], [64, 16, 16, 32]]) {
  const C = shape[3]!;
  const size = shape.reduce((p, q) => p * q, 1) * 4;
  const x = randn(shape), dy = randn(shape), gamma = randn([C]), beta = randn([C]);
  const [y, mean, variance] = engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3, activation: 'relu' as const });
  console.log(`BN ${shape.join('x')} (${(size / 1e6).toFixed(1)} MB)`);
  report('forward', 'BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3 }, 3 * size);
  report('forward + relu', 'BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3, activation: 'relu' as const }, 3 * size);
  report('gradient', 'BatchNormTrainingGrad', { dy, x, mean, variance, gamma }, { epsilon: 1e-3 }, 5 * size);
  report('gradient through relu', 'BatchNormTrainingGrad', { dy, x, mean, variance, gamma, y }, { epsilon: 1e-3 }, 7 * size);
  report('forward + relu6', 'BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3, activation: 'relu6' as const }, 3 * size);
  report('gradient through relu6', 'BatchNormTrainingGrad', { dy, x, mean, variance, gamma, y }, { epsilon: 1e-3, activation: 'relu6' as const }, 7 * size);
}

for (const shape of [[64, 8, 8, 128], [64, 8, 8, 64]]) {
  const size = shape.reduce((p, q) => p * q, 1) * 4;
  const x = randn(shape), g = randn([shape[0]!, 1, 1, shape[3]!]);
  console.log(`GAP ${shape.join('x')} (${(size / 1e6).toFixed(1)} MB)`);
  report('forward (Reduce 1,2)', 'Reduce', { x }, { op: 'sum', axes: [1, 2], keepDims: false }, size);
  report('gradient (Binary add)', 'Binary', { a: g, b: x }, { op: 'add' }, 2 * size);
}
process.exit(0);
