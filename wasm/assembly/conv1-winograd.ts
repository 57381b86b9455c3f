// One-input-channel 3x3 stride-1 convolution (a grayscale CNN's first layer: the seed CNN's conv1)
// as Winograd F(2x2, 3x3). With one input channel there is no sum over channels to share a
// transform with, but the tile's input transform is shared by all K output channels, and each 2x2
// output tile of 4 channels costs 16 multiplies (4 of them fused with an add) and 16 more adds
// instead of the direct kernel's 36 multiply-adds. Without relaxed-simd (no FMA: the direct kernel
// runs 36 multiplies and 36 adds) that is 1.3x faster; with FMA, about the direct kernel's speed
// (1.03-1.06x: the kernel is bound by its instruction count, loads included, not by the FMA
// pipes; DESIGN.md section 36). A 2x2 tile is exactly a 2x2 stride-2 pooling window, so the fused
// pool takes the tile's 4 values from registers. Float32 error: 1.6-1.9e-7 of the largest output
// against float64, as the direct kernel's 1.2-1.6e-7 (F(4x4, 3x3): 3.8e-6).
import { POOL_MIN } from './codes';
import { cap6, fma, fms, relu4 } from './simd';

/** The 4-channel-group vectors of one tile's 16 transformed filter components, contiguous. */
const GROUP_BYTES: usize = 16 * 16;

/** (G r)[i] for a column (r0, r1, r2) of the filter, G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]. */
// @ts-ignore: decorator
@inline function gRow(i: i32, r0: v128, r1: v128, r2: v128): v128 {
  if (i == 0) return r0;
  if (i == 3) return r2;
  const s = i == 1 ? f32x4.add(f32x4.add(r0, r1), r2) : f32x4.add(f32x4.sub(r0, r1), r2);
  return f32x4.mul(s, f32x4.splat(0.5));
}

/**
 * U = G g G^T of every output channel of w [3, 3, 1, K] (K % 4 == 0), written as [K / 4][16][4]:
 * group q's component (a, b) (a: the row transform, b: the column one) at u + q * 256 + (4a + b) * 16.
 */
function filterTransform(w: usize, K: i32, u: usize): void {
  const kB = <usize>K << 2;
  for (let q: usize = 0; q < <usize>(K >> 2); q++) {
    const wq = w + (q << 4), uq = u + q * GROUP_BYTES;
    for (let a = 0; a < 4; a++) {
      // Row a of G g: its three columns (filter columns kw = 0, 1, 2).
      const h0 = gRow(a, v128.load(wq), v128.load(wq + 3 * kB), v128.load(wq + 6 * kB));
      const h1 = gRow(a, v128.load(wq + kB), v128.load(wq + 4 * kB), v128.load(wq + 7 * kB));
      const h2 = gRow(a, v128.load(wq + 2 * kB), v128.load(wq + 5 * kB), v128.load(wq + 8 * kB));
      for (let b = 0; b < 4; b++) v128.store(uq + <usize>(4 * a + b) * 16, gRow(b, h0, h1, h2));
    }
  }
}

/**
 * B^T d B along one input row: (x0 - x2, x1 + x2, x2 - x1, x1 - x3) of the 4 floats at p, as
 * x[0, 1, 2, 1] + (x[2, 2, 1, 3] with lanes 0, 2, 3 negated): a + (-b) is a - b bit for bit.
 */
// @ts-ignore: decorator
@inline function rowTransform(p: usize): v128 {
  const v = v128.load(p);
  const a = i32x4.shuffle(v, v, 0, 1, 2, 1), b = i32x4.shuffle(v, v, 2, 2, 1, 3);
  return f32x4.add(a, v128.xor(b, i32x4(0x80000000, 0, 0x80000000, 0x80000000)));
}

