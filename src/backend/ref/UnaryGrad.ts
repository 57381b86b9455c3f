/** dx = dy * f'(x) for every UnaryOp, with the analytic derivatives of unary-math.ts. */
import type { KernelFn } from '../kernels.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { dataOf, output } from './storage.js';
import { unaryDef } from './unary-math.js';

export const unaryGrad: KernelFn<'UnaryGrad'> = ({ x, dy }, { op, alpha }) => {
  const { df } = unaryDef('UnaryGrad', op);
  if (!shapesEqual(x.shape, dy.shape)) {
    throw new Error(`UnaryGrad(${op}): dy shape must equal x shape ${shapeToString(x.shape)}, got ${shapeToString(dy.shape)}`);
  }
  const xs = dataOf(x);
  const dys = dataOf(dy);
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = dys[i] * df(xs[i], alpha);
  return output(x.shape, 'float32', out);
};
