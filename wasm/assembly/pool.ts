// 2-D pooling over NHWC and its gradient. Windows are clipped to the real input (padded cells never
// take part), the first real cell seeds each window, and max/min keep the first winner on ties
// (strict comparisons, NaN never wins unless first), exactly as the reference backend does.
// Threads split images: [n0, n1).

import { biasActGradPart } from './elementwise';

import { ACT_RELU, POOL_AVG, POOL_MIN as MINP } from './codes';

/** Does v beat the current best? (mode 0: v > best, 1: v < best) as a lane mask. */
// @ts-ignore: decorator
@inline function beats(mode: i32, v: v128, best: v128): v128 {
  return mode == MINP ? f32x4.lt(v, best) : f32x4.gt(v, best);
}

/**
 * y [N, OH, OW, C] = pool of x [N, H, W, C] (mode 0 max, 1 min, 2 avg) for images [n0, n1).
 */
export function pool2d(
  mode: i32, x: usize, H: i32, W: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32, padT: i32, padL: i32,
  OH: i32, OW: i32, y: usize, n0: i32, n1: i32,
): void {
  if (isPlain2x2(mode, C, ph, pw, sh, sw, padT, padL)) {
    pool2x2(mode, x, H, W, C, OH, OW, y, n0, n1);
    return;
  }
  const Cz = <usize>C;
  const cB = Cz << 2;
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * sh - padT;
      const h0 = max(0, top), h1 = min(H, top + ph);
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * sw - padL;
        const w0 = max(0, left), w1 = min(W, left + pw);
        const yo = y + <usize>((n * OH + oh) * OW + ow) * cB;
        const first = x + <usize>((n * H + h0) * W + w0) * cB;
        const rowB = <usize>W * cB;
        const nh = h1 - h0, nw = w1 - w0;
        let c: usize = 0;
        for (; c + 4 <= Cz; c += 4) {
          const off = c << 2;
          let acc = v128.load(first + off);
          let rp = first;
          for (let i = 0; i < nh; i++) {
            let cp = rp;
            for (let j = 0; j < nw; j++) {
              if (i | j) {
                const v = v128.load(cp + off);
                if (mode == POOL_AVG) acc = f32x4.add(acc, v);
                else acc = v128.bitselect(v, acc, beats(mode, v, acc));
              }
              cp += cB;
            }
            rp += rowB;
          }
          if (mode == POOL_AVG) acc = f32x4.div(acc, f32x4.splat(<f32>(nh * nw)));
          v128.store(yo + off, acc);
        }
        for (; c < Cz; c++) {
          const off = c << 2;
          let acc = load<f32>(first + off);
          let rp = first;
          for (let i = 0; i < nh; i++) {
            let cp = rp;
            for (let j = 0; j < nw; j++) {
              if (i | j) {
                const v = load<f32>(cp + off);
                if (mode == POOL_AVG) acc += v;
                else if (mode == MINP ? v < acc : v > acc) acc = v;
              }
              cp += cB;
            }
            rp += rowB;
          }
          if (mode == POOL_AVG) acc /= <f32>(nh * nw);
          store<f32>(yo + off, acc);
        }
      }
    }
  }
}

/**
 * dx [N, H, W, C] of pool2d for upstream dy [N, OH, OW, C], images [n0, n1). max/min: dy goes to
 * the window's first winner (found as a per-lane cell index); avg: dy / count to every real cell.
 * Overlapping windows accumulate in window order.
 */