/** Row a of a tile's V (components (a, 0..3)) as 4 splats at vt + (4a + b) * 16 (b = 0..3). */
// @ts-ignore: decorator
@inline function storeSplats(vt: usize, v: v128): void {
  v128.store(vt, i32x4.shuffle(v, v, 0, 0, 0, 0));
  v128.store(vt, i32x4.shuffle(v, v, 1, 1, 1, 1), 16);
  v128.store(vt, i32x4.shuffle(v, v, 2, 2, 2, 2), 32);
  v128.store(vt, i32x4.shuffle(v, v, 3, 3, 3, 3), 48);
}

/**
 * V = B^T d B of the tile whose top-left input is at p (rows rowB bytes apart), written as 16
 * splats (component (a, b) at vt + (4a + b) * 16): the products then load V as vectors, with
 * the offset in the instruction (V8 computes a splat load's address with a separate lea).
 */
// @ts-ignore: decorator
@inline function inputTransform(p: usize, rowB: usize, vt: usize): void {
  const e0 = rowTransform(p), e1 = rowTransform(p + rowB), e2 = rowTransform(p + 2 * rowB), e3 = rowTransform(p + 3 * rowB);
  storeSplats(vt, f32x4.sub(e0, e2));
  storeSplats(vt + 64, f32x4.add(e1, e2));
  storeSplats(vt + 128, f32x4.sub(e2, e1));
  storeSplats(vt + 192, f32x4.sub(e1, e3));
}

/** relu (1), relu then min(., 6) (2), or nothing (0). */
// @ts-ignore: decorator
@inline function activate(relu: i32, v: v128): v128 {
  if (relu == 0) return v;
  return relu == 2 ? cap6(relu4(v)) : relu4(v);
}

/**
 * One tile's outputs of one 4-channel group: y (when y != 0: top row at p0, bottom at p1, pixels
 * kB bytes apart, activated) and the pool (when pooled != 0, at pp; without y it pools first,
 * then activates: both are monotone, so for numbers the same bits).
 */
// @ts-ignore: decorator
@inline function emit(
  o00: v128, o01: v128, o10: v128, o11: v128, y: usize, p0: usize, p1: usize, kB: usize, pooled: usize, pp: usize, poolMode: i32, relu: i32,
): void {
  if (y != 0) {
    o00 = activate(relu, o00); o01 = activate(relu, o01); o10 = activate(relu, o10); o11 = activate(relu, o11);
    v128.store(p0, o00); v128.store(p0 + kB, o01); v128.store(p1, o10); v128.store(p1 + kB, o11);
  }
  if (pooled != 0) {
    // The generic window order: top-left, top-right, bottom-left, bottom-right.
    const p = poolMode == POOL_MIN
      ? f32x4.pmin(f32x4.pmin(f32x4.pmin(o00, o01), o10), o11)
      : f32x4.pmax(f32x4.pmax(f32x4.pmax(o00, o01), o10), o11);
    v128.store(pp, y == 0 ? activate(relu, p) : p);
  }
}

/** Bytes of workspace conv1Wino2x2 needs per thread: the transformed filter, one tile row's V, the fences. */
export function conv1Wino2x2WorkspaceBytes(W: i32, K: i32): i32 {
  return (K >> 2) * <i32>GROUP_BYTES + ((W - 2) >> 1) * 256 + 32;
}

