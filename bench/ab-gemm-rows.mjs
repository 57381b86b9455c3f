// Isolated A/B of the packed GEMM (sgemmUPacked, and sgemmU for the transposed pointwise filter
// gradients) between two built checkouts, on the zoo's GEMM shapes (bench/gemm-calls.mjs), one
// thread: each checkout's shipped kernel module (relaxed SIMD) in its own memory, the same seeded
// operands in both, calls alternating A/B with the first side swapped every round; least process
// CPU per call of ROUNDS rounds. Also checks that the two sides' outputs are bit-identical.
//
//   BASE=/path/to/main [BR=this checkout] [ROUNDS=9] node bench/ab-gemm-rows.mjs
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { checkouts } from './ab-sides.mjs';

// As the library's Node platform prepares V8 (src/node/wasm/platform.ts).
setFlagsFromString('--experimental-wasm-relaxed-simd');
setFlagsFromString('--no-liftoff');

const rounds = Number(process.env.ROUNDS ?? 9);
const F_BIAS = 2, F_RELU = 4; // generated/codes.ts
// [label, fn, M, N, K, ta, flags]
const SHAPES = [
  ['mob pw1 fwd', 'sgemmUPacked', 16384, 64, 32, 0, 0],
  ['mob pw2 fwd', 'sgemmUPacked', 4096, 128, 64, 0, 0],
  ['mob pw3 fwd', 'sgemmUPacked', 4096, 128, 128, 0, 0],
  ['mob pw4 fwd', 'sgemmUPacked', 1024, 256, 128, 0, 0],
  ['mob pw4 dx', 'sgemmUPacked', 1024, 128, 256, 0, 0],
  ['mob pw3 dx', 'sgemmUPacked', 4096, 128, 128, 0, 0],
  ['mob pw2 dx', 'sgemmUPacked', 4096, 64, 128, 0, 0],
  ['mob pw1 dx', 'sgemmUPacked', 16384, 32, 64, 0, 0],
  ['mob pw4 dW', 'sgemmU', 128, 256, 1024, 1, 0],
  ['mob pw3 dW', 'sgemmU', 128, 128, 4096, 1, 0],
  ['mob pw2 dW', 'sgemmU', 64, 128, 4096, 1, 0],
  ['mob pw1 dW', 'sgemmU', 32, 64, 16384, 1, 0],
  ['(pw3 dW, B packed)', 'sgemmUPacked', 128, 128, 4096, 1, 0],
  ['(pw1 dW, B packed)', 'sgemmUPacked', 32, 64, 16384, 1, 0],
  ['res 1x1/2 dx 32', 'sgemmUPacked', 4096, 32, 64, 0, 0],
  ['res 1x1/2 dx 16', 'sgemmUPacked', 16384, 16, 32, 0, 0],
  ['mnist dense1 fwd', 'sgemmUPacked', 64, 64, 576, 0, F_BIAS | F_RELU],
  ['mnist dense1 dx', 'sgemmUPacked', 64, 576, 64, 0, 0],
  ['mnist dense1 dW', 'sgemmUPacked', 576, 64, 64, 1, 0],
  ['lenet dense1 fwd', 'sgemmUPacked', 64, 500, 320, 0, F_BIAS | F_RELU],
  ['lenet dense1 dx', 'sgemmUPacked', 64, 320, 500, 0, 0],
  ['lenet dense1 dW', 'sgemmUPacked', 320, 500, 64, 1, 0],
];

function openSide(root) {
  const module = new WebAssembly.Module(readFileSync(`${root}/wasm/build/fovea-relaxed.wasm`));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 32768, shared: true });
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  let top = 1024;
  const alloc = (bytes) => {
    const p = (top + 63) & ~63;
    top = p + bytes;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return p;
  };
  return { ex, memory, alloc, mark: () => top, reset: (t) => { top = t; } };
}

function setUp(S, [, fn, M, N, K, ta, flags]) {
  const t0 = S.mark();
  const ws = S.alloc(S.ex.gemmWorkspaceBytes());
  const lda = ta ? M : K, ldb = N;
  const a = S.alloc(M * K * 4), b = S.alloc(K * N * 4), c = S.alloc(M * N * 4), bias = S.alloc(N * 4);
  let seed = 12345;
  const fill = (p, n) => { const v = new Float32Array(S.memory.buffer, p, n); for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) >>> 0; v[i] = seed / 2 ** 31 - 1; } };
  fill(a, M * K); fill(b, K * N); fill(bias, N);
  let run;
  if (fn === 'sgemmUPacked') {
    const bp = S.alloc(K * Math.ceil(N / 8) * 8 * 4);
    S.ex.packBAll(N, K, b, ldb, 0, bp);
    run = () => S.ex.sgemmUPacked(4, M, N, K, a, lda, ta, bp, c, N, flags, bias, ws);
  } else {
    run = () => S.ex.sgemmU(4, M, N, K, a, lda, ta, b, ldb, 0, c, N, flags, bias, ws);
  }
  return { run, out: () => new Float32Array(S.memory.buffer, c, M * N).slice(), done: () => S.reset(t0) };
}

const cpuMs = (run, reps) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) run();
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / 1000 / reps;
};

const [base, branch] = checkouts();
const A = openSide(base), B = openSide(branch);
let sumA = 0, sumB = 0;
console.log(`rounds ${rounds}, 1 thread, least CPU ms per call; main = ${base}`);
for (const shape of SHAPES) {
  const [label, , M, N, K] = shape;
  const a = setUp(A, shape), b = setUp(B, shape);
  a.run(); b.run();
  const outB = b.out();
  const same = a.out().every((v, i) => Object.is(v, outB[i])) ? 'same bits' : 'BITS DIFFER';
  const reps = Math.max(1, Math.round(2e8 / (2 * M * N * K)));
  let ta = Infinity, tb = Infinity;
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) { ta = Math.min(ta, cpuMs(a.run, reps)); tb = Math.min(tb, cpuMs(b.run, reps)); }
    else { tb = Math.min(tb, cpuMs(b.run, reps)); ta = Math.min(ta, cpuMs(a.run, reps)); }
  }
  sumA += ta; sumB += tb;
  const gf = (t) => (2 * M * N * K / t / 1e6).toFixed(1);
  console.log(`${label.padEnd(18)} ${`${M}x${N}x${K}`.padEnd(15)} main ${ta.toFixed(3)} ms (${gf(ta)} GF/s)  branch ${tb.toFixed(3)} ms (${gf(tb)} GF/s)  ${(ta / tb).toFixed(3)}x  ${same}`);
  a.done(); b.done();
}
console.log(`sum main ${sumA.toFixed(2)} ms, branch ${sumB.toFixed(2)} ms, ${(sumA / sumB).toFixed(3)}x`);
