/**
 * Backward of a fused bias + activation: dz = dy * act'(y) and dbias = dz summed over every axis
 * but the last, with float64 sums like Reduce. act' is read from the activation's output y: for
 * relu, y > 0 exactly where the pre-activation was > 0; for relu6, 0 < y < 6.
 */
import type { FusedActivation, KernelFn, KernelInputs } from '../kernels.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { dataOf, output } from './storage.js';

/** Checks what every backend's BiasActivationGrad needs; returns [rows, channels]. */
export function checkBiasActivationGrad({ dy, y }: KernelInputs<'BiasActivationGrad'>, activation: FusedActivation): [number, number] {
  const what = `BiasActivationGrad(${String(activation)})`;
  if (activation !== 'linear' && activation !== 'relu' && activation !== 'relu6') throw new Error(`${what}: activation must be 'linear', 'relu' or 'relu6'`);
  if (dy.dtype !== 'float32' || y.dtype !== 'float32') throw new Error(`${what}: dy and y must be float32, got ${dy.dtype} and ${y.dtype}`);
  if (!shapesEqual(dy.shape, y.shape)) {
    throw new Error(`${what}: dy must have y's shape ${shapeToString(y.shape)}, got ${shapeToString(dy.shape)}`);
  }
  if (y.shape.length === 0) throw new Error(`${what}: y must have a channel axis, got a scalar`);
  const channels = y.shape[y.shape.length - 1]!;
  const size = y.shape.reduce((a, b) => a * b, 1);
  return [channels === 0 ? 0 : size / channels, channels];
}

/** Where act'(z) = 1, read from y = act(z) (null: everywhere). relu6's y is in (0, 6) exactly where z is. */
const ACTIVE: Record<FusedActivation, ((y: number) => boolean) | null> = {
  linear: null,
  relu: (y) => y > 0,
  relu6: (y) => y > 0 && y < 6,
};

export const biasActivationGrad: KernelFn<'BiasActivationGrad'> = (inputs, { activation }) => {
  const [rows, channels] = checkBiasActivationGrad(inputs, activation);
  const dz = output(inputs.y.shape, 'float32');
  const dbias = output([channels], 'float32');
  const dys = dataOf(inputs.dy), ys = dataOf(inputs.y), dzs = dataOf(dz);
  const on = ACTIVE[activation];
  const acc = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const g = on === null ? dys[i]! : dys[i]! * (on(ys[i]!) ? 1 : 0);
      dzs[i] = g;
      acc[c]! += dzs[i]!;
    }
  }
  dataOf(dbias).set(acc);
  return [dz, dbias];
};
