// Implicit-im2col convolutions for dilation-1 convs over an already padded NHWC input: the
// forward GEMM reads input rows in place through a table of pixel addresses (row r of the virtual
// patch matrix is KH segments of KW*C contiguous floats), and so does the filter gradient.
import { packB } from './gemm';
import { f } from './simd';
import { kernelC, kernelX } from './tile-kernels';

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
  // The next pixel's (image, row, column), stepped rather than divided out per pixel: with few
  // channels (a 1x1 stride-2 shortcut, C = 16) the divisions cost as much as the block's FMAs.
  let n = p0 / (OH * OW), oy = (p0 % (OH * OW)) / OW, ox = p0 % OW;
  for (let q = 0; q < count; q += mr) {
    const rows = min(mr, count - q);
    for (let r = 0; r < mr; r++) {
      if (r < rows) {
        store<u32>(rowt + (<usize>r << 2), <u32>f(x, <usize>((n * H + oy * sy) * W + ox * sx) * <usize>C));
        if (++ox == OW) { ox = 0; if (++oy == OH) { oy = 0; n++; } }
      } else {
        store<u32>(rowt + (<usize>r << 2), load<u32>(rowt + (<usize>(rows - 1) << 2)));
      }
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

