// Generates wasm/assembly/microkernels.ts: register-tiled MR x 8 SGEMM micro-kernels.
// Called by build.mjs before compiling (also runnable alone: `node wasm/gen-microkernels.mjs`).
// The output is kept in the tree so the kernels can be read and reviewed.
//
// Packed operands: A panel is [kc][MR] (MR rows interleaved per k), B panel is [kc][8].
// Each kernel keeps MR*2 v128 accumulators in locals, broadcasts one A value per row per k
// (v128.load32_splat) and multiplies it with the two B vectors of that k.
// Epilogue flags (assembly/codes.ts): F_ACC C += acc (else C = acc), F_BIAS add bias[8], F_RELU relu,
// F_RELU6 (with F_RELU) then min(., 6).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MRS = [4, 5, 6];
/**
 * k-steps per loop iteration, by MR. The 4x8 kernels run one k per iteration: in V8 (Node 20, this
 * AMD EPYC) that loop reached 53-55 GF/s per thread in sgemmUPacked (pointwise shapes, K = 32-128)
 * where the same kernel unrolled twice ran 30-36 and 5x8 unrolled twice (the former GEMM_MR) 33-38;
 * 5x8 and 6x8 unrolled once or four times measured no better (branch mb-infer, DESIGN.md).
 */
const UNROLL = { 4: 1, 5: 2, 6: 2 };

