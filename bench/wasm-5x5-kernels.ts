/**
 * LeNet-5's convolutions (5x5) and the seed CNN's inference convs through the backend's kernel path
 * (engine.runKernel / runKernelOutputs, output allocation and readback included): best wall and
 * best CPU time of --reps calls, and effective GF/s (direct-conv flops / wall time):
 * - batch 256 (inference): Conv2DPool and Conv2D of LeNet's conv1 (1 -> 20) and conv2 (20 -> 20),
 *   the seed CNN's conv1 (1 -> 32, 3x3) and conv2 (32 -> 64, 3x3);
 * - batch 64 (training): LeNet's conv2 forward, input gradient, filter gradient; conv1 forward and
 *   filter gradient.
 *
 *   npm run build && node dist/bench/wasm-5x5-kernels.js [--threads=1] [--reps=15] [--filter=lenet]
 */
import { engine } from '../src/backend/engine.js';
import type { Conv2DAttrs, Pool2DAttrs } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { tensor } from '../src/ops/create.js';
import { withScope } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
registerWasmBackend({ threads: Number(arg('threads', '1')) });
engine.setBackend('wasm');
const reps = Number(arg('reps', '15'));
const filter = arg('filter', '');

const rand = (shape: number[]): Tensor => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 12.9898) * 0.5), shape);
const conv: Conv2DAttrs = { strides: [1, 1], pad: [0, 0, 0, 0], dilations: [1, 1], groups: 1 };
const pool: Pool2DAttrs = { mode: 'max', poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] };

function time(name: string, flops: number, run: () => Tensor): void {
  if (!name.includes(filter)) return;
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    withScope(() => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      run().dataSync();
      wall = Math.min(wall, performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
    });
  }
  console.log(`${name.padEnd(34)} wall ${wall.toFixed(3).padStart(7)} ms  cpu ${cpu.toFixed(3).padStart(7)} ms  ${(flops / wall / 1e6).toFixed(1).padStart(6)} GF/s`);
}

interface Layer { name: string; B: number; H: number; C: number; K: number; k: number }
const geometry = (l: Layer) => {
  const O = l.H - l.k + 1;
  return { O, flops: 2 * l.B * O * O * l.K * l.k * l.k * l.C, x: rand([l.B, l.H, l.H, l.C]), w: rand([l.k, l.k, l.C, l.K]), b: rand([l.K]) };
};

const INFERENCE: Layer[] = [
  { name: 'lenet conv1', B: 256, H: 28, C: 1, K: 20, k: 5 }, { name: 'lenet conv2', B: 256, H: 12, C: 20, K: 20, k: 5 },
  { name: 'seed conv1', B: 256, H: 28, C: 1, K: 32, k: 3 }, { name: 'seed conv2', B: 256, H: 13, C: 32, K: 64, k: 3 },
];
for (const l of INFERENCE) {
  const { flops, x, w, b } = geometry(l);
  time(`${l.name} b${l.B} Conv2DPool`, flops, () => engine.runKernelOutputs('Conv2DPool', { x, filter: w, bias: b }, { ...conv, activation: 'relu', pool })[1]!);
  time(`${l.name} b${l.B} Conv2D`, flops, () => engine.runKernel('Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'relu' }));
}

const TRAINING: Layer[] = [{ name: 'lenet conv2', B: 64, H: 12, C: 20, K: 20, k: 5 }, { name: 'lenet conv1', B: 64, H: 28, C: 1, K: 20, k: 5 }];
for (const l of TRAINING) {
  const { O, flops, x, w, b } = geometry(l);
  const dy = rand([l.B, O, O, l.K]);
  time(`${l.name} b${l.B} forward`, flops, () => engine.runKernel('Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'relu' }));
  if (l.C > 1) time(`${l.name} b${l.B} input grad`, flops, () => engine.runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: [l.B, l.H, l.H, l.C] }));
  time(`${l.name} b${l.B} filter grad`, flops, () => engine.runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [l.k, l.k, l.C, l.K] }));
}
