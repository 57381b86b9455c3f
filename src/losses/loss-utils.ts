/** Shape checks and small helpers shared by the losses (and the metrics). */
import { maximum, minimum } from '../ops/binary.js';
import { reshape } from '../ops/shape-ops.js';
import { shapesEqual, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Keras' backend epsilon: keeps log() away from 0 when losses read probabilities. */
export const EPSILON = 1e-7;

/** min(max(x, lo), hi), differentiable inside the range (zero gradient where clipped). */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  return minimum(maximum(x, lo), hi);
}

export function requireFloat(name: string, what: string, t: Tensor): void {
  if (t.dtype !== 'float32') throw new Error(`${name}: ${what} must be float32, got ${t.dtype} of shape ${shapeToString(t.shape)}`);
}

/**
 * yTrue viewed with yPred's shape. Like Keras, a trailing axis of size 1 on either side is
 * tolerated ([N] vs [N, 1]); any other mismatch is an error naming both shapes.
 */
export function matchShapes(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  requireFloat(name, 'yPred', yPred);
  requireFloat(name, 'yTrue', yTrue);
  if (shapesEqual(yTrue.shape, yPred.shape)) return yTrue;
  const [t, p] = [yTrue.shape, yPred.shape];
  const trailingOne = (long: readonly number[], short: readonly number[]) =>
    long.length === short.length + 1 && long[long.length - 1] === 1 && shapesEqual(long.slice(0, -1), short);
  if (trailingOne(t, p) || trailingOne(p, t)) return reshape(yTrue, p);
  throw new Error(`${name}: yTrue shape ${shapeToString(t)} does not match yPred shape ${shapeToString(p)}`);
}
