/**
 * Conv backward kernels on the MNIST CNN shapes (batch 64): filter gradient (im2col + GEMM vs
 * implicit) and input gradient (GEMM dy W^T without col2im, vs implicit / Winograd conv of the
 * padded dy with the flipped filter). 1 and 2 threads. GF/s = direct-conv flops / time.
 *
 *   node wasm/build.mjs && npx tsc -p . && node dist/bench/wasm-conv-grad.js
 */
import { nodePlatform } from '../src/node/wasm/platform.js';
import { WasmThreadPool } from '../src/backend/wasm/pool.js';
import { BumpHeap, loadBenchKernels, maxRelErr, rng, timeIt } from './wasm-common.js';

type Fn = (...a: number[]) => void;
const batch = Number(process.argv.find((a) => a.startsWith('--batch='))?.slice(8) ?? 64);
const THREADS = 2, MR = 4, CHUNK = 96;
const { module, memory, wasm, variant } = loadBenchKernels();
const heap = new BumpHeap(memory);
const pool = WasmThreadPool.create(nodePlatform, module, memory, THREADS, ['sgemmU', 'im2col', 'col2im', 'convImplicit', 'winoForward', 'wino4Forward', 'convBackpropFilter', 'wino4BackpropFilter']);
await pool.ready();
const fn = (name: string) => wasm[name] as Fn;
const [sgemmU, im2col, convImplicit, packB, winoFilter, winoForward, convBackpropFilter, padNHWC, flipFilter] =
  ['sgemmU', 'im2col', 'convImplicit', 'packB', 'winoFilter', 'winoForward', 'convBackpropFilter', 'padNHWC', 'flipFilter'].map(fn) as Fn[];
const col2im = fn('col2im'), wino4BackpropFilter = fn('wino4BackpropFilter'), wino4FilterGradFinish = fn('wino4FilterGradFinish4'), wino4Filter = fn('wino4Filter'), wino4Forward = fn('wino4Forward');
const CHUNK4 = 48;
const num = (name: string) => wasm[name] as (...a: number[]) => number;
const r = rng(5);
console.log(`variant: ${variant}, batch ${batch}`);

const report = (name: string, flops: number, one: () => void, two: () => void, check: () => number) => {
  one(); const e1 = check(); two(); const e2 = check();
  const t1 = timeIt(one), t2 = timeIt(two);
  const bad = ` err ${Math.max(e1, e2).toExponential(1)}${Math.max(e1, e2) > 1e-4 ? ' ERR' : ''}`;
  console.log(`  ${name.padEnd(24)} 1T ${(t1.wall * 1e6).toFixed(0).padStart(7)} us (cpu ${(t1.cpu * 1e6).toFixed(0).padStart(7)}) ${(flops / t1.cpu / 1e9).toFixed(1).padStart(5)} GF/s(cpu) | 2T ${(t2.wall * 1e6).toFixed(0).padStart(7)} us ${(flops / t2.wall / 1e9).toFixed(1).padStart(5)} GF/s x${(t1.wall / t2.wall).toFixed(2)}${bad}`);
};

