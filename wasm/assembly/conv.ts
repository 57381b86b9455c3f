// Convolution kernels for NHWC activations and HWIO filters.
//
// - im2col: general (stride, explicit padding, dilation) patch matrix, for the GEMM fallback.
// - convImplicit: implicit-im2col GEMM for dilation-1 convs over an already padded input. Row r of
//   the virtual patch matrix is KH segments of KW*C contiguous floats (pixel (oy*sy + kh, ox*sx)),
//   so the micro-kernel reads the input in place through a table of pixel addresses.
// - Winograd F(2x2, 3x3) forward for 3x3 stride-1 valid convs: 16 independent [tiles x C] x [C x K]
//   GEMMs per chunk of tiles, with bias and relu fused into the output transform.
import { fma, fms, relu4 } from './simd';
import { mkC4x8, mkC5x8, mkC6x8, mkI4x8, mkI5x8, mkI6x8, mkT4x8, mkT5x8, mkT6x8, mkX4x8, mkX5x8, mkX6x8 } from './microkernels';
import { packB } from './gemm';
import { pool2x2At } from './pool';

/** Float offset -> byte pointer. */
// @ts-ignore: decorator
@inline function f(p: usize, i: usize): usize { return p + (i << 2); }

// @ts-ignore: decorator
@inline function kernelC(mr: i32, nseg: i32, kc: i32, rows: usize, seg: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 4) mkC4x8(nseg, kc, rows, seg, b, c, ldc, flags, bias);
  else if (mr == 5) mkC5x8(nseg, kc, rows, seg, b, c, ldc, flags, bias);
  else mkC6x8(nseg, kc, rows, seg, b, c, ldc, flags, bias);
}

// @ts-ignore: decorator
@inline function kernelI(mr: i32, kc: i32, rows: usize, b: usize, c: usize, ldc: usize, flags: i32, bias: usize): void {
  if (mr == 4) mkI4x8(kc, rows, 0, b, c, ldc, flags, bias);
  else if (mr == 5) mkI5x8(kc, rows, 0, b, c, ldc, flags, bias);
  else mkI6x8(kc, rows, 0, b, c, ldc, flags, bias);
}

/**
 * cols[p, (kh, kw, c)] for output pixels p in [p0, p0 + count) of x [N, H, W, C]; padding
 * [top, left] (bottom/right are implied by OH/OW), zeros outside the input.
 */
export function im2col(
  x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  padT: i32, padL: i32, OH: i32, OW: i32, p0: i32, count: i32, cols: usize,
): void {
  const rowLen = <usize>(KH * KW * C);
  const cB = <usize>C << 2;
  for (let q = 0; q < count; q++) {
    const p = p0 + q;
    const n = p / (OH * OW), rem = p % (OH * OW), oy = rem / OW, ox = rem % OW;
    let dst = f(cols, <usize>q * rowLen);
    for (let kh = 0; kh < KH; kh++) {
      const iy = oy * sy - padT + kh * dy;
      for (let kw = 0; kw < KW; kw++) {
        const ix = ox * sx - padL + kw * dx;
        const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
        if (C <= 8) {
          // memory.copy/fill calls cost more than a few scalar moves (first layers: C = 1..3).
          const src = f(x, <usize>((n * H + iy) * W + ix) * <usize>C);
          for (let c: usize = 0; c < cB; c += 4) store<f32>(dst + c, inside ? load<f32>(src + c) : 0);
        } else if (inside) {
          memory.copy(dst, f(x, <usize>((n * H + iy) * W + ix) * <usize>C), cB);
        } else {
          memory.fill(dst, 0, cB);
        }
        dst += cB;
      }
    }
  }
}

/**
 * y[p, :] = act(conv + bias) for output pixels p in [p0, p0 + count), valid dilation-1 conv of
 * x [N, H, W, C] (pad first) with a filter packed by packB(K, KH*KW*C, filter, K, 0, bp).
 * y rows have K floats. ws: >= 64 + 8*8*4 + 32 bytes of scratch.
 */