// Variants: 'P' packed A panel [kc][MR]; 'I' indirect A: `rows` points at MR row addresses
// (u32 byte offsets, + koff), each row holding kc contiguous values; 'T' transposed A: MR contiguous
// values per k at a + k * lda (bytes); 'C' conv (implicit im2col): like 'I', but the K range is
// nseg segments of kcs values, segment s of row r starting at rows[r] + s * segStride; 'X' gathered
// transposed A: the mr values of step k are contiguous at tbl[k] + off (tbl: u32 addresses).
function kernel(mr, mode) {
  const unroll = UNROLL[mr];
  const L = [];
  const accs = [];
  for (let i = 0; i < mr; i++) accs.push(`c${i}0`, `c${i}1`);
  const name = `mk${mode === 'P' ? '' : mode}${mr}x8`;
  const aParams = mode === 'P' ? 'kc: i32, a: usize' : mode === 'I' ? 'kc: i32, rows: usize, koff: usize'
    : mode === 'C' ? 'nseg: i32, kc: i32, rows: usize, segStride: usize'
    : mode === 'X' ? 'kc: i32, tbl: usize, off: usize' : 'kc: i32, a: usize, lda: usize';
  const what = { P: 'packed', I: 'indirect rows', T: 'transposed', C: 'implicit conv rows', X: 'gathered transposed' }[mode];
  L.push(`/** ${mr}x8 tile, A ${what}: C[${mr}x8] (row stride ldc bytes) (+)= A * B[K x 8]. */`);
  L.push(`export function ${name}(${aParams}, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {`);
  L.push(`  let ${accs.map((n) => `${n} = f32x4.splat(0)`).join(', ')};`);
  L.push(`  let b0: v128, b1: v128, av: v128;`);
  if (mode === 'I') {
    for (let i = 0; i < mr; i++) L.push(`  let a${i} = load<u32>(rows, ${4 * i}) + koff;`);
  }
  if (mode === 'X') L.push(`  let a: usize = 0;`);
  if (mode === 'C') {
    for (let i = 0; i < mr; i++) L.push(`  let r${i}: usize = load<u32>(rows, ${4 * i});`);
    L.push(`  for (let s = 0; s < nseg; s++) {`);
    L.push(`  ${Array.from({ length: mr }, (_, i) => `let a${i} = r${i};`).join(' ')}`);
  }
  const step = (u, bOff) => {
    L.push(`    b0 = v128.load(b, ${bOff}); b1 = v128.load(b, ${bOff + 16});`);
    if (mode === 'X') L.push(`    a = <usize>load<u32>(tbl, ${u * 4}) + off;`);
    for (let i = 0; i < mr; i++) {
      const ld = mode === 'P' ? `v128.load32_splat(a, ${u * mr * 4 + 4 * i})`
        : mode === 'I' || mode === 'C' ? `v128.load32_splat(a${i}, ${u * 4})`
        : `v128.load32_splat(a, ${4 * i})`; // 'T' and 'X'
      L.push(`    av = ${ld}; c${i}0 = fma(av, b0, c${i}0); c${i}1 = fma(av, b1, c${i}1);`);
    }
    if (mode === 'T') L.push(`    a += lda;`);
  };
  const adv = (n) => {
    if (mode === 'P') L.push(`    a += ${n * mr * 4}; b += ${n * 32};`);
    else if (mode === 'I' || mode === 'C') L.push(`    ${Array.from({ length: mr }, (_, i) => `a${i} += ${4 * n};`).join(' ')} b += ${n * 32};`);
    else if (mode === 'X') L.push(`    tbl += ${n * 4}; b += ${n * 32};`);
    else L.push(`    b += ${n * 32};`);
  };
  L.push(`  let k = 0;`);
  if (unroll > 1) {
    L.push(`  for (; k + ${unroll} <= kc; k += ${unroll}) {`);
    for (let u = 0; u < unroll; u++) step(u, u * 32);
    adv(unroll);
    L.push(`  }`);
  }
  L.push(`  for (; k < kc; k++) {`);
  step(0, 0);
  adv(1);
  L.push(`  }`);
  if (mode === 'C') {
    L.push(`  ${Array.from({ length: mr }, (_, i) => `r${i} += segStride;`).join(' ')}`);
    L.push(`  }`);
  }
  L.push(`  if (flags & F_BIAS) {`);
  L.push(`    const q0 = v128.load(bias), q1 = v128.load(bias, 16);`);
  for (let i = 0; i < mr; i++) L.push(`    c${i}0 = f32x4.add(c${i}0, q0); c${i}1 = f32x4.add(c${i}1, q1);`);
  L.push(`  }`);
  L.push(`  let p = c;`);
  L.push(`  if (flags & F_ACC) {`);
  for (let i = 0; i < mr; i++) {
    L.push(`    c${i}0 = f32x4.add(c${i}0, v128.load(p)); c${i}1 = f32x4.add(c${i}1, v128.load(p, 16));${i < mr - 1 ? ' p += ldc;' : ''}`);
  }
  L.push(`    p = c;`);
  L.push(`  }`);
  L.push(`  if (flags & F_RELU) {`);
  for (let i = 0; i < mr; i++) L.push(`    c${i}0 = relu4(c${i}0); c${i}1 = relu4(c${i}1);`);
  L.push(`  }`);
  L.push(`  if (flags & F_RELU6) {`);
  for (let i = 0; i < mr; i++) L.push(`    c${i}0 = cap6(c${i}0); c${i}1 = cap6(c${i}1);`);
  L.push(`  }`);
  for (let i = 0; i < mr; i++) {
    L.push(`  v128.store(p, c${i}0); v128.store(p, c${i}1, 16);${i < mr - 1 ? ' p += ldc;' : ''}`);
  }
  L.push(`}`);
  return L.join('\n');
}

/** Writes wasm/assembly/microkernels.ts; returns its path. */
export function generate() {
  const out = [
    '// GENERATED by wasm/gen-microkernels.mjs -- do not edit by hand.',
    "import { F_ACC, F_BIAS, F_RELU, F_RELU6 } from './codes';",
    "import { cap6, fma, relu4 } from './simd';",
    '',
    ...MRS.flatMap((mr) => ['P', 'I', 'T', 'C', 'X'].map((m) => kernel(mr, m))).flatMap((s) => [s, '']),
  ].join('\n');
  const target = fileURLToPath(new URL('./assembly/microkernels.ts', import.meta.url));
  writeFileSync(target, out);
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) generate();
