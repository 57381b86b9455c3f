/**
 * Mean and (biased) variance per index of the kept axes, accumulated batch by batch in float64:
 * each batch's moments by two passes, merged with the running ones by Chan et al.'s parallel
 * rule, so `Normalization.adapt` can read a data set of any size one batch at a time and get the
 * statistics of the whole.
 */
import { sizeOf } from '../../tensor/shape.js';

export class Moments {
  /** Values seen per slot (every slot sees as many). */
  count = 0;
  readonly mean: Float64Array;
  /** Sum of squared deviations from the mean, per slot. */
  readonly m2: Float64Array;

  /** `kept`: the input shape with 1 on every reduced axis (the statistics' broadcast shape). */
  constructor(readonly kept: readonly number[]) {
    this.mean = new Float64Array(sizeOf(kept));
    this.m2 = new Float64Array(sizeOf(kept));
  }

  /** Adds a batch of `values` of shape `shape` (same rank as `kept`, kept axes equal). */
  add(values: ArrayLike<number>, shape: readonly number[]): void {
    const slots = this.mean.length;
    const slotOf = slotIndexer(shape, this.kept);
    const n = values.length / slots;
    if (n === 0) return;
    const mean = new Float64Array(slots);
    const m2 = new Float64Array(slots);
    for (let i = 0; i < values.length; i++) mean[slotOf(i)] += values[i];
    for (let s = 0; s < slots; s++) mean[s] /= n;
    for (let i = 0; i < values.length; i++) {
      const s = slotOf(i);
      const d = values[i] - mean[s];
      m2[s] += d * d;
    }
    const total = this.count + n;
    for (let s = 0; s < slots; s++) {
      const delta = mean[s] - this.mean[s];
      this.mean[s] += (delta * n) / total;
      this.m2[s] += m2[s] + (delta * delta * this.count * n) / total;
    }
    this.count = total;
  }

  get variance(): Float64Array {
    return Float64Array.from(this.m2, (v) => v / this.count);
  }
}

/** Maps a flat index of `shape` to the flat index of its kept coordinates (`kept` has 1 elsewhere). */
function slotIndexer(shape: readonly number[], kept: readonly number[]): (i: number) => number {
  const rank = shape.length;
  return (i) => {
    let rest = i;
    let slot = 0;
    let stride = 1;
    for (let a = rank - 1; a >= 0; a--) {
      const coord = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
      if (kept[a] !== 1) {
        slot += coord * stride;
        stride *= kept[a];
      }
    }
    return slot;
  };
}