export function convImplicit(
  mr: i32, x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32,
  OH: i32, OW: i32, p0: i32, count: i32, bp: usize, K: i32, bias: usize, y: usize, flags: i32, ws: usize,
): void {
  const rowt = ws, tile = ws + 64, tbias = tile + 256;
  const Kr = <usize>(KH * KW * C);
  const seg = (<usize>(W * C)) << 2;
  const ldcB = <usize>K << 2;
  const z = f32x4.splat(0);
  for (let q = 0; q < count; q += mr) {
    const rows = min(mr, count - q);
    for (let r = 0; r < mr; r++) {
      const p = p0 + q + min(r, rows - 1);
      const n = p / (OH * OW), rem = p % (OH * OW), oy = rem / OW, ox = rem % OW;
      store<u32>(rowt + (<usize>r << 2), <u32>f(x, <usize>((n * H + oy * sy) * W + ox * sx) * <usize>C));
    }
    for (let jr = 0; jr < K; jr += 8) {
      const nr = min(8, K - jr);
      const bpanel = f(bp, <usize>jr * Kr);
      const cp = f(y, <usize>(p0 + q) * <usize>K + <usize>jr);
      let biasp = f(bias, <usize>jr);
      if (rows == mr && nr == 8) {
        kernelC(mr, KH, KW * C, rowt, seg, bpanel, cp, ldcB, flags, biasp);
      } else {
        if (flags & 2 && nr < 8) {
          v128.store(tbias, z); v128.store(tbias, z, 16);
          for (let j = 0; j < nr; j++) store<f32>(f(tbias, j), load<f32>(f(biasp, j)));
          biasp = tbias;
        }
        kernelC(mr, KH, KW * C, rowt, seg, bpanel, tile, 32, flags & ~1, biasp);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < nr; j++) store<f32>(cp + <usize>r * ldcB + (<usize>j << 2), load<f32>(f(tile, <usize>(r * 8 + j))));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Single-input-channel direct conv (the first layer of image models)

/**
 * y = act(conv(x) + bias) for a valid stride-1 conv with C = 1: x [N, H, W, 1], filter HWIO
 * [KH, KW, 1, K] with K % 8 == 0, y [N, OH, OW, K]; output rows (n, oy) in [r0, r0 + rows).
 * Tiles of 4 horizontally adjacent pixels x 8 channels; no im2col, no integer division per pixel.
 */
export function conv1Direct(
  x: usize, H: i32, W: i32, KH: i32, KW: i32, w: usize, K: i32, bias: usize, y: usize, flags: i32,
  r0: i32, rows: i32,
): void {
  const OH = H - KH + 1, OW = W - KW + 1;
  const Kz = <usize>K;
  const kB = Kz << 2;
  const rowB = <usize>W << 2;
  const zero = f32x4.splat(0);
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  for (let rr = r0; rr < r0 + rows; rr++) {
    const n = rr / OH, oy = rr % OH;
    const xrow = f(x, <usize>((n * H + oy) * W));
    const yrow = f(y, <usize>rr * <usize>OW * Kz);
    for (let ox = 0; ox < OW; ox += 4) {
      const valid = min(4, OW - ox);
      // Clamp the pixel columns of a partial group (the extra lanes are computed, not stored).
      const o1 = <usize>min(ox + 1, OW - 1) << 2, o2 = <usize>min(ox + 2, OW - 1) << 2, o3 = <usize>min(ox + 3, OW - 1) << 2;
      const o0 = <usize>ox << 2;
      for (let co: usize = 0; co < Kz; co += 8) {
        let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        let wp = w + (co << 2);
        let xr = xrow;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            const b0 = v128.load(wp), b1 = v128.load(wp, 16);
            const xk = xr + (<usize>kw << 2);
            if (valid == 4) {
              // Adjacent pixels: immediate offsets, one address.
              const xp = xk + o0;
              let av = v128.load32_splat(xp); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
              av = v128.load32_splat(xp, 4); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
              av = v128.load32_splat(xp, 8); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
              av = v128.load32_splat(xp, 12); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
            } else {
              let av = v128.load32_splat(xk + o0); c00 = fma(av, b0, c00); c01 = fma(av, b1, c01);
              av = v128.load32_splat(xk + o1); c10 = fma(av, b0, c10); c11 = fma(av, b1, c11);
              av = v128.load32_splat(xk + o2); c20 = fma(av, b0, c20); c21 = fma(av, b1, c21);
              av = v128.load32_splat(xk + o3); c30 = fma(av, b0, c30); c31 = fma(av, b1, c31);
            }
            wp += kB;
          }
          xr += rowB;
        }
        if (hasBias) {
          const q0 = v128.load(bias + (co << 2)), q1 = v128.load(bias + (co << 2), 16);
          c00 = f32x4.add(c00, q0); c01 = f32x4.add(c01, q1); c10 = f32x4.add(c10, q0); c11 = f32x4.add(c11, q1);
          c20 = f32x4.add(c20, q0); c21 = f32x4.add(c21, q1); c30 = f32x4.add(c30, q0); c31 = f32x4.add(c31, q1);
        }
        if (relu) {
          c00 = relu4(c00); c01 = relu4(c01); c10 = relu4(c10); c11 = relu4(c11);
          c20 = relu4(c20); c21 = relu4(c21); c30 = relu4(c30); c31 = relu4(c31);
        }
        let p = yrow + ((<usize>ox * Kz + co) << 2);
        v128.store(p, c00); v128.store(p, c01, 16);
        if (valid > 1) { p += kB; v128.store(p, c10); v128.store(p, c11, 16); }
        if (valid > 2) { p += kB; v128.store(p, c20); v128.store(p, c21, 16); }
        if (valid > 3) { p += kB; v128.store(p, c30); v128.store(p, c31, 16); }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Filter gradient (implicit im2col)

const PKC: i32 = 256; // pixels per k-block

/** Workspace bytes of convBackpropFilter for P output pixels and K output channels. */
export function convFilterWorkspaceBytes(P: i32, K: i32): i32 {
  return P * 4 + PKC * ((K + 7) & ~7) * 4 + 512;
}

/**
 * dw[kk, k] (+)= sum_p patch_p[kk] * dy[p, k] for a dilation-1 conv of (padded) x [N, H, W, C]
 * with stride (sy, sx), dy [N, OH, OW, K]; dw is HWIO [KH*KW*C, K]. Computes the filter rows
 * kk in [i0, i0 + rows): threads split the rows. Needs (KW*C) % mr == 0 and i0 % mr == 0.
 * flags & 1 accumulates into dw.
 */
export function convBackpropFilter(
  mr: i32, x: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32,
  N: i32, OH: i32, OW: i32, dy: usize, K: i32, i0: i32, rows: i32, dw: usize, flags: i32, ws: usize,
): void {
  const P = N * OH * OW;
  const tbl = ws;
  const bp = tbl + (<usize>P << 2);
  const tile = bp + ((<usize>PKC * <usize>((K + 7) & ~7)) << 2);
  const seg = KW * C;
  const ldcB = <usize>K << 2;
  // Pixel address table, no division per pixel.
  let t = tbl;
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      let a = f(x, <usize>((n * H + oy * sy) * W) * <usize>C);
      const step = (<usize>(sx * C)) << 2;
      for (let ox = 0; ox < OW; ox++) { store<u32>(t, <u32>a); t += 4; a += step; }
    }
  }
  for (let pc = 0; pc < P; pc += PKC) {
    const kc = min(PKC, P - pc);
    const kflags = pc == 0 ? (flags & 1) : 1;
    packB(K, kc, f(dy, <usize>pc * <usize>K), K, 0, bp);
    const tb = tbl + (<usize>pc << 2);
    for (let i = i0; i < i0 + rows; i += mr) {
      const kh = i / seg, within = i % seg;
      const off = ((<usize>(kh * W * C) + <usize>within) << 2);
      for (let jr = 0; jr < K; jr += 8) {
        const nr = min(8, K - jr);
        const bpanel = bp + ((<usize>jr * <usize>kc) << 2);
        const cp = f(dw, <usize>i * <usize>K + <usize>jr);
        if (nr == 8) {
          kernelX(mr, kc, tb, off, bpanel, cp, ldcB, kflags);
        } else {
          for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++) store<f32>(f(tile, <usize>(r * 8 + j)), load<f32>(cp + <usize>r * ldcB + (<usize>j << 2)));
          kernelX(mr, kc, tb, off, bpanel, tile, 32, kflags);
          for (let r = 0; r < mr; r++) for (let j = 0; j < nr; j++) store<f32>(cp + <usize>r * ldcB + (<usize>j << 2), load<f32>(f(tile, <usize>(r * 8 + j))));
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function kernelX(mr: i32, kc: i32, tbl: usize, off: usize, b: usize, c: usize, ldc: usize, flags: i32): void {
  if (mr == 4) mkX4x8(kc, tbl, off, b, c, ldc, flags, 0);
  else if (mr == 5) mkX5x8(kc, tbl, off, b, c, ldc, flags, 0);
  else mkX6x8(kc, tbl, off, b, c, ldc, flags, 0);
}

// ---------------------------------------------------------------------------------------------
// Layout helpers

/** y [N, H+pt+pb, W+pl+pr, C] = x [N, H, W, C] zero-padded. */
export function padNHWC(x: usize, N: i32, H: i32, W: i32, C: i32, pt: i32, pb: i32, pl: i32, pr: i32, y: usize): void {
  const PH = H + pt + pb, PW = W + pl + pr;
  const Cz = <usize>C;
  for (let n = 0; n < N; n++) {
    for (let py = 0; py < PH; py++) {
      const dst = f(y, <usize>((n * PH + py) * PW) * Cz);
      const iy = py - pt;
      if (iy < 0 || iy >= H) { memory.fill(dst, 0, (<usize>PW * Cz) << 2); continue; }
      memory.fill(dst, 0, (<usize>pl * Cz) << 2);
      memory.copy(f(dst, <usize>pl * Cz), f(x, <usize>((n * H + iy) * W) * Cz), (<usize>W * Cz) << 2);
      memory.fill(f(dst, <usize>(pl + W) * Cz), 0, (<usize>pr * Cz) << 2);
    }
  }
}

/** out [KH, KW, K, C] = w [KH-1-kh, KW-1-kw, C, K]: the filter of the input-gradient conv. */
export function flipFilter(w: usize, KH: i32, KW: i32, C: i32, K: i32, out: usize): void {
  for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
    const src = f(w, <usize>(((KH - 1 - kh) * KW + (KW - 1 - kw)) * C * K));
    const dst = f(out, <usize>((kh * KW + kw) * K * C));
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
      store<f32>(f(dst, <usize>(k * C + c)), load<f32>(f(src, <usize>(c * K + k))));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Winograd F(4x4, 3x3): 6x6 input tiles, 36 GEMMs per chunk, 4x4 output tiles.
// B^T, G, A^T are the standard interpolation-point (0, +-1, +-2) matrices (Lavin & Gray 2016).

/** Bytes of U for wino4Filter: 36 packed [C x roundUp(K, 8)] panels. */
export function wino4FilterBytes(C: i32, K: i32): i32 {
  return 36 * C * ((K + 7) & ~7) * 4;
}

// @ts-ignore: decorator
@inline function g6(g0: f32, g1: f32, g2: f32, dst: usize, stride: usize): void {
  const s0 = g0 + g2;
  store<f32>(dst, g0 * <f32>0.25);
  store<f32>(dst + stride, (s0 + g1) * <f32>(-1.0 / 6.0));
  store<f32>(dst + 2 * stride, (s0 - g1) * <f32>(-1.0 / 6.0));
  const t = g0 * <f32>(1.0 / 24.0) + g2 * <f32>(1.0 / 6.0);
  store<f32>(dst + 3 * stride, t + g1 * <f32>(1.0 / 12.0));
  store<f32>(dst + 4 * stride, t - g1 * <f32>(1.0 / 12.0));
  store<f32>(dst + 5 * stride, g2);
}

/** g6 on four lanes: six vectors G [g0 g1 g2] at dst (stride bytes apart). Same operations. */
// @ts-ignore: decorator
@inline function g6v(g0: v128, g1: v128, g2: v128, dst: usize, stride: usize): void {
  const s0 = f32x4.add(g0, g2);
  const sixth = f32x4.splat(<f32>(-1.0 / 6.0)), twelfth = f32x4.splat(<f32>(1.0 / 12.0));
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + stride, f32x4.mul(f32x4.add(s0, g1), sixth));
  v128.store(dst + 2 * stride, f32x4.mul(f32x4.sub(s0, g1), sixth));
  const t = f32x4.add(f32x4.mul(g0, f32x4.splat(<f32>(1.0 / 24.0))), f32x4.mul(g2, f32x4.splat(<f32>(1.0 / 6.0))));
  v128.store(dst + 3 * stride, f32x4.add(t, f32x4.mul(g1, twelfth)));
  v128.store(dst + 4 * stride, f32x4.sub(t, f32x4.mul(g1, twelfth)));
  v128.store(dst + 5 * stride, g2);
}

/**
 * U_xi = (G g G^T)_xi (6x6) for filter g (HWIO 3x3xCxK), as packB-style panels [K/8][C][8], for
 * input channels [c0, c1) (threads split channels). tmp: 288 bytes of scratch.
 */
export function wino4Filter(g: usize, C: i32, K: i32, U: usize, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const xiStride = (<usize>C * <usize>Kp) << 2;
  if (Kp != K) {
    // Zero the padding lanes of the last panel (rows c0..c1 of every xi).
    const last = U + ((<usize>(Kp - 8) * <usize>C + <usize>c0 * 8) << 2);
    for (let xi: usize = 0; xi < 36; xi++) memory.fill(last + xi * xiStride, 0, (<usize>(c1 - c0) * 8) << 2);
  }
  const s = <usize>C * <usize>K;
  // Four output channels at a time (K % 4 == 0: lanes k..k+3 are contiguous in g and in a panel).
  const K4 = (K & 3) == 0 ? K : 0;
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K4; k += 4) {
      const base = f(g, <usize>c * <usize>K + <usize>k);
      for (let j: usize = 0; j < 3; j++) {
        g6v(v128.load(base + ((j * s) << 2)), v128.load(base + (((3 + j) * s) << 2)), v128.load(base + (((6 + j) * s) << 2)), tmp + (j << 4), 48);
      }
      const dst = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 48;
        g6v(v128.load(r), v128.load(r, 16), v128.load(r, 32), dst + i * 6 * xiStride, xiStride);
      }
    }
    for (let k = K4; k < K; k++) {
      const base = <usize>c * <usize>K + <usize>k;
      // t = G g: 6x3, stored row-major at tmp (f32)
      for (let j: usize = 0; j < 3; j++) {
        g6(load<f32>(f(g, base + j * s)), load<f32>(f(g, base + (3 + j) * s)), load<f32>(f(g, base + (6 + j) * s)), tmp + (j << 2), 12);
      }
      const dst = f(U, <usize>(k >> 3) * <usize>C * 8 + <usize>c * 8 + <usize>(k & 7));
      // u = t G^T: row i of u = G applied to row i of t
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 12;
        g6(load<f32>(r), load<f32>(r, 4), load<f32>(r, 8), dst + i * 6 * xiStride, xiStride);
      }
    }
  }
}

/** 1-D input transform o = B^T d on six vectors at p (stride ps), written at q (stride qs). */
// @ts-ignore: decorator
@inline function bt6(p: usize, ps: usize, q: usize, qs: usize): void {
  const d0 = v128.load(p), d1 = v128.load(p + ps), d2 = v128.load(p + 2 * ps);
  const d3 = v128.load(p + 3 * ps), d4 = v128.load(p + 4 * ps), d5 = v128.load(p + 5 * ps);
  const four = f32x4.splat(4), five = f32x4.splat(5), two = f32x4.splat(2);
  // o0 = 4d0 - 5d2 + d4; o5 = 4d1 - 5d3 + d5
  v128.store(q, fms(five, d2, fma(four, d0, d4)));
  v128.store(q + 5 * qs, fms(five, d3, fma(four, d1, d5)));
  // o1 = -4(d1 + d2) + d3 + d4; o2 = 4(d1 - d2) - d3 + d4
  const a = f32x4.add(d3, d4), b = f32x4.sub(d4, d3);
  v128.store(q + qs, fms(four, f32x4.add(d1, d2), a));
  v128.store(q + 2 * qs, fma(four, f32x4.sub(d1, d2), b));
  // o3 = 2(d3 - d1) + d4 - d2; o4 = 2(d1 - d3) + d4 - d2
  const e = f32x4.sub(d4, d2), h = f32x4.sub(d3, d1);
  v128.store(q + 3 * qs, fma(two, h, e));
  v128.store(q + 4 * qs, fms(two, h, e));
}

/**
 * The 6x6 input window at (iy, ix) of image n of x [N, H, W, C] (iy < H, ix < W): its address in x
 * when it lies inside, else `patch`, filled with the window (one copy per row, zeros outside the
 * image; its rows are 6 * C floats apart).
 */
// @ts-ignore: decorator
@inline function window6(x: usize, n: i32, H: i32, W: i32, Cz: usize, iy: i32, ix: i32, patch: usize): usize {
  if (iy + 6 <= H && ix + 6 <= W) return f(x, <usize>((n * H + iy) * W + ix) * Cz);
  const rowBytes: usize = (<usize>6 * Cz) << 2;
  const inside = (<usize>min(6, W - ix) * Cz) << 2;
  for (let i = 0; i < 6; i++) {
    const d = patch + <usize>i * rowBytes;
    let copied: usize = 0;
    if (iy + i < H) {
      memory.copy(d, f(x, <usize>((n * H + iy + i) * W + ix) * Cz), inside);
      copied = inside;
    }
    if (copied < rowBytes) memory.fill(d + copied, 0, rowBytes - copied);
  }
  return patch;
}

/** Workspace bytes for wino4Forward with `chunk` tiles per pass. */
export function wino4WorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  return 36 * chunk * (C + K) * 4 + 36 * C * 4 + 36 * 16 + 256;
}

/**
 * Winograd F(4x4,3x3) forward, same contract as winoForward (C % 4 == 0, K % 8 == 0). With
 * `pooled` != 0 it also writes the 2x2 stride-2 pool of y (poolMode 0 max, 1 min) to pooled
 * [N, OH / 2, OW / 2, K] (floors), from each tile as it is written.
 */
export function wino4Forward(
  mr: i32, x: usize, H: i32, W: i32, C: i32, U: usize, K: i32, bias: usize, y: usize, flags: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize, pooled: usize, poolMode: i32,
): void {
  const OH = H - 2, OW = W - 2;
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K;
  const V = ws; // [36][chunk][C]
  const M = V + ((36 * <usize>chunk * Cz) << 2); // [36][chunk][K]
  const rowt = M + ((36 * <usize>chunk * Kz) << 2);
  const tmp = rowt + 64; // 36 v128
  const patch = tmp + 36 * 16; // [36][C] gathered edge patch
  const vXi = (<usize>chunk * Cz) << 2;
  const mXi = (<usize>chunk * Kz) << 2;
  const uXi = (Cz * Kz) << 2;
  const rowB = (<usize>W * Cz) << 2;
  const hasBias = (flags & 2) != 0, relu = (flags & 4) != 0;
  const zero = f32x4.splat(0), two = f32x4.splat(2), four = f32x4.splat(4), eight = f32x4.splat(8);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  const cs = Cz << 2;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + mr - 1) / mr * mr;
    for (let t = 0; t < cntPad; t++) {
      const vt = V + ((<usize>t * Cz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 36; xi++) memory.fill(vt + <usize>xi * vXi, 0, Cz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const iy = ty * 4, ix = tx * 4;
      const src = window6(x, n, H, W, Cz, iy, ix, patch);
      const rs: usize = src == patch ? (6 * Cz) << 2 : rowB;
      for (let c: usize = 0; c < Cz; c += 4) {
        const p = src + (c << 2);
        // columns: tmp[k][j] = (B^T d)[k][j]
        for (let j: usize = 0; j < 6; j++) bt6(p + j * cs, rs, tmp + (j << 4), 96);
        // rows: V[k*6 + l] = (tmp[k] B)[l]
        const o = vt + (c << 2);
        for (let k: usize = 0; k < 6; k++) bt6(tmp + k * 96, 16, o + k * 6 * vXi, vXi);
      }
    }
    for (let xi = 0; xi < 36; xi++) {
      const vx = V + <usize>xi * vXi, mx = M + <usize>xi * mXi, ux = U + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += mr) {
        for (let r = 0; r < mr; r++) store<u32>(rowt + (<usize>r << 2), <u32>(vx + ((<usize>(t + r) * Cz) << 2)));
        for (let jr = 0; jr < K; jr += 8) {
          kernelI(mr, C, rowt, ux + ((<usize>jr * Cz) << 2), mx + ((<usize>t * Kz + <usize>jr) << 2), Kz << 2, 0, 0);
        }
      }
    }
    const yRow = (<usize>OW * Kz) << 2;
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const oy = ty * 4, ox = tx * 4;
      const nr = min(4, OH - oy), nc = min(4, OW - ox);
      const yb = f(y, <usize>((n * OH + oy) * OW + ox) * Kz);
      const mt = M + ((<usize>t * Kz) << 2);
      for (let k: usize = 0; k < Kz; k += 4) {
        const q = mt + (k << 2);
        // columns: tmp[r][j] = sum_i A^T[r][i] m[i][j]
        for (let j: usize = 0; j < 6; j++) {
          const p = q + j * mXi, ps = 6 * mXi;
          const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps);
          const m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps);
          const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c2 = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
          const w = tmp + (j << 4);
          v128.store(w, f32x4.add(f32x4.add(m0, a), c2));
          v128.store(w + 96, fma(two, d, b));
          v128.store(w + 192, fma(four, c2, a));
          v128.store(w + 288, f32x4.add(fma(eight, d, b), m5));
        }
        const bv = hasBias ? v128.load(bias + (k << 2)) : zero;
        for (let r = 0; r < nr; r++) {
          const p = tmp + <usize>r * 96;
          const m0 = v128.load(p), m1 = v128.load(p, 16), m2 = v128.load(p, 32);
          const m3 = v128.load(p, 48), m4 = v128.load(p, 64), m5 = v128.load(p, 80);
          const a = f32x4.add(m1, m2), b = f32x4.sub(m1, m2), c2 = f32x4.add(m3, m4), d = f32x4.sub(m3, m4);
          let y0 = f32x4.add(f32x4.add(f32x4.add(m0, a), c2), bv);
          let y1 = f32x4.add(fma(two, d, b), bv);
          let y2 = f32x4.add(fma(four, c2, a), bv);
          let y3 = f32x4.add(f32x4.add(fma(eight, d, b), m5), bv);
          if (relu) { y0 = relu4(y0); y1 = relu4(y1); y2 = relu4(y2); y3 = relu4(y3); }
          const o = yb + <usize>r * yRow + (k << 2);
          v128.store(o, y0);
          if (nc > 1) v128.store(o + (Kz << 2), y1);
          if (nc > 2) v128.store(o + (Kz << 3), y2);
          if (nc > 3) v128.store(o + 3 * (Kz << 2), y3);
        }
        if (pooled != 0) poolTile(poolMode, yb + (k << 2), yRow, Kz << 2, pooled + (k << 2), n, oy >> 1, ox >> 1, OH >> 1, OW >> 1, Kz);
      }
    }
  }
}

