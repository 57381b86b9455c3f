/**
 * Elementwise y = f(x) for every UnaryOp (definitions in unary-math.ts). Computed in float64 and
 * stored as float32. int32 inputs stay int32 for the ops that map integers to integers (neg, abs,
 * square, sign, relu); every other op returns float32.
 */
import type { KernelFn, UnaryOp } from '../kernels.js';
import { dataOf, output } from './storage.js';
import { unaryDef } from './unary-math.js';

const INT_PRESERVING = new Set<UnaryOp>(['neg', 'abs', 'square', 'sign', 'relu']);

export const unary: KernelFn<'Unary'> = ({ x }, { op, alpha }) => {
  const { f } = unaryDef('Unary', op);
  const xs = dataOf(x);
  if (x.dtype === 'int32' && INT_PRESERVING.has(op)) {
    // Math.imul keeps square exact modulo 2^32, as int32 arithmetic does elsewhere.
    const g = op === 'square' ? (v: number) => Math.imul(v, v) : (v: number) => f(v, alpha);
    return output(x.shape, 'int32', Int32Array.from(xs, g));
  }
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = f(xs[i], alpha);
  return output(x.shape, 'float32', out);
};
