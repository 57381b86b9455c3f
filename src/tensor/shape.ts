/** Shape arithmetic shared by ops, layers and kernels. Pure functions, no tensors. */
export type Shape = readonly number[];

// Indexed loops, not for-of or every(): these run several times per kernel call on shapes of
// every kind (frozen, plain, typed), where V8 left the iterators allocated (22 KB per seed-CNN step).
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function shapeToString(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides: strides[i] = product of shape[i+1..]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy broadcasting: align on the right, 1 stretches. Throws naming both shapes. */
export function broadcastShapes(a: Shape, b: Shape, opName = 'broadcast'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${opName}: shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalizes a possibly negative axis against a rank, with a clear error. */
export function normalizeAxis(axis: number, rank: number, opName: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new Error(`${opName}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/**
 * Output length of a convolution or pooling window along one axis:
 *   out = floor((n + padTotal - d*(k-1) - 1) / s) + 1
 * (the formula in every CNN course; `padTotal` = padding before + after).
 */
export function convOutputSize(n: number, k: number, s = 1, padTotal = 0, d = 1): number {
  return Math.floor((n + padTotal - d * (k - 1) - 1) / s) + 1;
}

/**
 * 'same' padding as TensorFlow/Keras define it: output = ceil(n / s), the extra row or column
 * (when the total is odd) goes at the end (bottom/right). Returns [before, after].
 */
export function samePadding(n: number, k: number, s: number, d = 1): [number, number] {
  const effectiveK = d * (k - 1) + 1;
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + effectiveK - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
