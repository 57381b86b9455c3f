/**
 * The backward of a fused kernel's epilogue y = act(z + bias) (Conv2D, MatMul): the gradient at z,
 * which flows on into the conv or matmul gradients, and the bias gradient. With relu and a bias
 * both come from one BiasActivationGrad kernel, one pass over dy and y instead of a mask pass and
 * a sum pass over the mask's output.
 *
 * When y feeds nothing but a pooling op (Conv2D(relu) -> MaxPooling2D), the pool's rule goes one
 * step further: Pool2DReluBiasGrad routes, masks and sums in one kernel, and the pool hands the
 * conv's rule that ready dz with its dbias (`poolGradThroughReluBias`), so neither Pool2DGrad's
 * nor BiasActivationGrad's full-size pass over y runs.
 */
import { engine } from '../backend/engine.js';
import type { FusedActivation, Pool2DAttrs } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { sum } from './reduce.js';

/** Outputs y = relu(z + bias) whose gradient rule takes a gradient prepared by the op after it. */
const reluBiasOutputs = new WeakSet<Tensor>();
/** dz tensors already masked by relu'(y), with their bias gradient, keyed by the dz itself. */
const preparedGrads = new WeakMap<Tensor, { y: Tensor; dbias: Tensor }>();

/** Called by a fused op on its output; only relu with a bias takes prepared gradients. */
export function markFusedOutput(y: Tensor, activation: FusedActivation, withBias: boolean): void {
  if (activation === 'relu' && withBias) reluBiasOutputs.add(y);
}

/**
 * For a pool's rule, when its input y is a marked relu output whose gradient reaches only y's
 * own rule: dz = relu'(y) * Pool2DGrad(y, dy) with its bias gradient, prepared for that rule, or
 * null to take the plain Pool2DGrad. dz is not the exact gradient at y (it is zero where y is),
 * so the caller must know nothing else reads the gradient at y.
 */
export function poolGradThroughReluBias(y: Tensor, dy: Tensor, attrs: Pool2DAttrs): Tensor | null {
  if (!reluBiasOutputs.has(y)) return null;
  const [dz, dbias] = engine.runKernelOutputs('Pool2DReluBiasGrad', { y, dy }, attrs);
  preparedGrads.set(dz!, { y, dbias: dbias! });
  return dz!;
}

/** [dz, dbias] for upstream dy; dbias is null without a bias. */
export function fusedOutputGrads(dy: Tensor, y: Tensor, activation: FusedActivation, withBias: boolean): [Tensor, Tensor | null] {
  const prepared = preparedGrads.get(dy);
  if (prepared !== undefined && prepared.y === y) return [dy, prepared.dbias];
  if (!withBias) return [activation === 'relu' ? reluMask(dy, y) : dy, null];
  if (activation === 'linear') return [dy, sum(dy, leadingAxes(dy.rank))];
  const [dz, dbias] = engine.runKernelOutputs('BiasActivationGrad', { dy, y }, { activation });
  return [dz!, dbias!];
}

/** dy where y > 0, else 0: the relu gradient recovered from a fused output. */
export function reluMask(dy: Tensor, y: Tensor): Tensor {
  return engine.runKernel('UnaryGrad', { x: y, dy }, { op: 'relu', alpha: 0 });
}

/** Every axis but the last (the bias's). */
const leadingAxes = (rank: number): number[] => Array.from({ length: rank - 1 }, (_, i) => i);