export function pool2dGrad(
  mode: i32, x: usize, dy: usize, H: i32, W: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32,
  padT: i32, padL: i32, OH: i32, OW: i32, dx: usize, n0: i32, n1: i32,
): void {
  const Cz = <usize>C;
  const cB = Cz << 2;
  const img = <usize>(H * W) * cB;
  if (isPlain2x2(mode, C, ph, pw, sh, sw, padT, padL)) {
    // Every cell is written once, except rows/columns past the last window (odd sizes).
    if (H != 2 * OH || W != 2 * OW) memory.fill(dx + <usize>n0 * img, 0, <usize>(n1 - n0) * img);
    pool2x2Grad(mode, x, dy, H, W, C, OH, OW, dx, n0, n1);
    return;
  }
  memory.fill(dx + <usize>n0 * img, 0, <usize>(n1 - n0) * img);
  const rowB = <usize>W * cB;
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * sh - padT;
      const h0 = max(0, top), h1 = min(H, top + ph);
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * sw - padL;
        const w0 = max(0, left), w1 = min(W, left + pw);
        const nh = h1 - h0, nw = w1 - w0;
        const g = dy + <usize>((n * OH + oh) * OW + ow) * cB;
        const cell0 = <usize>((n * H + h0) * W + w0) * cB;
        const first = x + cell0, dfirst = dx + cell0;
        if (mode == POOL_AVG) {
          avgGradWindow(g, dfirst, Cz, nh, nw, rowB, cB);
          continue;
        }
        let c: usize = 0;
        for (; c + 4 <= Cz; c += 4) {
          const off = c << 2;
          // pass 1: winner value and index (cell number in the window) per lane
          let best = v128.load(first + off);
          let idx = i32x4.splat(0);
          let rp = first;
          for (let i = 0; i < nh; i++) {
            let cp = rp;
            for (let j = 0; j < nw; j++) {
              const v = v128.load(cp + off);
              const m = beats(mode, v, best);
              best = v128.bitselect(v, best, m);
              idx = v128.bitselect(i32x4.splat(i * nw + j), idx, m);
              cp += cB;
            }
            rp += rowB;
          }
          // pass 2: add dy to the winning cell of each lane
          const gv = v128.load(g + off);
          let dp = dfirst;
          for (let i = 0; i < nh; i++) {
            let cp = dp;
            for (let j = 0; j < nw; j++) {
              // Branch-free: which lanes win varies from window to window (ties among relu zeros).
              const m = i32x4.eq(idx, i32x4.splat(i * nw + j));
              v128.store(cp + off, f32x4.add(v128.load(cp + off), v128.and(gv, m)));
              cp += cB;
            }
            dp += rowB;
          }
        }
        for (; c < Cz; c++) {
          const off = c << 2;
          let best = load<f32>(first + off);
          let bi: usize = 0;
          let rp = first;
          for (let i = 0; i < nh; i++) {
            let cp = rp;
            for (let j = 0; j < nw; j++) {
              const v = load<f32>(cp + off);
              if (mode == MINP ? v < best : v > best) { best = v; bi = cp - first; }
              cp += cB;
            }
            rp += rowB;
          }
          const d = dfirst + bi + off;
          store<f32>(d, load<f32>(d) + load<f32>(g + off));
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function avgGradWindow(g: usize, dfirst: usize, Cz: usize, nh: i32, nw: i32, rowB: usize, cB: usize): void {
  const cnt = <f32>(nh * nw);
  let c: usize = 0;
  for (; c + 4 <= Cz; c += 4) {
    const off = c << 2;
    const gv = f32x4.div(v128.load(g + off), f32x4.splat(cnt));
    let dp = dfirst;
    for (let i = 0; i < nh; i++) {
      let cp = dp;
      for (let j = 0; j < nw; j++) { v128.store(cp + off, f32x4.add(v128.load(cp + off), gv)); cp += cB; }
      dp += rowB;
    }
  }
  for (; c < Cz; c++) {
    const off = c << 2;
    const gv = load<f32>(g + off) / cnt;
    let dp = dfirst;
    for (let i = 0; i < nh; i++) {
      let cp = dp;
      for (let j = 0; j < nw; j++) { store<f32>(cp + off, load<f32>(cp + off) + gv); cp += cB; }
      dp += rowB;
    }
  }
}

/** Max/min pooling with 2x2 windows, stride 2, no padding, C % 4 == 0: the seed CNN's pools. */
// @ts-ignore: decorator
@inline function isPlain2x2(mode: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32, padT: i32, padL: i32): bool {
  return mode != POOL_AVG && (C & 3) == 0 && ph == 2 && pw == 2 && sh == 2 && sw == 2 && padT == 0 && padL == 0;
}

/**
 * pool2d for plain 2x2 windows: four loads and three selects per 4 channels, no loops over the
 * window. Cells are compared in the generic order (row-major), so ties and NaN resolve alike.
 */
function pool2x2(mode: i32, x: usize, H: i32, W: i32, C: i32, OH: i32, OW: i32, y: usize, n0: i32, n1: i32): void {
  const cB = <usize>C << 2;
  const rowB = <usize>W * cB;
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = x + <usize>((n * H + 2 * oh) * W) * cB;
      pool2x2Row(mode, top, top + rowB, C, OW, y + <usize>((n * OH + oh) * OW) * cB);
    }
  }
}