for (const L of [{ name: 'conv2', H: 13, W: 13, C: 32, K: 64 }, { name: 'conv3', H: 5, W: 5, C: 64, K: 64 }]) {
  const N = batch, OH = L.H - 2, OW = L.W - 2, P = N * OH * OW, KK = 9 * L.C;
  const flops = 2 * P * L.K * KK;
  const x = heap.random(N * L.H * L.W * L.C, r), w = heap.random(KK * L.K, r), dy = heap.random(P * L.K, r);
  const cols = heap.alloc(P * KK * 4), dw = heap.alloc(KK * L.K * 4);
  const wsB = Math.max(wasm.gemmWorkspaceBytes(), num('convFilterWorkspaceBytes')(P, L.K), num('winoWorkspaceBytes')(L.K, L.C, CHUNK), num('wino4WorkspaceBytes')(L.K, L.C, CHUNK4), num('wino4FilterGradWorkspaceBytes')(L.C, L.K, CHUNK4) + num('wino4FilterGradPartBytes')(L.C, L.K));
  const partB = num('wino4FilterGradPartBytes')(L.C, L.K);
  const ws = [heap.alloc(wsB), heap.alloc(wsB)];
  console.log(`\n${L.name} backward: x ${N}x${L.H}x${L.W}x${L.C}, dy ${N}x${OH}x${OW}x${L.K}  (${(flops / 1e6).toFixed(1)} MFLOP each)`);

  // Reference dW via im2col + GEMM (validated against sgemm's own tests).
  im2col(x, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, 0, P, cols);
  const colsV = heap.f32(cols, P * KK), dyV = heap.f32(dy, P * L.K);
  const wantDw = new Float64Array(KK * L.K);
  for (let p = 0; p < P; p++) for (let i = 0; i < KK; i++) {
    const a = colsV[p * KK + i]!;
    for (let k = 0; k < L.K; k++) wantDw[i * L.K + k] += a * dyV[p * L.K + k]!;
  }
  const checkDw = () => maxRelErr(heap.f32(dw, KK * L.K), wantDw);
  const half = Math.ceil(KK / 2 / MR) * MR;
  const imgHalf0 = Math.ceil(N / 2);
  report('dW im2col+gemm', flops, () => {
    im2col(x, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, 0, P, cols);
    sgemmU(MR, KK, L.K, P, cols, KK, 1, dy, L.K, 0, dw, L.K, 0, 0, ws[0]!);
  }, () => {
    const per = Math.ceil(P / 2);
    pool.run('im2col', [[x, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, 0, per, cols], [x, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, per, P - per, cols + per * KK * 4]], im2col);
    pool.run('sgemmU', [[MR, half, L.K, P, cols, KK, 1, dy, L.K, 0, dw, L.K, 0, 0, ws[0]!], [MR, KK - half, L.K, P, cols + half * 4, KK, 1, dy, L.K, 0, dw + half * L.K * 4, L.K, 0, 0, ws[1]!]], sgemmU);
  }, checkDw);
  report('dW implicit', flops, () => {
    convBackpropFilter(MR, x, L.H, L.W, L.C, 3, 3, 1, 1, N, OH, OW, dy, L.K, 0, KK, dw, 0, ws[0]!);
  }, () => {
    pool.run('convBackpropFilter', [0, 1].map((t) => [MR, x, L.H, L.W, L.C, 3, 3, 1, 1, N, OH, OW, dy, L.K, t * half, t ? KK - half : half, dw, 0, ws[t]!]), convBackpropFilter);
  }, checkDw);

  const tmpF = heap.alloc(1024);
  report('dW winograd4', flops, () => {
    wino4BackpropFilter(x, L.H, L.W, L.C, 0, 0, dy, OH, OW, L.K, 0, N, CHUNK4, ws[0]!, ws[0]! + partB);
    wino4FilterGradFinish(ws[0]!, 1, 0, L.C, L.K, dw, 0, tmpF, 0, L.C);
  }, () => {
    pool.run('wino4BackpropFilter', [[x, L.H, L.W, L.C, 0, 0, dy, OH, OW, L.K, 0, imgHalf0, CHUNK4, ws[0]!, ws[0]! + partB], [x, L.H, L.W, L.C, 0, 0, dy, OH, OW, L.K, imgHalf0, N, CHUNK4, ws[1]!, ws[1]! + partB]], wino4BackpropFilter);
    wino4FilterGradFinish(ws[0]!, 2, ws[1]! - ws[0]!, L.C, L.K, dw, 0, tmpF, 0, L.C);
  }, checkDw);

  // dX: full conv of dy padded by 2 with the flipped filter [3, 3, K, C].
  const dyp = heap.alloc(N * (OH + 4) * (OW + 4) * L.K * 4), wf = heap.alloc(KK * L.K * 4), bpf = heap.alloc(KK * L.K * 4);
  const U = heap.alloc(num('winoFilterBytes')(L.K, L.C));
  const U4 = heap.alloc(num('wino4FilterBytes')(L.K, L.C)), tmp4 = heap.alloc(num('wino4FilterTmpBytes')());
  const dx = heap.alloc(N * L.H * L.W * L.C * 4);
  const dxcol = heap.alloc(P * KK * 4);
  // Reference dX = col2im(dy W^T)
  const wV = heap.f32(w, KK * L.K);
  const wantDx = new Float64Array(N * L.H * L.W * L.C);
  for (let n = 0; n < N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
    const p = (n * OH + oy) * OW + ox;
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let c = 0; c < L.C; c++) {
      let s = 0;
      const wo = ((kh * 3 + kw) * L.C + c) * L.K;
      for (let k = 0; k < L.K; k++) s += dyV[p * L.K + k]! * wV[wo + k]!;
      wantDx[((n * L.H + oy + kh) * L.W + ox + kw) * L.C + c] += s;
    }
  }
  const checkDx = () => maxRelErr(heap.f32(dx, N * L.H * L.W * L.C), wantDx);
  const imgHalf = Math.ceil(N / 2);
  const PX = N * L.H * L.W, pxHalf = Math.ceil(PX / 2 / MR) * MR;
  report('dXcol gemm (no col2im)', flops, () => {
    sgemmU(MR, P, KK, L.K, dy, L.K, 0, w, L.K, 1, dxcol, KK, 0, 0, ws[0]!);
  }, () => {
    const per = Math.ceil(P / 2 / MR) * MR;
    pool.run('sgemmU', [[MR, per, KK, L.K, dy, L.K, 0, w, L.K, 1, dxcol, KK, 0, 0, ws[0]!], [MR, P - per, KK, L.K, dy + per * L.K * 4, L.K, 0, w, L.K, 1, dxcol + per * KK * 4, KK, 0, 0, ws[1]!]], sgemmU);
  }, () => 0);
  report('dX gemm + col2im', flops, () => {
    sgemmU(MR, P, KK, L.K, dy, L.K, 0, w, L.K, 1, dxcol, KK, 0, 0, ws[0]!);
    col2im(dxcol, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, 0, N, dx);
  }, () => {
    const per = Math.ceil(N / 2) * OH * OW;
    pool.run('sgemmU', [[MR, per, KK, L.K, dy, L.K, 0, w, L.K, 1, dxcol, KK, 0, 0, ws[0]!], [MR, P - per, KK, L.K, dy + per * L.K * 4, L.K, 0, w, L.K, 1, dxcol + per * KK * 4, KK, 0, 0, ws[1]!]], sgemmU);
    pool.run('col2im', [[dxcol, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, 0, imgHalf, dx], [dxcol, L.H, L.W, L.C, 3, 3, 1, 1, 1, 1, 0, 0, OH, OW, imgHalf, N, dx]], col2im);
  }, checkDx);
  report('dX implicit (pad+flip)', flops, () => {
    padNHWC(dy, N, OH, OW, L.K, 2, 2, 2, 2, dyp);
    flipFilter(w, 3, 3, L.C, L.K, wf);
    packB(L.C, 9 * L.K, wf, L.C, 0, bpf);
    convImplicit(MR, dyp, OH + 4, OW + 4, L.K, 3, 3, 1, 1, L.H, L.W, 0, PX, bpf, L.C, 0, dx, 0, ws[0]!);
  }, () => {
    padNHWC(dy, N, OH, OW, L.K, 2, 2, 2, 2, dyp);
    flipFilter(w, 3, 3, L.C, L.K, wf);
    packB(L.C, 9 * L.K, wf, L.C, 0, bpf);
    pool.run('convImplicit', [[MR, dyp, OH + 4, OW + 4, L.K, 3, 3, 1, 1, L.H, L.W, 0, pxHalf, bpf, L.C, 0, dx, 0, ws[0]!],
      [MR, dyp, OH + 4, OW + 4, L.K, 3, 3, 1, 1, L.H, L.W, pxHalf, PX - pxHalf, bpf, L.C, 0, dx, 0, ws[1]!]], convImplicit);
  }, checkDx);
  report('dX winograd (pad+flip)', flops, () => {
    padNHWC(dy, N, OH, OW, L.K, 2, 2, 2, 2, dyp);
    flipFilter(w, 3, 3, L.C, L.K, wf);
    winoFilter(wf, L.K, L.C, U);
    winoForward(MR, dyp, OH + 4, OW + 4, L.K, U, L.C, 0, dx, 0, 0, N, CHUNK, ws[0]!);
  }, () => {
    padNHWC(dy, N, OH, OW, L.K, 2, 2, 2, 2, dyp);
    flipFilter(w, 3, 3, L.C, L.K, wf);
    winoFilter(wf, L.K, L.C, U);
    pool.run('winoForward', [[MR, dyp, OH + 4, OW + 4, L.K, U, L.C, 0, dx, 0, 0, imgHalf, CHUNK, ws[0]!],
      [MR, dyp, OH + 4, OW + 4, L.K, U, L.C, 0, dx, 0, imgHalf, N, CHUNK, ws[1]!]], winoForward);
  }, checkDx);
  report('dX winograd4 (pad+flip)', flops, () => {
    padNHWC(dy, N, OH, OW, L.K, 2, 2, 2, 2, dyp);
    flipFilter(w, 3, 3, L.C, L.K, wf);
    wino4Filter(wf, L.K, L.C, U4, tmp4, 0, L.K);
    wino4Forward(dyp, OH + 4, OW + 4, L.K, 0, 0, L.H, L.W, U4, L.C, 0, dx, 0, 0, N, CHUNK4, ws[0]!, 0, 0, 0);
  }, () => {
    padNHWC(dy, N, OH, OW, L.K, 2, 2, 2, 2, dyp);
    flipFilter(w, 3, 3, L.C, L.K, wf);
    wino4Filter(wf, L.K, L.C, U4, tmp4, 0, L.K);
    pool.run('wino4Forward', [[dyp, OH + 4, OW + 4, L.K, 0, 0, L.H, L.W, U4, L.C, 0, dx, 0, 0, imgHalf, CHUNK4, ws[0]!, 0, 0, 0],
      [dyp, OH + 4, OW + 4, L.K, 0, 0, L.H, L.W, U4, L.C, 0, dx, 0, imgHalf, N, CHUNK4, ws[1]!, 0, 0, 0]], wino4Forward);
  }, checkDx);
}
pool.close();
