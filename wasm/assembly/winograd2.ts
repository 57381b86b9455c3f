// Winograd F(2x2, 3x3) forward for 3x3 stride-1 valid convs: 16 independent [tiles x C] x [C x K]
// GEMMs per chunk of tiles, with bias and relu fused into the output transform. Superseded by
// F(4x4, 3x3) (winograd4.ts); kept for the micro-benchmarks (bench.ts), not in the library's module.
import { f, relu4 } from './simd';
import { kernelI } from './tile-kernels';

// Winograd F(2x2, 3x3)

const HALF: f32 = 0.5;

/** Bytes of U for winoFilter: 16 packed [C x roundUp(K, 8)] panels. */
export function winoFilterBytes(C: i32, K: i32): i32 {
  return 16 * C * ((K + 7) & ~7) * 4;
}

/** U_xi = (G g G^T)_xi for filter g (HWIO 3x3xCxK), stored as packB-style panels [K/8][C][8]. */
export function winoFilter(g: usize, C: i32, K: i32, U: usize): void {
  const Kp = (K + 7) & ~7;
  const xiStride = <usize>C * <usize>Kp;
  memory.fill(U, 0, xiStride * 16 * 4);
  for (let c = 0; c < C; c++) {
    for (let k = 0; k < K; k++) {
      // g[kh, kw] at ((kh*3 + kw)*C + c)*K + k
      const s = <usize>C * <usize>K;
      const base = <usize>c * <usize>K + <usize>k;
      const g00 = load<f32>(f(g, base)), g01 = load<f32>(f(g, base + s)), g02 = load<f32>(f(g, base + 2 * s));
      const g10 = load<f32>(f(g, base + 3 * s)), g11 = load<f32>(f(g, base + 4 * s)), g12 = load<f32>(f(g, base + 5 * s));
      const g20 = load<f32>(f(g, base + 6 * s)), g21 = load<f32>(f(g, base + 7 * s)), g22 = load<f32>(f(g, base + 8 * s));
      // t = G g (4x3)
      const t00 = g00, t01 = g01, t02 = g02;
      const t10 = HALF * (g00 + g10 + g20), t11 = HALF * (g01 + g11 + g21), t12 = HALF * (g02 + g12 + g22);
      const t20 = HALF * (g00 - g10 + g20), t21 = HALF * (g01 - g11 + g21), t22 = HALF * (g02 - g12 + g22);
      const t30 = g20, t31 = g21, t32 = g22;
      const dst = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      const xs = xiStride << 2;
      // u = t G^T (4x4), row i: [t_i0, (t_i0+t_i1+t_i2)/2, (t_i0-t_i1+t_i2)/2, t_i2]
      store<f32>(dst + 0 * xs, t00); store<f32>(dst + 1 * xs, HALF * (t00 + t01 + t02));
      store<f32>(dst + 2 * xs, HALF * (t00 - t01 + t02)); store<f32>(dst + 3 * xs, t02);
      store<f32>(dst + 4 * xs, t10); store<f32>(dst + 5 * xs, HALF * (t10 + t11 + t12));
      store<f32>(dst + 6 * xs, HALF * (t10 - t11 + t12)); store<f32>(dst + 7 * xs, t12);
      store<f32>(dst + 8 * xs, t20); store<f32>(dst + 9 * xs, HALF * (t20 + t21 + t22));
      store<f32>(dst + 10 * xs, HALF * (t20 - t21 + t22)); store<f32>(dst + 11 * xs, t22);
      store<f32>(dst + 12 * xs, t30); store<f32>(dst + 13 * xs, HALF * (t30 + t31 + t32));
      store<f32>(dst + 14 * xs, HALF * (t30 - t31 + t32)); store<f32>(dst + 15 * xs, t32);
    }
  }
}

/** Workspace bytes for winoForward with `chunk` tiles per pass. */
export function winoWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  return 16 * chunk * (C + K) * 4 + 16 * C * 4 + 256;
}

/**
 * Winograd F(2x2,3x3) forward: y = act(conv3x3_valid(x) + bias) for images [n0, n1) of
 * x [N, H, W, C]; y [N, H-2, W-2, K]. Needs C % 4 == 0 and K % 8 == 0. U from winoFilter.
 * Tiles are processed `chunk` at a time (chunk a multiple of mr) so V and M stay in L2.
 */
