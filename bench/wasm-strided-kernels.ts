/**
 * resnet8's strided convs (batch 64) through engine.runKernel: the 3x3 stride-2 convs
 * (32x32x16 -> 16x16x32 and 16x16x32 -> 8x8x64, padding 1: Winograd F(4x4, 2x2) on the input's
 * phases, wasm/assembly/winograd42*.ts) and the 1x1 stride-2 shortcuts, forward, input gradient and
 * filter gradient. Per kernel: best wall time of --reps calls on 1 and 2 threads, and the least
 * process CPU time of a 1-thread call (robust to a loaded machine, where wall times are not).
 * GF/s = direct-conv flops (2 x taps x C x output elements) / time. Outputs are released after
 * each call, as in a training step.
 *
 *   npm run build && node dist/bench/wasm-strided-kernels.js [--reps=40]
 */
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs, KernelId } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 40);
registerWasmBackend({ name: 's2-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 's2-2t', threads: 2, priority: 0 });

const rng = new Random(7);
const randn = (shape: number[]): Tensor => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);

/** Best wall ms and least CPU ms of `reps` calls of one kernel, releasing its output after each. */
function best(backend: string, id: KernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): { wall: number; cpu: number } {
  engine.setBackend(backend);
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    engine.runKernel(id, inputs as never, attrs as KernelAttrs<typeof id>)[Symbol.dispose]();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

const N = 64;
const LAYERS = [
  { name: '3x3/2 32x32x16->32', H: 32, C: 16, K: 32, k: 3 }, { name: '3x3/2 16x16x32->64', H: 16, C: 32, K: 64, k: 3 },
  { name: '1x1/2 32x32x16->32', H: 32, C: 16, K: 32, k: 1 }, { name: '1x1/2 16x16x32->64', H: 16, C: 32, K: 64, k: 1 },
];
const gfs = (flops: number, ms: number): string => (flops / ms / 1e6).toFixed(1).padStart(5);

for (const L of LAYERS) {
  const OH = L.H / 2, pad = L.k === 3 ? 1 : 0;
  const flops = 2 * N * OH * OH * L.K * L.k * L.k * L.C;
  const conv = { strides: [2, 2], pad: [pad, pad, pad, pad], dilations: [1, 1], groups: 1 };
  const x = randn([N, L.H, L.H, L.C]), w = randn([L.k, L.k, L.C, L.K]), b = randn([L.K]), dy = randn([N, OH, OH, L.K]);
  const kernels: [string, KernelId, Record<string, Tensor | undefined>, unknown][] = [
    ['forward', 'Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'linear' }],
    ['input grad', 'Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: [N, L.H, L.H, L.C] }],
    ['filter grad', 'Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [L.k, L.k, L.C, L.K] }],
  ];
  console.log(`${L.name} (batch ${N}, ${(flops / 1e6).toFixed(1)} MFLOP each)`);
  for (const [what, id, inputs, attrs] of kernels) {
    const one = best('s2-1t', id, inputs, attrs), two = best('s2-2t', id, inputs, attrs);
    console.log(`  ${what.padEnd(12)} 1T ${one.wall.toFixed(3).padStart(7)} ms ${gfs(flops, one.wall)} GF/s (cpu ${one.cpu.toFixed(2)} ms) | 2T ${two.wall.toFixed(3).padStart(7)} ms ${gfs(flops, two.wall)} GF/s`);
  }
}
process.exit(0);