/**
 * y [N, OH, OW, K] = act(x (*) w + bias) (bias 0: none; relu 0 none, 1 relu, 2 relu6) for a 3x3
 * filter w [3, 3, 1, K] over the (already padded) one-channel input x [N, H, W], stride 1,
 * K % 4 == 0, OH <= H - 2 and OW <= W - 2 both even: the top-left OH x OW of the conv's output
 * (less than all of it when the next op reads only that: Conv2DPool's crop). Computes the flattened tile rows
 * [r0, r0 + rows) (tile row r = n * OH / 2 + ty: output rows 2 ty and 2 ty + 1 of image n).
 * y == 0: y is not written. pooled != 0: also the 2x2 stride-2 pool (poolMode 0 max, 1 min) to
 * pooled [N, OH / 2, OW / 2, K]; its window is the tile. ws: conv1Wino2x2WorkspaceBytes.
 *
 * Every output value is the same function of its tile whatever the split, so any thread count
 * gives the same bits. Output transform Y = A^T M A, A^T = [1 1 1 0; 0 1 -1 -1], by rows first
 * (s_b = M0b + M1b + M2b, t_b = M1b - M2b - M3b), the bias added to M11, which all four outputs
 * take with a plus sign. The pool without y pools first, then applies the activation (both are
 * monotone, so for numbers the same bits as activating each value first).
 */