export function winoForward(
  mr: i32, x: usize, H: i32, W: i32, C: i32, U: usize, K: i32, bias: usize, y: usize, flags: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize,
): void {
  const OH = H - 2, OW = W - 2;
  const TH = (OH + 1) >> 1, TW = (OW + 1) >> 1;
  const tilesPer = TH * TW;
  const Cz = <usize>C;
  const Kz = <usize>K;
  const V = ws; // [16][chunk][C]
  const M = V + ((16 * <usize>chunk * Cz) << 2); // [16][chunk][K]
  const rowt = M + ((16 * <usize>chunk * Kz) << 2);
  const patch = rowt + 64; // [16][C] gathered edge patch
  const vXi = (<usize>chunk * Cz) << 2;
  const mXi = (<usize>chunk * Kz) << 2;
  const uXi = (Cz * Kz) << 2;
  const rowB = (<usize>W * Cz) << 2;
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  const zero = f32x4.splat(0);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + mr - 1) / mr * mr;
    // --- input transform: V[xi][t][c] = (B^T d B)_xi
    for (let t = 0; t < cntPad; t++) {
      let src: usize, rs: usize;
      const vt = V + ((<usize>t * Cz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 16; xi++) memory.fill(vt + <usize>xi * vXi, 0, Cz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const iy = ty * 2, ix = tx * 2;
      if (iy + 4 <= H && ix + 4 <= W) {
        src = f(x, <usize>((n * H + iy) * W + ix) * Cz);
        rs = rowB;
      } else {
        // Edge tile: gather the 4x4 patch with zeros outside the image.
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 4; j++) {
            const d = patch + ((<usize>(i * 4 + j) * Cz) << 2);
            if (iy + i < H && ix + j < W) memory.copy(d, f(x, <usize>((n * H + iy + i) * W + ix + j) * Cz), Cz << 2);
            else memory.fill(d, 0, Cz << 2);
          }
        }
        src = patch;
        rs = (4 * Cz) << 2;
      }
      const cs = Cz << 2;
      for (let c: usize = 0; c < Cz; c += 4) {
        const p0 = src + (c << 2), p1 = p0 + rs, p2 = p1 + rs, p3 = p2 + rs;
        const d00 = v128.load(p0), d01 = v128.load(p0 + cs), d02 = v128.load(p0 + 2 * cs), d03 = v128.load(p0 + 3 * cs);
        const d10 = v128.load(p1), d11 = v128.load(p1 + cs), d12 = v128.load(p1 + 2 * cs), d13 = v128.load(p1 + 3 * cs);
        const d20 = v128.load(p2), d21 = v128.load(p2 + cs), d22 = v128.load(p2 + 2 * cs), d23 = v128.load(p2 + 3 * cs);
        const d30 = v128.load(p3), d31 = v128.load(p3 + cs), d32 = v128.load(p3 + 2 * cs), d33 = v128.load(p3 + 3 * cs);
        // rows: s = B^T d
        const s00 = f32x4.sub(d00, d20), s01 = f32x4.sub(d01, d21), s02 = f32x4.sub(d02, d22), s03 = f32x4.sub(d03, d23);
        const s10 = f32x4.add(d10, d20), s11 = f32x4.add(d11, d21), s12 = f32x4.add(d12, d22), s13 = f32x4.add(d13, d23);
        const s20 = f32x4.sub(d20, d10), s21 = f32x4.sub(d21, d11), s22 = f32x4.sub(d22, d12), s23 = f32x4.sub(d23, d13);
        const s30 = f32x4.sub(d10, d30), s31 = f32x4.sub(d11, d31), s32 = f32x4.sub(d12, d32), s33 = f32x4.sub(d13, d33);
        // columns: V = s B
        const o = vt + (c << 2);
        v128.store(o + 0 * vXi, f32x4.sub(s00, s02)); v128.store(o + 1 * vXi, f32x4.add(s01, s02));
        v128.store(o + 2 * vXi, f32x4.sub(s02, s01)); v128.store(o + 3 * vXi, f32x4.sub(s01, s03));
        v128.store(o + 4 * vXi, f32x4.sub(s10, s12)); v128.store(o + 5 * vXi, f32x4.add(s11, s12));
        v128.store(o + 6 * vXi, f32x4.sub(s12, s11)); v128.store(o + 7 * vXi, f32x4.sub(s11, s13));
        v128.store(o + 8 * vXi, f32x4.sub(s20, s22)); v128.store(o + 9 * vXi, f32x4.add(s21, s22));
        v128.store(o + 10 * vXi, f32x4.sub(s22, s21)); v128.store(o + 11 * vXi, f32x4.sub(s21, s23));
        v128.store(o + 12 * vXi, f32x4.sub(s30, s32)); v128.store(o + 13 * vXi, f32x4.add(s31, s32));
        v128.store(o + 14 * vXi, f32x4.sub(s32, s31)); v128.store(o + 15 * vXi, f32x4.sub(s31, s33));
      }
    }
    // --- 16 GEMMs: M_xi[t, :] = V_xi[t, :] U_xi
    for (let xi = 0; xi < 16; xi++) {
      const vx = V + <usize>xi * vXi, mx = M + <usize>xi * mXi, ux = U + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += mr) {
        for (let r = 0; r < mr; r++) store<u32>(rowt + (<usize>r << 2), <u32>(vx + ((<usize>(t + r) * Cz) << 2)));
        for (let jr = 0; jr < K; jr += 8) {
          kernelI(mr, C, rowt, ux + ((<usize>jr * Cz) << 2), mx + ((<usize>t * Kz + <usize>jr) << 2), Kz << 2, 0, 0);
        }
      }
    }
    // --- output transform: y = A^T m A (+ bias, relu)
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const oy = ty * 2, ox = tx * 2;
      const okR = oy + 1 < OH, okC = ox + 1 < OW;
      const yb = f(y, <usize>((n * OH + oy) * OW + ox) * Kz);
      const yRow = (<usize>OW * Kz) << 2;
      const mt = M + ((<usize>t * Kz) << 2);
      for (let k: usize = 0; k < Kz; k += 4) {
        const q = mt + (k << 2);
        const m00 = v128.load(q), m01 = v128.load(q + mXi), m02 = v128.load(q + 2 * mXi), m03 = v128.load(q + 3 * mXi);
        const m10 = v128.load(q + 4 * mXi), m11 = v128.load(q + 5 * mXi), m12 = v128.load(q + 6 * mXi), m13 = v128.load(q + 7 * mXi);
        const m20 = v128.load(q + 8 * mXi), m21 = v128.load(q + 9 * mXi), m22 = v128.load(q + 10 * mXi), m23 = v128.load(q + 11 * mXi);
        const m30 = v128.load(q + 12 * mXi), m31 = v128.load(q + 13 * mXi), m32 = v128.load(q + 14 * mXi), m33 = v128.load(q + 15 * mXi);
        // rows: a = A^T m (2x4)
        const a00 = f32x4.add(f32x4.add(m00, m10), m20), a01 = f32x4.add(f32x4.add(m01, m11), m21);
        const a02 = f32x4.add(f32x4.add(m02, m12), m22), a03 = f32x4.add(f32x4.add(m03, m13), m23);
        const a10 = f32x4.sub(f32x4.sub(m10, m20), m30), a11 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const a12 = f32x4.sub(f32x4.sub(m12, m22), m32), a13 = f32x4.sub(f32x4.sub(m13, m23), m33);
        let y00 = f32x4.add(f32x4.add(a00, a01), a02), y01 = f32x4.sub(f32x4.sub(a01, a02), a03);
        let y10 = f32x4.add(f32x4.add(a10, a11), a12), y11 = f32x4.sub(f32x4.sub(a11, a12), a13);
        if (hasBias) {
          const bv = v128.load(bias + (k << 2));
          y00 = f32x4.add(y00, bv); y01 = f32x4.add(y01, bv); y10 = f32x4.add(y10, bv); y11 = f32x4.add(y11, bv);
        }
        if (relu) {
          y00 = relu4(y00); y01 = relu4(y01); y10 = relu4(y10); y11 = relu4(y11);
        }
        const o = yb + (k << 2);
        v128.store(o, y00);
        if (okC) v128.store(o + (Kz << 2), y01);
        if (okR) {
          v128.store(o + yRow, y10);
          if (okC) v128.store(o + yRow + (Kz << 2), y11);
        }
      }
    }
  }
}
