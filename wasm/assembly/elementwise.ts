// Elementwise float32 kernels: Binary (with the three broadcast layouts the optimizer and bias ops
// use), Unary and UnaryGrad for the piecewise-linear activations, and the leading-axes sum that
// gives bias gradients. Every function works on the element range [i0, i0 + count) so threads can
// split it. Semantics follow the reference backend bit for bit where float32 allows: comparisons
// and selects are written with masks (not f32x4.max) so NaN and ties behave like the TS code.

import {
  BINARY_ADD as ADD, BINARY_SUB as SUB, BINARY_MUL as MUL, BINARY_DIV as DIV, BINARY_MAX as MAX, BINARY_MIN as MIN,
  BINARY_RSUB as RSUB, BINARY_RDIV as RDIV, BINARY_EQ as EQ, BINARY_NE as NE, BINARY_GT as GT, BINARY_GE as GE,
  BINARY_LT as LT, BINARY_LE as LE, BROADCAST_SAME, BROADCAST_TILE, ACT_LINEAR, ACT_RELU, ACT_RELU6,
  UNARY_NEG as NEG, UNARY_ABS as ABS, UNARY_SQRT as SQRT, UNARY_SQUARE as SQUARE, UNARY_RELU as RELU,
  UNARY_RELU6 as RELU6, UNARY_LEAKY_RELU as LEAKY, UNARY_STEP as STEP,
} from './codes';

// @ts-ignore: decorator
@inline function bool01(m: v128): v128 {
  return v128.and(m, f32x4.splat(1));
}

// @ts-ignore: decorator
@inline function applyB(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    // x > y || x is NaN ? x : y   (the reference's NaN-propagating maximum)
    case MAX: return v128.bitselect(x, y, v128.or(f32x4.gt(x, y), f32x4.ne(x, x)));
    case MIN: return v128.bitselect(x, y, v128.or(f32x4.lt(x, y), f32x4.ne(x, x)));
    case RSUB: return f32x4.sub(y, x);
    case RDIV: return f32x4.div(y, x);
    case EQ: return bool01(f32x4.eq(x, y));
    case NE: return bool01(f32x4.ne(x, y));
    case GT: return bool01(f32x4.gt(x, y));
    case GE: return bool01(f32x4.ge(x, y));
    case LT: return bool01(f32x4.lt(x, y));
    default: return bool01(f32x4.le(x, y));
  }
}

/** out[i] = op(a[i], b[i]) for i in [0, n) (byte pointers already offset). */
// @ts-ignore: decorator
@inline function runSame(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyB(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(applyB(op, f32x4.splat(load<f32>(a + o)), f32x4.splat(load<f32>(b + o))), 0));
  }
}

/** out[i] = op(a[i], s) for i in [0, n). */
// @ts-ignore: decorator
@inline function runScalar(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyB(op, v128.load(a + o), sv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(applyB(op, f32x4.splat(load<f32>(a + o)), sv), 0));
  }
}

/**
 * out[i] = op(a[i], b[j(i)]) over [i0, i0 + count): mode 0 same shape (j = i), 1 tile (b is a
 * trailing block of m values, j = i % m), 2 stretch (each b value covers m consecutive outputs,
 * j = i / m; a scalar is stretch with m = total).
 */
export function binaryF32(op: i32, a: usize, b: usize, out: usize, i0: i32, count: i32, mode: i32, m: i32): void {
  const end = i0 + count;
  if (mode == BROADCAST_SAME) {
    const o = <usize>i0 << 2;
    runSame(op, a + o, b + o, out + o, count);
    return;
  }
  let i = i0;
  while (i < end) {
    const o = <usize>i << 2;
    if (mode == BROADCAST_TILE) {
      const j = i % m;
      const len = min(m - j, end - i);
      runSame(op, a + o, b + (<usize>j << 2), out + o, len);
      i += len;
    } else {
      const k = i / m;
      const len = min((k + 1) * m - i, end - i);
      runScalar(op, a + o, load<f32>(b + (<usize>k << 2)), out + o, len);
      i += len;
    }
  }
}