/**
 * One output row of plain 2x2 pooling (mode 0 max, 1 min; C % 4 == 0): out[ow] = the winner of
 * top[2 ow], top[2 ow + 1], bottom[2 ow], bottom[2 ow + 1] in that order (the generic order, so
 * ties and NaN resolve alike). Also the pooling epilogue of conv1Forward3x3.
 */
export function pool2x2Row(mode: i32, top: usize, bottom: usize, C: i32, OW: i32, out: usize): void {
  const cB = <usize>C << 2;
  let src = top, below = bottom, dst = out;
  for (let ow = 0; ow < OW; ow++) {
    for (let off: usize = 0; off < cB; off += 16) v128.store(dst + off, pool2x2At(mode, src + off, below + off, cB));
    src += cB << 1;
    below += cB << 1;
    dst += cB;
  }
}

/**
 * The winner of one 2x2 window, 4 channels: top[0], top[cB], bottom[0], bottom[cB] compared in
 * that order (the generic order: ties and NaN resolve alike). Also Winograd's pooling epilogue.
 */
// @ts-ignore: decorator
@inline export function pool2x2At(mode: i32, top: usize, bottom: usize, cB: usize): v128 {
  const a = v128.load(top), b = v128.load(top + cB), c = v128.load(bottom), d = v128.load(bottom + cB);
  // pmax(acc, v) = acc < v ? v : acc, i.e. v where it beats acc (NaN never beats, ties keep acc):
  // the bitselect on beats() in one instruction (V8), the same bits.
  if (mode == MINP) return f32x4.pmin(f32x4.pmin(f32x4.pmin(a, b), c), d);
  return f32x4.pmax(f32x4.pmax(f32x4.pmax(a, b), c), d);
}

/**
 * The backward through pool(relu(z + bias)) for images [n0, n1), given the pool's input y (the
 * relu output) and its upstream dy: dz = relu'(y) * pool2dGrad(y, dy), and parts[n] (float64,
 * C values per image) = image n's dz summed over its cells. Where the unfused kernels made three
 * passes over memory, plain 2x2 windows take one (route, mask and sum per window), and others
 * route an image, then mask and sum it while it is still in cache. The parts are per image, so
 * the caller's ordered sum of them does not depend on the threads.
 */
export function poolReluBiasGradPart(
  mode: i32, y: usize, dy: usize, H: i32, W: i32, C: i32, ph: i32, pw: i32, sh: i32, sw: i32,
  padT: i32, padL: i32, OH: i32, OW: i32, dz: usize, n0: i32, n1: i32, parts: usize,
): void {
  const cells = H * W;
  const plain = isPlain2x2(mode, C, ph, pw, sh, sw, padT, padL);
  for (let n = n0; n < n1; n++) {
    const part = parts + (<usize>(n * C) << 3);
    if (plain) {
      pool2x2ReluBiasGrad(mode, y, dy, H, W, C, OH, OW, dz, n, part);
      continue;
    }
    pool2dGrad(mode, y, dy, H, W, C, ph, pw, sh, sw, padT, padL, OH, OW, dz, n, n + 1);
    // In place (dy = dz): each value is read before it is written.
    biasActGradPart(ACT_RELU, dz, y, dz, C, (n + 1) * cells, n * cells, cells, part);
  }
}

/**
 * pool2dGrad for plain 2x2 windows: windows do not overlap, so each cell is stored once (dy on
 * the window's first winner, 0 elsewhere; the 0 + ... keeps the generic path's signed zeros).
 */
function pool2x2Grad(mode: i32, x: usize, dy: usize, H: i32, W: i32, C: i32, OH: i32, OW: i32, dx: usize, n0: i32, n1: i32): void {
  for (let n = n0; n < n1; n++) pool2x2GradImage(mode, x, dy, H, W, C, OH, OW, dx, n, false, 0);
}

