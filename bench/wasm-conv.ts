/**
 * Conv forward kernels of the WebAssembly backend on the Keras MNIST CNN shapes: im2col + GEMM vs
 * implicit-im2col GEMM vs Winograd F(2x2,3x3), 1 and 2 threads, bias + relu fused.
 * GF/s are "effective": direct-conv flops (2 * N*OH*OW * K * KH*KW*C) over time.
 *
 *   node wasm/build.mjs && npx tsc -p . && node dist/bench/wasm-conv.js [--batch=64]
 */
import { nodePlatform } from '../src/node/wasm/platform.js';
import { WasmThreadPool } from '../src/backend/wasm/pool.js';
import { F_BIAS, F_RELU } from '../src/backend/wasm/generated/codes.js';
import { BumpHeap, loadBenchKernels, maxRelErr, rng, timeIt } from './wasm-common.js';

type Fn = (...a: number[]) => void;
const args = process.argv.slice(2);
const batch = Number(args.find((a) => a.startsWith('--batch='))?.slice(8) ?? 64);
const THREADS = 2, MR = 4, CHUNK = 96;

const { module, memory, wasm, variant } = loadBenchKernels();
const heap = new BumpHeap(memory);
const pool = WasmThreadPool.create(nodePlatform, module, memory, THREADS,
  ['sgemmU', 'im2col', 'convImplicit', 'winoForward', 'wino4Forward', 'conv1Direct', 'nop']);
await pool.ready();
const fn = (name: string) => wasm[name] as Fn;
const sgemmU = fn('sgemmU'), im2col = fn('im2col'), convImplicit = fn('convImplicit');
const conv1Direct = fn('conv1Direct'), packB = fn('packB'), winoFilter = fn('winoFilter'), winoForward = fn('winoForward');
const winoFilterBytes = wasm['winoFilterBytes'] as (c: number, k: number) => number;
const winoWs = wasm['winoWorkspaceBytes'] as (c: number, k: number, chunk: number) => number;
const wino4Filter = fn('wino4Filter'), wino4Forward = fn('wino4Forward');
const wino4FilterBytes = wasm['wino4FilterBytes'] as (c: number, k: number) => number;
const wino4Ws = wasm['wino4WorkspaceBytes'] as (c: number, k: number, chunk: number) => number;
const CHUNK4 = Number(args.find((a) => a.startsWith('--chunk4='))?.slice(9) ?? 48);
const r = rng(3);
console.log(`variant: ${variant}, batch ${batch}, mr ${MR}, wino chunk ${CHUNK}, wino4 chunk ${CHUNK4}`);

function refConv(x: Float32Array, N: number, H: number, W: number, C: number, w: Float32Array, K: number, bias: Float32Array): Float64Array {
  const OH = H - 2, OW = W - 2;
  const y = new Float64Array(N * OH * OW * K);
  for (let n = 0; n < N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const o = ((n * OH + oy) * OW + ox) * K;
    for (let k = 0; k < K; k++) y[o + k] = bias[k]!;
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let c = 0; c < C; c++) {
      const xv = x[((n * H + oy + kh) * W + ox + kw) * C + c]!;
      const wo = ((kh * 3 + kw) * C + c) * K;
      for (let k = 0; k < K; k++) y[o + k] += xv * w[wo + k]!;
    }
    for (let k = 0; k < K; k++) y[o + k] = Math.max(0, y[o + k]!);
  }
  return y;
}