// @ts-ignore: decorator
@inline function applyU(op: i32, x: v128, alpha: v128): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case SQRT: return f32x4.sqrt(x);
    case SQUARE: return f32x4.mul(x, x);
    case RELU: return v128.bitselect(x, zero, f32x4.gt(x, zero));
    case RELU6: {
      // min(max(x, 0), 6) with NaN passing through, as Math.min/Math.max do.
      const six = f32x4.splat(6);
      let y = v128.bitselect(x, zero, f32x4.gt(x, zero));
      y = v128.bitselect(y, six, f32x4.lt(y, six));
      return v128.bitselect(x, y, f32x4.ne(x, x));
    }
    case LEAKY: return v128.bitselect(x, f32x4.mul(alpha, x), f32x4.gt(x, zero));
    case STEP: return bool01(f32x4.gt(x, zero));
    default: return f32x4.div(f32x4.splat(1), x);
  }
}

/** out = f(x) over [i0, i0 + count). */
export function unaryF32(op: i32, x: usize, out: usize, i0: i32, count: i32, alpha: f32): void {
  const av = f32x4.splat(alpha);
  const base = <usize>i0 << 2;
  x += base; out += base;
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyU(op, v128.load(x + o), av));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(applyU(op, f32x4.splat(load<f32>(x + o)), av), 0));
  }
}

/** f'(x) for the UnaryGrad codes (same numbering as unaryF32). */
// @ts-ignore: decorator
@inline function derivU(op: i32, x: v128, alpha: v128): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  switch (op) {
    case NEG: return f32x4.splat(-1);
    case ABS: return v128.or(bool01(f32x4.gt(x, zero)), v128.and(f32x4.lt(x, zero), f32x4.splat(-1)));
    case SQUARE: return f32x4.add(x, x);
    case RELU: return bool01(f32x4.gt(x, zero));
    case RELU6: return bool01(v128.and(f32x4.gt(x, zero), f32x4.lt(x, f32x4.splat(6))));
    case LEAKY: return v128.bitselect(one, alpha, f32x4.gt(x, zero));
    default: return zero; // STEP
  }
}

/** out = dy * f'(x) over [i0, i0 + count). */
export function unaryGradF32(op: i32, x: usize, dy: usize, out: usize, i0: i32, count: i32, alpha: f32): void {
  const av = f32x4.splat(alpha);
  const base = <usize>i0 << 2;
  x += base; dy += base; out += base;
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(dy + o), derivU(op, v128.load(x + o), av)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const d = derivU(op, f32x4.splat(load<f32>(x + o)), av);
    store<f32>(out + o, load<f32>(dy + o) * f32x4.extract_lane(d, 0));
  }
}

/**
 * part[c] (float64) = sum over rows [r0, min(rows, r0 + nrows)) of x[r, c], x [rows, cols] row-major.
 * Accumulates in float64 like the reference Reduce, rows in order.
 */
export function sumRowsF64(x: usize, cols: i32, rows: i32, r0: i32, nrows: i32, part: usize): void {
  memory.fill(part, 0, <usize>cols << 3);
  addRowsF64(x + <usize>r0 * (<usize>cols << 2), cols, min(nrows, rows - r0), part);
}

/**
 * part[c] (float64) += x[r, c] for rows r in [0, nrows), in row order (so adding a range in
 * several calls gives the same sums as one call).
 */
