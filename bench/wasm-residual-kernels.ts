/**
 * A residual block's join (Add of the shortcut, then ReLU) fused against unfused, at resnet8's
 * shapes, through engine.runKernel on one wasm thread (--threads=N for more), interleaved in one process (the fused and
 * unfused sequences alternate, `--rounds` times), each the least process CPU time of `--reps` runs
 * (process.cpuUsage: robust to other processes on a shared machine). Outputs are released after
 * each run, as a step's are.
 * - training forward: BatchNormTraining(linear), Binary add, Unary relu vs BatchNormTraining(residual, relu);
 * - training backward: UnaryGrad relu, BatchNormTrainingGrad vs BatchNormTrainingGrad(through relu, residual output);
 * - inference (batch 256): Conv2D(linear), Binary add, Unary relu vs Conv2D(residual, relu).
 *
 *   npm run build && node dist/bench/wasm-residual-kernels.js [--reps=15] [--rounds=3] [--threads=1]
 */
import { engine } from '../src/backend/engine.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

const argOf = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const reps = argOf('reps', 15), rounds = argOf('rounds', 3), threads = argOf('threads', 1);
registerWasmBackend({ name: 'res-bench', threads, priority: 0 });
engine.setBackend('res-bench');

const rng = new Random(7);
const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

/** Least ms of `reps` runs of `run` (which returns what to release): process CPU on one thread, wall time on more. */
function bestMs(run: () => Tensor[]): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const [c0, t0] = [process.cpuUsage(), performance.now()];
    const outs = run();
    const [c, t] = [process.cpuUsage(c0), performance.now() - t0];
    best = Math.min(best, threads === 1 ? (c.user + c.system) / 1000 : t);
    for (const o of outs) o.release();
  }
  return best;
}

function pair(what: string, unfused: () => Tensor[], fused: () => Tensor[]): void {
  const a: number[] = [], b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(bestMs(unfused));
    b.push(bestMs(fused));
  }
  const f = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' / ');
  console.log(`  ${what.padEnd(36)} unfused ${f(a)} ms | fused ${f(b)} ms`);
}

const eps = { epsilon: 1e-3 };
console.log(`resnet8 residual joins, ${threads} thread(s), least ${threads === 1 ? 'CPU' : 'wall'} ms of ${reps} runs, ${rounds} interleaved rounds`);
for (const shape of [[64, 32, 32, 16], [64, 16, 16, 32], [64, 8, 8, 64]]) {
  const C = shape[3]!;
  const x = randn(shape), r = randn(shape), dy = randn(shape), gamma = randn([C]), beta = randn([C]);
  const [y, mean, variance] = engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta, residual: r }, { ...eps, activation: 'relu' });
  pair(`BN -> add -> relu ${shape.join('x')}`, () => {
    const [bn, m, v] = engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta }, eps);
    const s = engine.runKernel('Binary', { a: bn!, b: r }, { op: 'add' });
    return [bn!, m!, v!, s, engine.runKernel('Unary', { x: s }, { op: 'relu', alpha: 0 })];
  }, () => engine.runKernelOutputs('BatchNormTraining', { x, gamma, beta, residual: r }, { ...eps, activation: 'relu' }));
  pair(`its gradient ${shape.join('x')}`, () => {
    const g = engine.runKernel('UnaryGrad', { x: y!, dy }, { op: 'relu', alpha: 0 });
    return [g, ...engine.runKernelOutputs('BatchNormTrainingGrad', { dy: g, x, mean: mean!, variance: variance!, gamma }, eps)];
  }, () => engine.runKernelOutputs('BatchNormTrainingGrad', { dy, x, mean: mean!, variance: variance!, gamma, y: y! }, { ...eps, activation: 'relu', residual: true }));
}
for (const [H, C] of [[32, 16], [16, 32], [8, 64]] as const) {
  const x = randn([256, H, H, C]), filter = randn([3, 3, C, C]), bias = randn([C]), r = randn([256, H, H, C]);
  const attrs = { strides: [1, 1] as [number, number], pad: [1, 1, 1, 1] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };
  pair(`conv -> add -> relu 256x${H}x${H}x${C}`, () => {
    const z = engine.runKernel('Conv2D', { x, filter, bias }, { ...attrs, activation: 'linear' });
    const s = engine.runKernel('Binary', { a: z, b: r }, { op: 'add' });
    return [z, s, engine.runKernel('Unary', { x: s }, { op: 'relu', alpha: 0 })];
  }, () => [engine.runKernel('Conv2D', { x, filter, bias, residual: r }, { ...attrs, activation: 'relu' })]);
}