/**
 * poolReluBiasGradPart of image n for plain 2x2 windows: each window's dy, masked by relu'(winner),
 * goes to its winner (the other three cells get 0) and into the image's float64 bias sums. The
 * windows do not overlap, so those sums are the sums of dz over the image's cells.
 */
function pool2x2ReluBiasGrad(mode: i32, y: usize, dy: usize, H: i32, W: i32, C: i32, OH: i32, OW: i32, dz: usize, n: i32, part: usize): void {
  const img = <usize>(H * W) * (<usize>C << 2);
  // Rows and columns past the last window (odd sizes) get no gradient.
  if (H != 2 * OH || W != 2 * OW) memory.fill(dz + <usize>n * img, 0, img);
  memory.fill(part, 0, <usize>C << 3);
  pool2x2GradImage(mode, y, dy, H, W, C, OH, OW, dz, n, true, part);
}

/**
 * One image of 2x2 pooling's gradient, the windows' cells in the generic order (row-major, so
 * ties and NaN resolve alike). With `relu` (a constant at both call sites, folded when inlined)
 * each value is also multiplied by relu'(winner) and the winners' values added to `part`.
 */
// @ts-ignore: decorator
@inline function pool2x2GradImage(mode: i32, x: usize, dy: usize, H: i32, W: i32, C: i32, OH: i32, OW: i32, dx: usize, n: i32, relu: bool, part: usize): void {
  const cB = <usize>C << 2;
  const rowB = <usize>W * cB;
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  const i0 = i32x4.splat(0), i1 = i32x4.splat(1), i2 = i32x4.splat(2), i3 = i32x4.splat(3);
  for (let oh = 0; oh < OH; oh++) {
    const cell = <usize>((n * H + 2 * oh) * W) * cB;
    let src = x + cell, dst = dx + cell;
    let g = dy + <usize>((n * OH + oh) * OW) * cB;
    for (let ow = 0; ow < OW; ow++) {
      for (let off: usize = 0; off < cB; off += 16) {
        let best = v128.load(src + off);
        let idx = i0;
        const b = v128.load(src + cB + off);
        let m = beats(mode, b, best);
        best = v128.bitselect(b, best, m);
        idx = v128.bitselect(i1, idx, m);
        const c = v128.load(src + rowB + off);
        m = beats(mode, c, best);
        best = v128.bitselect(c, best, m);
        idx = v128.bitselect(i2, idx, m);
        const d = v128.load(src + rowB + cB + off);
        m = beats(mode, d, best);
        best = v128.bitselect(d, best, m);
        idx = v128.bitselect(i3, idx, m);
        const gv = v128.load(g + off);
        // (0 + routed dy) * relu'(y): Pool2DGrad's then BiasActivationGrad's arithmetic, so the
        // fused values (signed zeros and NaN included) equal the unfused kernels' bit for bit.
        const mask = v128.and(f32x4.gt(best, zero), one);
        v128.store(dst + off, routed(gv, idx, i0, mask, relu));
        v128.store(dst + cB + off, routed(gv, idx, i1, mask, relu));
        v128.store(dst + rowB + off, routed(gv, idx, i2, mask, relu));
        v128.store(dst + rowB + cB + off, routed(gv, idx, i3, mask, relu));
        if (relu) {
          // The winners' values; the other cells add zeros.
          const won = f32x4.mul(f32x4.add(zero, gv), mask);
          const q = part + (off << 1);
          v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(won)));
          v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(i32x4.shuffle(won, won, 2, 3, 0, 1))), 16);
        }
      }
      src += cB << 1;
      dst += cB << 1;
      g += cB;
    }
  }
}

/** The value cell `k` of a 2x2 window receives: dy where it won, else 0; masked with `relu`. */
// @ts-ignore: decorator
@inline function routed(gv: v128, idx: v128, k: v128, mask: v128, relu: bool): v128 {
  const v = f32x4.add(f32x4.splat(0), v128.and(gv, i32x4.eq(idx, k)));
  return relu ? f32x4.mul(v, mask) : v;
}
