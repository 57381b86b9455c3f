/**
 * The seed CNN's kernels one by one through a backend (batch 64 training shapes): best wall time
 * and best CPU time per call, so single-kernel costs can be read on a busy machine.
 *
 *   node dist/bench/wasm-kernels.js [--backend=wasm] [--threads=1] [--filter=Pool]
 */
import { engine } from '../src/backend/engine.js';
import type { Conv2DAttrs, Pool2DAttrs } from '../src/backend/kernels.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { tensor } from '../src/ops/create.js';
import { withScope } from '../src/tensor/scope.js';
import type { Tensor } from '../src/tensor/tensor.js';

const arg = (k: string, d: string) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
registerWasmBackend({ threads: Number(arg('threads', '1')) });
engine.setBackend(arg('backend', 'wasm'));
const filter = arg('filter', '');

const rand = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5), shape);
};

function time(name: string, run: () => Tensor): void {
  if (!name.includes(filter)) return;
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < 15; r++) {
    withScope(() => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      run();
      wall = Math.min(wall, performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
    });
  }
  console.log(`${name.padEnd(40)} wall ${wall.toFixed(3).padStart(8)} ms   cpu ${cpu.toFixed(3).padStart(8)} ms`);
}

const B = Number(arg('batch', '64'));
const conv = (pad = 0): Conv2DAttrs => ({ strides: [1, 1], pad: [pad, pad, pad, pad], dilations: [1, 1], groups: 1 });
const pool: Pool2DAttrs = { mode: 'max', poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] };
const layers = [
  { name: 'conv1', H: 28, C: 1, K: 32 },
  { name: 'conv2', H: 13, C: 32, K: 64 },
  { name: 'conv3', H: 5, C: 64, K: 64 },
];
for (const L of layers) {
  const O = L.H - 2;
  const x = rand([B, L.H, L.H, L.C]), w = rand([3, 3, L.C, L.K]), b = rand([L.K]), dy = rand([B, O, O, L.K]);
  time(`${L.name} Conv2D fwd +bias+relu`, () => engine.runKernel('Conv2D', { x, filter: w, bias: b }, { ...conv(), activation: 'relu' }));
  if (L.C > 1) time(`${L.name} Conv2DBackpropInput`, () => engine.runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...conv(), inputShape: [B, L.H, L.H, L.C] }));
  time(`${L.name} Conv2DBackpropFilter`, () => engine.runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv(), filterShape: [3, 3, L.C, L.K] }));
  time(`${L.name} UnaryGrad relu`, () => engine.runKernel('UnaryGrad', { x: dy, dy }, { op: 'relu', alpha: 0 }));
  time(`${L.name} Reduce sum [0,1,2]`, () => engine.runKernel('Reduce', { x: dy }, { op: 'sum', axes: [0, 1, 2], keepDims: false }));
  if (L.name !== 'conv3') {
    const p = rand([B, Math.floor(O / 2), Math.floor(O / 2), L.K]);
    time(`${L.name} Pool2D max 2x2`, () => engine.runKernel('Pool2D', { x: dy }, pool));
    time(`${L.name} Pool2DGrad max 2x2`, () => engine.runKernel('Pool2DGrad', { x: dy, dy: p }, pool));
  }
}
const x4 = rand([B, 576]), w4 = rand([576, 64]), b4 = rand([64]), d4 = rand([B, 64]);
time('dense1 MatMul fwd', () => engine.runKernel('MatMul', { a: x4, b: w4, bias: b4 }, { transposeA: false, transposeB: false, activation: 'relu' }));
time('dense1 MatMul dW', () => engine.runKernel('MatMul', { a: x4, b: d4, bias: undefined }, { transposeA: true, transposeB: false, activation: 'linear' }));
time('dense1 MatMul dX', () => engine.runKernel('MatMul', { a: d4, b: w4, bias: undefined }, { transposeA: false, transposeB: true, activation: 'linear' }));
const v = rand([576, 64]), s = tensor([0.9]);
time('Binary mul scalar 36864', () => engine.runKernel('Binary', { a: v, b: s }, { op: 'mul' }));
time('Binary add same 36864', () => engine.runKernel('Binary', { a: v, b: v }, { op: 'add' }));
time('Unary sqrt 36864', () => engine.runKernel('Unary', { x: v }, { op: 'sqrt', alpha: 0 }));