export function conv1Wino2x2(
  x: usize, H: i32, W: i32, OH: i32, OW: i32, w: usize, K: i32, bias: usize, y: usize, relu: i32,
  r0: i32, rows: i32, pooled: usize, poolMode: i32, ws: usize,
): void {
  const TH = OH >> 1, T = OW >> 1;
  const u = ws, vs = ws + <usize>(K >> 2) * GROUP_BYTES, fence = vs + (<usize>(OW >> 1) << 8);
  filterTransform(w, K, u);
  const rowB = <usize>W << 2, kB = <usize>K << 2;
  const zero = f32x4.splat(0);
  for (let r = r0; r < r0 + rows; r++) {
    const n = r / TH, ty = r % TH;
    const xr = x + (<usize>((n * H + 2 * ty) * W) << 2);
    for (let t = 0; t < T; t++) inputTransform(xr + (<usize>t << 3), rowB, vs + (<usize>t << 8));
    const y0 = y + <usize>((n * OH + 2 * ty) * OW) * kB, y1 = y0 + <usize>OW * kB;
    const pr = pooled + <usize>((n * TH + ty) * T) * kB;
    for (let t = 0; t < T; t++) {
      const vt = vs + (<usize>t << 8);
      const tB = <usize>(2 * t) * kB;
      // Groups of 4 channels two at a time (each V load feeds both), then one.
      // Column b of A^T M, M(a, b) = V(a, b) U(a, b) (immediate offsets: 4a + b vectors):
      // s_b = M0b + (M1b + M2b), t_b = (M1b - M2b) - M3b, the bias in M11; the outputs gather
      // column by column, o_i0 = c0 + c1 + c2, o_i1 = c1 - c2 - c3 (c: the s or t row). The store to
      // `fence` after each column (of a value that needs both s_b and t_b) keeps V8 from issuing
      // all the loads first and their products last (it then spilled): a later column's loads
      // may not pass a store, and the column's products must come before it.
      let q = 0;
      for (; q + 2 <= K >> 2; q += 2) {
        const uqA = u + <usize>q * GROUP_BYTES, uqB = uqA + GROUP_BYTES, qB = <usize>q << 4;
        const bqA = bias == 0 ? zero : v128.load(bias + qB), bqB = bias == 0 ? zero : v128.load(bias + qB, 16);
        const v0_0 = v128.load(vt, 0), v1_0 = v128.load(vt, 64), v2_0 = v128.load(vt, 128), v3_0 = v128.load(vt, 192);
        const p1A0 = f32x4.mul(v1_0, v128.load(uqA, 64)), p2A0 = f32x4.mul(v2_0, v128.load(uqA, 128));
        const sA0 = fma(v0_0, v128.load(uqA, 0), f32x4.add(p1A0, p2A0));
        const tA0 = fms(v3_0, v128.load(uqA, 192), f32x4.sub(p1A0, p2A0));
        let o00A = sA0, o10A = tA0;
        const p1B0 = f32x4.mul(v1_0, v128.load(uqB, 64)), p2B0 = f32x4.mul(v2_0, v128.load(uqB, 128));
        const sB0 = fma(v0_0, v128.load(uqB, 0), f32x4.add(p1B0, p2B0));
        const tB0 = fms(v3_0, v128.load(uqB, 192), f32x4.sub(p1B0, p2B0));
        let o00B = sB0, o10B = tB0;
        v128.store(fence, v128.xor(sA0, tA0), 0);
        v128.store(fence, v128.xor(sB0, tB0), 16);
        const v0_1 = v128.load(vt, 16), v1_1 = v128.load(vt, 80), v2_1 = v128.load(vt, 144), v3_1 = v128.load(vt, 208);
        const p1A1 = fma(v1_1, v128.load(uqA, 80), bqA), p2A1 = f32x4.mul(v2_1, v128.load(uqA, 144));
        const sA1 = fma(v0_1, v128.load(uqA, 16), f32x4.add(p1A1, p2A1));
        const tA1 = fms(v3_1, v128.load(uqA, 208), f32x4.sub(p1A1, p2A1));
        o00A = f32x4.add(o00A, sA1); let o01A = sA1; o10A = f32x4.add(o10A, tA1); let o11A = tA1;
        const p1B1 = fma(v1_1, v128.load(uqB, 80), bqB), p2B1 = f32x4.mul(v2_1, v128.load(uqB, 144));
        const sB1 = fma(v0_1, v128.load(uqB, 16), f32x4.add(p1B1, p2B1));
        const tB1 = fms(v3_1, v128.load(uqB, 208), f32x4.sub(p1B1, p2B1));
        o00B = f32x4.add(o00B, sB1); let o01B = sB1; o10B = f32x4.add(o10B, tB1); let o11B = tB1;
        v128.store(fence, v128.xor(sA1, tA1), 0);
        v128.store(fence, v128.xor(sB1, tB1), 16);
        const v0_2 = v128.load(vt, 32), v1_2 = v128.load(vt, 96), v2_2 = v128.load(vt, 160), v3_2 = v128.load(vt, 224);
        const p1A2 = f32x4.mul(v1_2, v128.load(uqA, 96)), p2A2 = f32x4.mul(v2_2, v128.load(uqA, 160));
        const sA2 = fma(v0_2, v128.load(uqA, 32), f32x4.add(p1A2, p2A2));
        const tA2 = fms(v3_2, v128.load(uqA, 224), f32x4.sub(p1A2, p2A2));
        o00A = f32x4.add(o00A, sA2); o01A = f32x4.sub(o01A, sA2); o10A = f32x4.add(o10A, tA2); o11A = f32x4.sub(o11A, tA2);
        const p1B2 = f32x4.mul(v1_2, v128.load(uqB, 96)), p2B2 = f32x4.mul(v2_2, v128.load(uqB, 160));
        const sB2 = fma(v0_2, v128.load(uqB, 32), f32x4.add(p1B2, p2B2));
        const tB2 = fms(v3_2, v128.load(uqB, 224), f32x4.sub(p1B2, p2B2));
        o00B = f32x4.add(o00B, sB2); o01B = f32x4.sub(o01B, sB2); o10B = f32x4.add(o10B, tB2); o11B = f32x4.sub(o11B, tB2);
        v128.store(fence, v128.xor(sA2, tA2), 0);
        v128.store(fence, v128.xor(sB2, tB2), 16);
        const v0_3 = v128.load(vt, 48), v1_3 = v128.load(vt, 112), v2_3 = v128.load(vt, 176), v3_3 = v128.load(vt, 240);
        const p1A3 = f32x4.mul(v1_3, v128.load(uqA, 112)), p2A3 = f32x4.mul(v2_3, v128.load(uqA, 176));
        const sA3 = fma(v0_3, v128.load(uqA, 48), f32x4.add(p1A3, p2A3));
        const tA3 = fms(v3_3, v128.load(uqA, 240), f32x4.sub(p1A3, p2A3));
        o01A = f32x4.sub(o01A, sA3); o11A = f32x4.sub(o11A, tA3);
        const p1B3 = f32x4.mul(v1_3, v128.load(uqB, 112)), p2B3 = f32x4.mul(v2_3, v128.load(uqB, 176));
        const sB3 = fma(v0_3, v128.load(uqB, 48), f32x4.add(p1B3, p2B3));
        const tB3 = fms(v3_3, v128.load(uqB, 240), f32x4.sub(p1B3, p2B3));
        o01B = f32x4.sub(o01B, sB3); o11B = f32x4.sub(o11B, tB3);
        emit(o00A, o01A, o10A, o11A, y, y0 + tB + qB, y1 + tB + qB, kB, pooled, pr + <usize>t * kB + qB, poolMode, relu);
        emit(o00B, o01B, o10B, o11B, y, y0 + tB + qB + 16, y1 + tB + qB + 16, kB, pooled, pr + <usize>t * kB + qB + 16, poolMode, relu);
      }
      if (q < K >> 2) {
        const uqA = u + <usize>q * GROUP_BYTES, qB = <usize>q << 4;
        const bqA = bias == 0 ? zero : v128.load(bias + qB);
        const p1A0 = f32x4.mul(v128.load(vt, 64), v128.load(uqA, 64)), p2A0 = f32x4.mul(v128.load(vt, 128), v128.load(uqA, 128));
        const sA0 = fma(v128.load(vt, 0), v128.load(uqA, 0), f32x4.add(p1A0, p2A0));
        const tA0 = fms(v128.load(vt, 192), v128.load(uqA, 192), f32x4.sub(p1A0, p2A0));
        let o00A = sA0, o10A = tA0;
        v128.store(fence, v128.xor(sA0, tA0), 0);
        const p1A1 = fma(v128.load(vt, 80), v128.load(uqA, 80), bqA), p2A1 = f32x4.mul(v128.load(vt, 144), v128.load(uqA, 144));
        const sA1 = fma(v128.load(vt, 16), v128.load(uqA, 16), f32x4.add(p1A1, p2A1));
        const tA1 = fms(v128.load(vt, 208), v128.load(uqA, 208), f32x4.sub(p1A1, p2A1));
        o00A = f32x4.add(o00A, sA1); let o01A = sA1; o10A = f32x4.add(o10A, tA1); let o11A = tA1;
        v128.store(fence, v128.xor(sA1, tA1), 0);
        const p1A2 = f32x4.mul(v128.load(vt, 96), v128.load(uqA, 96)), p2A2 = f32x4.mul(v128.load(vt, 160), v128.load(uqA, 160));
        const sA2 = fma(v128.load(vt, 32), v128.load(uqA, 32), f32x4.add(p1A2, p2A2));
        const tA2 = fms(v128.load(vt, 224), v128.load(uqA, 224), f32x4.sub(p1A2, p2A2));
        o00A = f32x4.add(o00A, sA2); o01A = f32x4.sub(o01A, sA2); o10A = f32x4.add(o10A, tA2); o11A = f32x4.sub(o11A, tA2);
        v128.store(fence, v128.xor(sA2, tA2), 0);
        const p1A3 = f32x4.mul(v128.load(vt, 112), v128.load(uqA, 112)), p2A3 = f32x4.mul(v128.load(vt, 176), v128.load(uqA, 176));
        const sA3 = fma(v128.load(vt, 48), v128.load(uqA, 48), f32x4.add(p1A3, p2A3));
        const tA3 = fms(v128.load(vt, 240), v128.load(uqA, 240), f32x4.sub(p1A3, p2A3));
        o01A = f32x4.sub(o01A, sA3); o11A = f32x4.sub(o11A, tA3);
        emit(o00A, o01A, o10A, o11A, y, y0 + tB + qB, y1 + tB + qB, kB, pooled, pr + <usize>t * kB + qB, poolMode, relu);
      }
    }
  }
}
