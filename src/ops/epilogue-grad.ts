/**
 * The backward of a fused kernel's epilogue y = act(z + bias) (Conv2D, MatMul, Conv2DPool): the
 * exact gradient at z, which flows on into the conv or matmul gradients, and the bias gradient.
 * With relu and a bias both come from one BiasActivationGrad kernel, one pass over dy and y
 * instead of a mask pass and a sum pass over the mask's output.
 */
import { engine } from '../backend/engine.js';
import type { FusedActivation } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { sum } from './reduce.js';

/** [dz, dbias] for upstream dy at y; dbias is null without a bias. */
export function epilogueGrads(dy: Tensor, y: Tensor, activation: FusedActivation, withBias: boolean): [Tensor, Tensor | null] {
  if (!withBias) return [activation === 'linear' ? dy : reluMask(dy, y, activation), null];
  if (activation === 'linear') return [dy, sum(dy, leadingAxes(dy.rank))];
  const [dz, dbias] = engine.runKernelOutputs('BiasActivationGrad', { dy, y }, { activation });
  return [dz!, dbias!];
}

/**
 * dy where y > 0 (relu6: 0 < y < 6), else 0: the activation's gradient recovered from a fused
 * output (relu6's y is in (0, 6) exactly where its input is).
 */
export function reluMask(dy: Tensor, y: Tensor, activation: 'relu' | 'relu6' = 'relu'): Tensor {
  return engine.runKernel('UnaryGrad', { x: y, dy }, { op: activation, alpha: 0 });
}

/** Every axis but the last (the bias's). */
export const leadingAxes = (rank: number): number[] => Array.from({ length: rank - 1 }, (_, i) => i);