function addRowsF64(x: usize, cols: i32, nrows: i32, part: usize): void {
  const rowB = <usize>cols << 2;
  // Eight columns at a time with the sums in registers (the same additions, in the same order,
  // as accumulating in memory, without a store-to-load chain per row); the rest below.
  const c8 = cols & ~7;
  for (let c0 = 0; c0 < c8; c0 += 8) {
    const o = part + (<usize>c0 << 3);
    let a0 = v128.load(o), a1 = v128.load(o, 16), a2 = v128.load(o, 32), a3 = v128.load(o, 48);
    let q = x + (<usize>c0 << 2);
    for (let r = 0; r < nrows; r++) {
      const v0 = v128.load(q), v1 = v128.load(q, 16);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v0, v0, 2, 3, 0, 1)));
      a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1));
      a3 = f64x2.add(a3, f64x2.promote_low_f32x4(i32x4.shuffle(v1, v1, 2, 3, 0, 1)));
      q += rowB;
    }
    v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  }
  if (c8 == cols) return;
  let p = x;
  for (let r = 0; r < nrows; r++) {
    let c = c8;
    for (; c + 4 <= cols; c += 4) {
      const v = v128.load(p + (<usize>c << 2));
      const q = part + (<usize>c << 3);
      v128.store(q, f64x2.add(v128.load(q), f64x2.promote_low_f32x4(v)));
      v128.store(q, f64x2.add(v128.load(q, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; c < cols; c++) {
      const q = part + (<usize>c << 3);
      store<f64>(q, load<f64>(q) + <f64>load<f32>(p + (<usize>c << 2)));
    }
    p += rowB;
  }
}

/** Bytes of dz one biasActGradPart block covers: small enough to be re-read from L1. */
const BIAS_GRAD_BLOCK_BYTES = 8192;

/**
 * The backward of a fused bias + activation (act: ACT_LINEAR, ACT_RELU or ACT_RELU6) over rows [r0, r0 + nrows)
 * of [rows, cols]: dz = dy * act'(y), and part[c] (float64) = the sum of those dz rows, in row
 * order: the same sums sumRowsF64 gives on dz, in one pass over dy and y. Each block of rows is
 * written, then summed while it is still in L1.
 */
export function biasActGradPart(act: i32, dy: usize, y: usize, dz: usize, cols: i32, rows: i32, r0: i32, nrows: i32, part: usize): void {
  memory.fill(part, 0, <usize>cols << 3);
  nrows = min(nrows, rows - r0);
  const rowB = <usize>cols << 2;
  const block = max(1, BIAS_GRAD_BLOCK_BYTES / <i32>rowB);
  const zero = f32x4.splat(0), one = f32x4.splat(1), six = f32x4.splat(6);
  const base = <usize>r0 * rowB;
  dy += base; y += base; dz += base;
  for (let b = 0; b < nrows; b += block) {
    const count = min(block, nrows - b);
    const o0 = <usize>b * rowB;
    const n = <i32>(<usize>count * rowB) >> 2;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = o0 + (<usize>i << 2);
      const g = v128.load(dy + o);
      let mask = f32x4.gt(v128.load(y + o), zero);
      if (act == ACT_RELU6) mask = v128.and(mask, f32x4.lt(v128.load(y + o), six));
      v128.store(dz + o, act == ACT_LINEAR ? g : f32x4.mul(g, v128.and(mask, one)));
    }
    for (; i < n; i++) {
      const o = o0 + (<usize>i << 2);
      const g = load<f32>(dy + o);
      const v = load<f32>(y + o);
      const on = act == ACT_RELU ? v > 0 : v > 0 && v < 6;
      store<f32>(dz + o, act == ACT_LINEAR ? g : g * (on ? <f32>1 : <f32>0));
    }
    addRowsF64(dz + o0, cols, count, part);
  }
}

/** out[c] (float32) = sum of `parts` float64 partial rows (each `cols` long, contiguous), in order. */
export function sumPartsF64(parts: usize, nparts: i32, cols: i32, out: usize): void {
  for (let c = 0; c < cols; c++) {
    let s: f64 = 0;
    for (let p = 0; p < nparts; p++) s += load<f64>(parts + ((<usize>(p * cols + c)) << 3));
    store<f32>(out + (<usize>c << 2), <f32>s);
  }
}
