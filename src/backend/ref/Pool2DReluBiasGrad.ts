/**
 * Reference Pool2DReluBiasGrad: the backward through pool(relu(z + bias)) given the pool's input y
 * (the relu output) and the pool's upstream dy. By definition it is Pool2DGrad followed by
 * BiasActivationGrad(relu): dz = relu'(y) * Pool2DGrad(y, dy), dbias = dz summed over N, H, W.
 */
import type { KernelFn, KernelInputs, Pool2DAttrs } from '../kernels.js';
import { shapeToString } from '../../tensor/shape.js';
import { biasActivationGrad } from './BiasActivationGrad.js';
import { poolGeometry, type PoolGeometry } from './Pool2D.js';
import { pool2DGrad } from './Pool2DGrad.js';
import { freeHandle } from './storage.js';

/** Checks what every backend's Pool2DReluBiasGrad needs; returns the pooling geometry. */
export function checkPool2DReluBiasGrad({ y, dy }: KernelInputs<'Pool2DReluBiasGrad'>, attrs: Pool2DAttrs): PoolGeometry {
  const what = `Pool2DReluBiasGrad(${String(attrs.mode)})`;
  if (attrs.mode !== 'max' && attrs.mode !== 'min' && attrs.mode !== 'avg') {
    throw new Error(`${what}: mode must be 'max', 'min' or 'avg'`);
  }
  if (y.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`${what}: y and dy must be float32, got ${y.dtype} and ${dy.dtype}`);
  const geo = poolGeometry(what, y.shape, attrs);
  const want = [geo.batch, geo.outH, geo.outW, geo.channels];
  if (dy.shape.length !== 4 || !want.every((d, i) => d === dy.shape[i])) {
    throw new Error(`${what}: expected dy of shape ${shapeToString(want)} (the pool's output) for y ${shapeToString(y.shape)}, got ${shapeToString(dy.shape)}`);
  }
  return geo;
}

export const pool2DReluBiasGrad: KernelFn<'Pool2DReluBiasGrad'> = (inputs, attrs) => {
  checkPool2DReluBiasGrad(inputs, attrs);
  const routed = pool2DGrad({ x: inputs.y, dy: inputs.dy }, attrs);
  const grads = biasActivationGrad({ dy: routed, y: inputs.y }, { activation: 'relu' });
  freeHandle(routed.handle);
  return grads;
};