/**
 * The pooling epilogue of wino4Forward: the 2x2 windows of one 4x4 output tile (at `t`, 4
 * channels, rows `yRow` bytes apart) that lie inside the pooled map [N, POH, POW, K], from the
 * values just stored (still in L1). Tiles start at multiples of 4, so no window spans two tiles.
 */
function poolTile(mode: i32, t: usize, yRow: usize, kB: usize, pooled: usize, n: i32, py0: i32, px0: i32, POH: i32, POW: i32, Kz: usize): void {
  for (let pr = 0; pr < 2 && py0 + pr < POH; pr++) {
    const top = t + <usize>(2 * pr) * yRow;
    const row = pooled + ((<usize>((n * POH + py0 + pr) * POW + px0) * Kz) << 2);
    for (let pc = 0; pc < 2 && px0 + pc < POW; pc++) {
      v128.store(row + <usize>pc * kB, pool2x2At(mode, top + <usize>(2 * pc) * kB, top + <usize>(2 * pc) * kB + yRow, kB));
    }
  }
}

/**
 * dx [N, H, W, C] = sum of patch columns: the adjoint of im2col, for images [n0, n1) (threads split
 * images, so no two threads write the same pixel). cols rows are output pixels of all images.
 */
export function col2im(
  cols: usize, H: i32, W: i32, C: i32, KH: i32, KW: i32, sy: i32, sx: i32, dy: i32, dx: i32,
  padT: i32, padL: i32, OH: i32, OW: i32, n0: i32, n1: i32, out: usize,
): void {
  const Cz = <usize>C;
  const img = <usize>(H * W) * Cz;
  memory.fill(f(out, <usize>n0 * img), 0, (<usize>(n1 - n0) * img) << 2);
  const rowLen = <usize>(KH * KW * C);
  for (let n = n0; n < n1; n++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        let src = f(cols, <usize>((n * OH + oy) * OW + ox) * rowLen);
        for (let kh = 0; kh < KH; kh++) {
          const iy = oy * sy - padT + kh * dy;
          for (let kw = 0; kw < KW; kw++) {
            const ix = ox * sx - padL + kw * dx;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
              const d = f(out, <usize>((n * H + iy) * W + ix) * Cz);
              let c: usize = 0;
              for (; c + 4 <= Cz; c += 4) v128.store(d + (c << 2), f32x4.add(v128.load(d + (c << 2)), v128.load(src + (c << 2))));
              for (; c < Cz; c++) store<f32>(d + (c << 2), load<f32>(d + (c << 2)) + load<f32>(src + (c << 2)));
            }
            src += Cz << 2;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Winograd F(4x4, 3x3) filter gradient.
//   dU_xi = sum_tiles V_xi^T (A dY A^T)_xi,   dW = G^T dU G   (per c, k; 6x6 -> 3x3)
// V is the forward input transform; the output-gradient transform A dY A^T (6x4 . 4x4 . 4x6) is
// written directly as packed B panels [K/8][tiles][8], so the GEMM needs no packing.

/** 1-D A y: four vectors -> six at q (stride qs): y0, sum, alternating sum, +-2/4/8 rows, y3. */
// @ts-ignore: decorator
@inline function at6(y0: v128, y1: v128, y2: v128, y3: v128, q: usize, qs: usize): void {
  const two = f32x4.splat(2), four = f32x4.splat(4);
  const e = f32x4.add(y0, y2), o = f32x4.add(y1, y3);
  const e4 = fma(four, y2, y0); // y0 + 4 y2
  const o4 = fma(four, y3, y1); // y1 + 4 y3
  v128.store(q, y0);
  v128.store(q + qs, f32x4.add(e, o));
  v128.store(q + 2 * qs, f32x4.sub(e, o));
  v128.store(q + 3 * qs, fma(two, o4, e4)); // y0 + 2y1 + 4y2 + 8y3
  v128.store(q + 4 * qs, fms(two, o4, e4)); // y0 - 2y1 + 4y2 - 8y3
  v128.store(q + 5 * qs, y3);
}

/**
 * (A g A^T) for four channels of one 4x4 output-gradient tile at q (pixel stride ps, row stride
 * yRow bytes; only the top-left nr x nc of it lies inside dy, the rest counts as zeros): the
 * 36 vectors go to dst + xi * xiStride (xi = i * 6 + l). tmp: 24 v128 of scratch.
 */
// @ts-ignore: decorator
@inline function dyTile(q: usize, ps: usize, yRow: usize, nr: i32, nc: i32, tmp: usize, dst: usize, xiStride: usize): void {
  const zero = f32x4.splat(0);
  // columns: for each dy column j, 4 rows -> 6 (tmp[i][j], i < 6, j < 4)
  for (let j = 0; j < 4; j++) {
    const p = q + <usize>j * ps;
    const ok = j < nc;
    const g0 = ok ? v128.load(p) : zero;
    const g1 = ok && nr > 1 ? v128.load(p + yRow) : zero;
    const g2 = ok && nr > 2 ? v128.load(p + 2 * yRow) : zero;
    const g3 = ok && nr > 3 ? v128.load(p + 3 * yRow) : zero;
    at6(g0, g1, g2, g3, tmp + (<usize>j << 4), 64);
  }
  // rows: tmp[i][0..3] -> six values each
  for (let i: usize = 0; i < 6; i++) {
    const r = tmp + i * 64;
    at6(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), dst + i * 6 * xiStride, xiStride);
  }
}

/** Workspace bytes for wino4BackpropFilter. */
export function wino4FilterGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  const Kp = (K + 7) & ~7;
  return 36 * chunk * (C + Kp) * 4 + 36 * C * 4 + 36 * 16 * 2 + 256;
}

/** Bytes of one dU partial (36 x [C x roundUp(K, 8)] floats). */
export function wino4FilterGradPartBytes(C: i32, K: i32): i32 {
  return 36 * C * ((K + 7) & ~7) * 4;
}

/**
 * One fixed part of the filter gradient: images [part * perPart, min(N, (part + 1) * perPart)) into
 * the dU partial at dUs + part * partStride. Parts are fixed whatever the thread count, and
 * wino4FilterGradFinish sums them in order, so results do not depend on scheduling.
 */
export function wino4BackpropFilterPart(
  mr: i32, x: usize, H: i32, W: i32, C: i32, dy: usize, K: i32, N: i32, perPart: i32, part: i32,
  chunk: i32, dUs: usize, partStride: usize, ws: usize,
): void {
  const n0 = part * perPart, n1 = min(N, n0 + perPart);
  wino4BackpropFilter(mr, x, H, W, C, dy, K, n0, n1, chunk, dUs + <usize>part * partStride, ws);
}

/**
 * Computes dU (36 x [C x Kp], zeroed first) over images [n0, n1) for a 3x3 stride-1 valid conv of
 * x [N, H, W, C] with output gradient dy [N, H-2, W-2, K]; ws is scratch
 * (wino4FilterGradWorkspaceBytes). C % mr == 0, C % 4 == 0, K % 4 == 0. Finish with
 * wino4FilterGradFinish.
 */
export function wino4BackpropFilter(
  mr: i32, x: usize, H: i32, W: i32, C: i32, dy: usize, K: i32, n0: i32, n1: i32, chunk: i32, dU: usize, ws: usize,
): void {
  const OH = H - 2, OW = W - 2;
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K, Kp = <usize>((K + 7) & ~7);
  const V = ws; // [36][chunk][C]
  const G = V + ((36 * <usize>chunk * Cz) << 2); // [36][Kp/8][chunk][8]
  const tmp = G + ((36 * <usize>chunk * Kp) << 2);
  const patch = tmp + 36 * 16 * 2;
  const vXi = (<usize>chunk * Cz) << 2;
  const gXi = (<usize>chunk * Kp) << 2;
  const uXi = (Cz * Kp) << 2;
  const rowB = (<usize>W * Cz) << 2;
  const cs = Cz << 2;
  memory.fill(dU, 0, 36 * uXi);
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    if (Kp != Kz) memory.fill(G, 0, 36 * gXi);
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      // input transform (as in wino4Forward)
      const iy = ty * 4, ix = tx * 4;
      const src = window6(x, n, H, W, Cz, iy, ix, patch);
      const rs: usize = src == patch ? (6 * Cz) << 2 : rowB;
      const vt = V + ((<usize>t * Cz) << 2);
      for (let c: usize = 0; c < Cz; c += 4) {
        const p = src + (c << 2);
        for (let j: usize = 0; j < 6; j++) bt6(p + j * cs, rs, tmp + (j << 4), 96);
        const o = vt + (c << 2);
        for (let k: usize = 0; k < 6; k++) bt6(tmp + k * 96, 16, o + k * 6 * vXi, vXi);
      }
      // output-gradient transform: (A g A^T), g = 4x4 dy tile (zeros outside the output)
      const oy = ty * 4, ox = tx * 4;
      const nr = min(4, OH - oy), nc = min(4, OW - ox);
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      const yRow = (<usize>OW * Kz) << 2;
      for (let k: usize = 0; k < Kz; k += 4) {
        // into panel (k/8), row t, lane k%8
        const dst = G + ((((k >> 3) * <usize>chunk + <usize>t) * 8 + (k & 7)) << 2);
        dyTile(yb + (k << 2), Kz << 2, yRow, nr, nc, tmp, dst, gXi);
      }
    }
    // 36 GEMMs: dU_xi[C x Kp] += V_xi^T[C x cnt] G_xi[cnt x Kp]
    for (let xi = 0; xi < 36; xi++) {
      const vx = V + <usize>xi * vXi, gx = G + <usize>xi * gXi, ux = dU + <usize>xi * uXi;
      for (let c = 0; c < C; c += mr) {
        for (let jr: usize = 0; jr < Kp; jr += 8) {
          kernelT(mr, cnt, vx + (<usize>c << 2), Cz << 2, gx + ((jr * <usize>chunk) << 2),
            ux + ((<usize>c * Kp + jr) << 2), Kp << 2, 1);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function kernelT(mr: i32, kc: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, flags: i32): void {
  if (mr == 4) mkT4x8(kc, a, lda, b, c, ldc, flags, 0);
  else if (mr == 5) mkT5x8(kc, a, lda, b, c, ldc, flags, 0);
  else mkT6x8(kc, a, lda, b, c, ldc, flags, 0);
}

// ---------------------------------------------------------------------------------------------
// Winograd F(4x4, 3x3) input gradient, as the adjoint of wino4Forward:
//   forward  y_tile = A^T [ sum_c U_ck * (B^T d_c B) ] A
//   adjoint  dd_c  += B [ sum_k U_ck * (A dy_k A^T) ] B^T   (scatter-added over overlapping tiles)
// It uses the forward's tiling (one 4x4 output tile per 6x6 input window), so it costs what the
// forward costs; running the forward on dy padded by 2 with the flipped filter instead needs a
// tile per 4x4 block of the (larger) input: 16 tiles instead of 9 for conv 13x13 -> 11x11.

/** out [KH, KW, K, C] = w [KH, KW, C, K]: the filter with its channel axes swapped (no flip). */
export function swapFilterIO(w: usize, KH: i32, KW: i32, C: i32, K: i32, out: usize): void {
  const CK = <usize>C * <usize>K;
  for (let q: usize = 0; q < <usize>(KH * KW); q++) {
    const src = f(w, q * CK), dst = f(out, q * CK);
    for (let c = 0; c < C; c++) for (let k = 0; k < K; k++) {
      store<f32>(f(dst, <usize>(k * C + c)), load<f32>(f(src, <usize>(c * K + k))));
    }
  }
}

/** 1-D o = B m on six vectors at p (stride ps), written at q (stride qs). */
// @ts-ignore: decorator
@inline function b6(p: usize, ps: usize, q: usize, qs: usize): void {
  const m0 = v128.load(p), m1 = v128.load(p + ps), m2 = v128.load(p + 2 * ps);
  const m3 = v128.load(p + 3 * ps), m4 = v128.load(p + 4 * ps), m5 = v128.load(p + 5 * ps);
  const two = f32x4.splat(2), four = f32x4.splat(4), five = f32x4.splat(5);
  const s12 = f32x4.add(m1, m2), d12 = f32x4.sub(m1, m2), s34 = f32x4.add(m3, m4), d34 = f32x4.sub(m3, m4);
  v128.store(q, f32x4.mul(four, m0));
  // o1 = 4 (m5 - d12) - 2 d34;  o3 = d12 + 2 d34 - 5 m5
  v128.store(q + qs, fms(two, d34, f32x4.mul(four, f32x4.sub(m5, d12))));
  v128.store(q + 3 * qs, fms(five, m5, fma(two, d34, d12)));
  // o2 = -(5 m0 + 4 s12 + s34);  o4 = m0 + s12 + s34
  v128.store(q + 2 * qs, f32x4.neg(fma(five, m0, fma(four, s12, s34))));
  v128.store(q + 4 * qs, f32x4.add(m0, f32x4.add(s12, s34)));
  v128.store(q + 5 * qs, m5);
}

/** Workspace bytes for wino4BackpropInput with `chunk` tiles per pass. */
export function wino4InputGradWorkspaceBytes(C: i32, K: i32, chunk: i32): i32 {
  return 36 * chunk * (C + K) * 4 + 36 * 16 * 2 + 256;
}

/**
 * dx [N, H, W, C] for images [n0, n1) of a 3x3 stride-1 conv whose zero-padded input (padT rows
 * above, padL columns left) gave dy [N, OH, OW, K]. Ut: wino4Filter of the channel-swapped filter
 * (panels [C/8][K][8]). C % 8 == 0, K % 4 == 0. Images [n0, n1) of dx are overwritten; tiles of
 * different images never touch the same pixel, so threads split images.
 */
export function wino4BackpropInput(
  mr: i32, dy: usize, OH: i32, OW: i32, K: i32, Ut: usize, C: i32, dx: usize, H: i32, W: i32, padT: i32, padL: i32,
  n0: i32, n1: i32, chunk: i32, ws: usize,
): void {
  const TH = (OH + 3) >> 2, TW = (OW + 3) >> 2;
  const tilesPer = TH * TW;
  const Cz = <usize>C, Kz = <usize>K;
  const G = ws; // [36][chunk][K]: transformed dy tiles, the GEMM's A rows
  const M = G + ((36 * <usize>chunk * Kz) << 2); // [36][chunk][C]
  const rowt = M + ((36 * <usize>chunk * Cz) << 2);
  const tmp = rowt + 64; // 2 x 36 v128
  const gXi = (<usize>chunk * Kz) << 2;
  const mXi = (<usize>chunk * Cz) << 2;
  const uXi = (Kz * Cz) << 2;
  const img = <usize>(H * W) * Cz;
  memory.fill(f(dx, <usize>n0 * img), 0, (<usize>(n1 - n0) * img) << 2);
  const yRow = (<usize>OW * Kz) << 2;
  const xRow = (<usize>W * Cz) << 2;
  const t0 = n0 * tilesPer, t1 = n1 * tilesPer;
  for (let tc = t0; tc < t1; tc += chunk) {
    const cnt = min(chunk, t1 - tc);
    const cntPad = (cnt + mr - 1) / mr * mr;
    // dy transform: G_xi[t] = (A dy_t A^T)_xi, zeros outside dy.
    for (let t = 0; t < cntPad; t++) {
      const gt = G + ((<usize>t * Kz) << 2);
      if (t >= cnt) {
        for (let xi = 0; xi < 36; xi++) memory.fill(gt + <usize>xi * gXi, 0, Kz << 2);
        continue;
      }
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const oy = ty * 4, ox = tx * 4;
      const nr = min(4, OH - oy), nc = min(4, OW - ox);
      const yb = f(dy, <usize>((n * OH + oy) * OW + ox) * Kz);
      for (let k: usize = 0; k < Kz; k += 4) dyTile(yb + (k << 2), Kz << 2, yRow, nr, nc, tmp, gt + (k << 2), gXi);
    }
    // 36 GEMMs: M_xi [tiles x C] = G_xi [tiles x K] Ut_xi [K x C]
    for (let xi = 0; xi < 36; xi++) {
      const gx = G + <usize>xi * gXi, mx = M + <usize>xi * mXi, ux = Ut + <usize>xi * uXi;
      for (let t = 0; t < cntPad; t += mr) {
        for (let r = 0; r < mr; r++) store<u32>(rowt + (<usize>r << 2), <u32>(gx + ((<usize>(t + r) * Kz) << 2)));
        for (let jr = 0; jr < C; jr += 8) {
          kernelI(mr, K, rowt, ux + ((<usize>jr * Kz) << 2), mx + ((<usize>t * Cz + <usize>jr) << 2), Cz << 2, 0, 0);
        }
      }
    }
    // inverse transform B M_t B^T (6x6 per channel), scatter-added into dx inside the image.
    for (let t = 0; t < cnt; t++) {
      const tt = tc + t;
      const n = tt / tilesPer, rem = tt % tilesPer, ty = rem / TW, tx = rem % TW;
      const py = ty * 4 - padT, px = tx * 4 - padL; // dx coordinates of the window's corner
      const i0 = max(0, -py), i1 = min(6, H - py), j0 = max(0, -px), j1 = min(6, W - px);
      const mt = M + ((<usize>t * Cz) << 2);
      const xb = dx + <usize>(n * H * W) * (Cz << 2);
      for (let c: usize = 0; c < Cz; c += 4) {
        const q = mt + (c << 2);
        // columns: tmp[i][j] = (B m)[i] over rows i of column j
        for (let j: usize = 0; j < 6; j++) b6(q + j * mXi, 6 * mXi, tmp + (j << 4), 96);
        // rows: tmp2[i][j] = (B tmp[i])[j]
        const t2 = tmp + 576;
        for (let i: usize = 0; i < 6; i++) b6(tmp + i * 96, 16, t2 + i * 96, 16);
        for (let i = i0; i < i1; i++) {
          const row = xb + <usize>(py + i) * xRow + (c << 2);
          for (let j = j0; j < j1; j++) {
            const o = row + <usize>(px + j) * (Cz << 2);
            v128.store(o, f32x4.add(v128.load(o), v128.load(t2 + <usize>i * 96 + (<usize>j << 4))));
          }
        }
      }
    }
  }
}

/** 1-D G^T on six vectors -> three (as gt3, four lanes at a time). */
// @ts-ignore: decorator
@inline function gt3v(u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, dst: usize, stride: usize): void {
  const s12 = f32x4.add(u1, u2), d12 = f32x4.sub(u1, u2), s34 = f32x4.add(u3, u4), d34 = f32x4.sub(u3, u4);
  const sixth = f32x4.splat(<f32>(1.0 / 6.0));
  v128.store(dst, f32x4.add(f32x4.sub(f32x4.mul(u0, f32x4.splat(0.25)), f32x4.mul(s12, sixth)), f32x4.mul(s34, f32x4.splat(<f32>(1.0 / 24.0)))));
  v128.store(dst + stride, f32x4.add(f32x4.mul(f32x4.neg(d12), sixth), f32x4.mul(d34, f32x4.splat(<f32>(1.0 / 12.0)))));
  v128.store(dst + 2 * stride, f32x4.add(f32x4.add(f32x4.mul(f32x4.neg(s12), sixth), f32x4.mul(s34, sixth)), u5));
}

/**
 * wino4FilterGradFinish for K % 4 == 0, four output channels per SIMD lane group: sums the `parts`
 * dU blocks in order (the same float32 additions as adding them pairwise into the first) and
 * applies G^T . G, for input channels [c0, c1). tmp: 1 KB of scratch.
 */
export function wino4FilterGradFinish4(dUs: usize, parts: i32, partStride: usize, C: i32, K: i32, dw: usize, flags: i32, tmp: usize, c0: i32, c1: i32): void {
  const Kp = (K + 7) & ~7;
  const uXi = (<usize>C * <usize>Kp) << 2;
  const h = tmp + 36 * 16;
  const o = h + 18 * 16;
  for (let c = c0; c < c1; c++) {
    for (let k = 0; k < K; k += 4) {
      const off = (<usize>(c * Kp + k)) << 2;
      for (let xi: usize = 0; xi < 36; xi++) {
        let s = v128.load(dUs + xi * uXi + off);
        for (let p = 1; p < parts; p++) s = f32x4.add(s, v128.load(dUs + <usize>p * partStride + xi * uXi + off));
        v128.store(tmp + (xi << 4), s);
      }
      // rows: h[i][kw] = G^T over j of dU[i][j] (6 x 3 vectors)
      for (let i: usize = 0; i < 6; i++) {
        const r = tmp + i * 96;
        gt3v(v128.load(r), v128.load(r, 16), v128.load(r, 32), v128.load(r, 48), v128.load(r, 64), v128.load(r, 80), h + i * 48, 16);
      }
      // columns: o[kh][kw] = G^T over i of h[i][kw]
      for (let kw: usize = 0; kw < 3; kw++) {
        const q = h + (kw << 4);
        gt3v(v128.load(q), v128.load(q, 48), v128.load(q, 96), v128.load(q, 144), v128.load(q, 192), v128.load(q, 240), o + (kw << 4), 48);
      }
      for (let q: usize = 0; q < 9; q++) {
        const d = f(dw, (q * <usize>C + <usize>c) * <usize>K + <usize>k);
        const v = v128.load(o + (q << 4));
        v128.store(d, flags & 1 ? f32x4.add(v128.load(d), v) : v);
      }
    }
  }
}