const layers = [
  { name: 'conv1', H: 28, W: 28, C: 1, K: 32 },
  { name: 'conv2', H: 13, W: 13, C: 32, K: 64 },
  { name: 'conv3', H: 5, W: 5, C: 64, K: 64 },
];
for (const L of layers) {
  const N = batch, OH = L.H - 2, OW = L.W - 2, P = N * OH * OW, KK = 9 * L.C;
  const flops = 2 * P * L.K * KK;
  const x = heap.random(N * L.H * L.W * L.C, r), w = heap.random(KK * L.K, r), bias = heap.random(L.K, r);
  const y = heap.alloc(P * L.K * 4);
  const cols = heap.alloc(P * KK * 4);
  const bp = heap.alloc(KK * Math.ceil(L.K / 8) * 8 * 4);
  const wsB = Math.max(wasm.gemmWorkspaceBytes(), winoWs(L.C, L.K, CHUNK), wino4Ws(L.C, L.K, CHUNK4));
  const ws = [heap.alloc(wsB), heap.alloc(wsB)];
  const U = heap.alloc(winoFilterBytes(L.C, L.K));
  const U4 = heap.alloc(wino4FilterBytes(L.C, L.K)), tmp4 = heap.alloc((wasm.wino4FilterTmpBytes as () => number)());
  const want = refConv(heap.f32(x, N * L.H * L.W * L.C), N, L.H, L.W, L.C, heap.f32(w, KK * L.K), L.K, heap.f32(bias, L.K));
  const flags = F_BIAS | F_RELU;
  const split = (total: number, align: number) => {
    const per = Math.ceil(total / THREADS / align) * align;
    return Array.from({ length: THREADS }, (_, t) => [Math.min(total, t * per), Math.max(0, Math.min(total, (t + 1) * per) - Math.min(total, t * per))] as const);
  };
  const parts = split(P, MR);
  const imgParts = split(N, 1);
  const impl: Record<string, { one: () => void; two: () => void } | undefined> = {
    'im2col+gemm': {
      one: () => {
        im2col(x, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, 0, P, cols);
        sgemmU(MR, P, L.K, KK, cols, KK, 0, w, L.K, 0, y, L.K, flags, bias, ws[0]!);
      },
      two: () => {
        pool.run('im2col', parts.map(([p0, n]) => [x, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, p0, n, cols + p0 * KK * 4]), im2col);
        pool.run('sgemmU', parts.map(([p0, n], t) => [MR, n, L.K, KK, cols + p0 * KK * 4, KK, 0, w, L.K, 0, y + p0 * L.K * 4, L.K, flags, bias, ws[t]!]), sgemmU);
      },
    },
    'implicit gemm': {
      one: () => {
        packB(L.K, KK, w, L.K, 0, bp);
        convImplicit(MR, x, L.H, L.W, L.C, 3, 3, 1, 1, OH, OW, 0, P, bp, L.K, bias, y, flags, ws[0]!);
      },
      two: () => {
        packB(L.K, KK, w, L.K, 0, bp);
        pool.run('convImplicit', parts.map(([p0, n], t) => [MR, x, L.H, L.W, L.C, 3, 3, 1, 1, OH, OW, p0, n, bp, L.K, bias, y, flags, ws[t]!]), convImplicit);
      },
    },
    'direct (C=1)': L.C === 1 ? {
      one: () => conv1Direct(x, L.H, L.W, 3, 3, w, L.K, bias, y, flags, 0, N * OH),
      two: () => pool.run('conv1Direct', imgParts.map(([n0, n]) => [x, L.H, L.W, 3, 3, w, L.K, bias, y, flags, n0 * OH, n * OH]), conv1Direct),
    } : undefined,
    'winograd F(2,3)': L.C % 4 === 0 && L.K % 8 === 0 ? {
      one: () => {
        winoFilter(w, L.C, L.K, U);
        winoForward(MR, x, L.H, L.W, L.C, U, L.K, bias, y, flags, 0, N, CHUNK, ws[0]!);
      },
      two: () => {
        winoFilter(w, L.C, L.K, U);
        pool.run('winoForward', imgParts.map(([n0, n], t) => [MR, x, L.H, L.W, L.C, U, L.K, bias, y, flags, n0, n0 + n, CHUNK, ws[t]!]), winoForward);
      },
    } : undefined,
    'winograd F(4,3)': L.C % 4 === 0 && L.K % 8 === 0 ? {
      one: () => {
        wino4Filter(w, L.C, L.K, U4, tmp4, 0, L.C);
        wino4Forward(x, L.H, L.W, L.C, U4, L.K, bias, y, flags, 0, N, CHUNK4, ws[0]!);
      },
      two: () => {
        wino4Filter(w, L.C, L.K, U4, tmp4, 0, L.C);
        pool.run('wino4Forward', imgParts.map(([n0, n], t) => [x, L.H, L.W, L.C, U4, L.K, bias, y, flags, n0, n0 + n, CHUNK4, ws[t]!]), wino4Forward);
      },
    } : undefined,
  };
  console.log(`\n${L.name}: ${N}x${L.H}x${L.W}x${L.C} -> ${OH}x${OW}x${L.K}  (${(flops / 1e6).toFixed(1)} MFLOP direct)`);
  for (const [name, v] of Object.entries(impl)) {
    if (!v) continue;
    const errs: string[] = [];
    for (const run of [v.one, v.two]) {
      heap.f32(y, P * L.K).fill(NaN);
      run();
      const e = maxRelErr(heap.f32(y, P * L.K), want);
      errs.push(e < 1e-5 ? `err ${e.toExponential(1)}` : `ERR ${e}`);
    }
    const t1 = timeIt(v.one), t2 = timeIt(v.two);
    console.log(`  ${name.padEnd(16)} 1T ${(t1.wall * 1e6).toFixed(0).padStart(7)} us (cpu ${(t1.cpu * 1e6).toFixed(0).padStart(7)}) ${(flops / t1.cpu / 1e9).toFixed(1).padStart(5)} GF/s(cpu)` +
      ` | 2T ${(t2.wall * 1e6).toFixed(0).padStart(7)} us ${(flops / t2.wall / 1e9).toFixed(1).padStart(5)} GF/s  x${(t1.wall / t2.wall).toFixed(2)} ${errs.join(' ')}`);
  }
}
pool.close();
