// BatchNormalization in training mode over the last axis of x [rows, C] (NHWC: rows = N * H * W),
// forward and backward in two passes each: per-channel sums over a fixed block of rows into a
// float64 part (the caller adds the parts in order, so sums do not depend on the thread count),
// then one elementwise pass with per-channel coefficients the caller computes from the sums.

// @ts-ignore: decorator
@inline function lowF64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function highF64(v: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)); }

/**
 * Part `part` of the channel sums over rows [part * perPart, min(rows, (part + 1) * perPart)):
 * out (float64 [C], at out + part * C * 8) = sum of x when centered is 0, else sum of
 * (x - mean)^2 with mean [C] (the difference and its square in float32, summed in float64).
 */
export function bnMomentPart(x: usize, rows: i32, C: i32, mean: usize, centered: i32, perPart: i32, part: i32, out: usize): void {
  const o = out + <usize>part * (<usize>C << 3);
  memory.fill(o, 0, <usize>C << 3);
  const r0 = part * perPart, r1 = min(rows, r0 + perPart);
  const rowB = <usize>C << 2;
  const c4 = <usize>(C & ~3);
  for (let r = r0; r < r1; r++) {
    const p = x + <usize>r * rowB;
    let c: usize = 0;
    for (; c < c4; c += 4) {
      let v = v128.load(p + (c << 2));
      if (centered) {
        const d = f32x4.sub(v, v128.load(mean + (c << 2)));
        v = f32x4.mul(d, d);
      }
      const s = o + (c << 3);
      v128.store(s, f64x2.add(v128.load(s), lowF64(v)));
      v128.store(s, f64x2.add(v128.load(s, 16), highF64(v)), 16);
    }
    for (; c < <usize>C; c++) {
      let v = load<f32>(p + (c << 2));
      if (centered) {
        const d = v - load<f32>(mean + (c << 2));
        v = d * d;
      }
      store<f64>(o + (c << 3), load<f64>(o + (c << 3)) + <f64>v);
    }
  }
}

/**
 * Part `part` of the backward's channel sums over the same row blocks: out (float64 [2, C], at
 * out + part * 2 * C * 8) = [sum of dy, sum of dy * (x - mean)].
 */
export function bnGradSumsPart(dy: usize, x: usize, mean: usize, rows: i32, C: i32, perPart: i32, part: i32, out: usize): void {
  const o = out + <usize>part * (<usize>C << 4);
  const o2 = o + (<usize>C << 3);
  memory.fill(o, 0, <usize>C << 4);
  const r0 = part * perPart, r1 = min(rows, r0 + perPart);
  const rowB = <usize>C << 2;
  const c4 = <usize>(C & ~3);
  for (let r = r0; r < r1; r++) {
    const g = dy + <usize>r * rowB, p = x + <usize>r * rowB;
    let c: usize = 0;
    for (; c < c4; c += 4) {
      const gv = v128.load(g + (c << 2));
      const prod = f32x4.mul(gv, f32x4.sub(v128.load(p + (c << 2)), v128.load(mean + (c << 2))));
      const s = o + (c << 3), t = o2 + (c << 3);
      v128.store(s, f64x2.add(v128.load(s), lowF64(gv)));
      v128.store(s, f64x2.add(v128.load(s, 16), highF64(gv)), 16);
      v128.store(t, f64x2.add(v128.load(t), lowF64(prod)));
      v128.store(t, f64x2.add(v128.load(t, 16), highF64(prod)), 16);
    }
    for (; c < <usize>C; c++) {
      const gv = load<f32>(g + (c << 2));
      const prod = gv * (load<f32>(p + (c << 2)) - load<f32>(mean + (c << 2)));
      store<f64>(o + (c << 3), load<f64>(o + (c << 3)) + <f64>gv);
      store<f64>(o2 + (c << 3), load<f64>(o2 + (c << 3)) + <f64>prod);
    }
  }
}

/**
 * For rows [r0, r0 + nrows): out = (x - mean) * a + b when k is 0 (the forward: a = gamma / std,
 * b = beta), else out = a * dy - b - (x - mean) * k (the input gradient), all per channel [C].
 * `dy` is read only for the gradient.
 */
export function bnApply(x: usize, dy: usize, mean: usize, a: usize, b: usize, k: usize, C: i32, out: usize, r0: i32, nrows: i32): void {
  const rowB = <usize>C << 2;
  const c4 = <usize>(C & ~3);
  const grad = k != 0;
  for (let r = r0; r < r0 + nrows; r++) {
    const off = <usize>r * rowB;
    let c: usize = 0;
    for (; c < c4; c += 4) {
      const q = c << 2;
      const d = f32x4.sub(v128.load(x + off + q), v128.load(mean + q));
      let v: v128;
      if (grad) {
        v = f32x4.sub(f32x4.sub(f32x4.mul(v128.load(a + q), v128.load(dy + off + q)), v128.load(b + q)), f32x4.mul(d, v128.load(k + q)));
      } else {
        v = f32x4.add(f32x4.mul(d, v128.load(a + q)), v128.load(b + q));
      }
      v128.store(out + off + q, v);
    }
    for (; c < <usize>C; c++) {
      const q = c << 2;
      const d = load<f32>(x + off + q) - load<f32>(mean + q);
      const v = grad
        ? load<f32>(a + q) * load<f32>(dy + off + q) - load<f32>(b + q) - d * load<f32>(k + q)
        : d * load<f32>(a + q) + load<f32>(b + q);
      store<f32>(out + off + q, v);
    }
  }
}
