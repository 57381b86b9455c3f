/**
 * One batch of training, testing or prediction. Each runs inside its own scope, so every tensor
 * made for the batch (activations, gradients, the batch itself) is released when it returns;
 * numbers are read with `.item()` before the scope ends.
 */
import { gradients } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { LossFn } from '../losses/loss.js';
import type { MetricFn } from '../metrics/metric.js';
import type { GradientPair, Optimizer } from '../optimizers/optimizer.js';
import { withScope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';

export interface CompiledState {
  optimizer: Optimizer;
  loss: { name: string; fn: LossFn };
  metrics: { name: string; fn: MetricFn }[];
}

/** What a step needs from a model. */
export interface StepModel {
  forward(x: Tensor, training: boolean): Tensor;
  readonly trainableWeights: Variable[];
}

/** Loss then metrics for a batch, as numbers (metrics never record a graph). */
function lossAndMetrics(compiled: CompiledState, y: Tensor, yPred: Tensor, loss: Tensor): number[] {
  const metricValues = noGrad(() => compiled.metrics.map((m) => m.fn(y, yPred).item()));
  return [loss.item(), ...metricValues];
}

/** Forward, loss, gradients, optimizer update. Returns [loss, ...metrics] for the batch. */
export function trainStep(model: StepModel, compiled: CompiledState, makeBatch: () => [Tensor, Tensor]): number[] {
  return withScope(() => {
    const [x, y] = makeBatch();
    const yPred = model.forward(x, true);
    const loss = compiled.loss.fn(y, yPred);
    const weights = model.trainableWeights;
    const grads = gradients(loss, weights);
    const pairs: GradientPair[] = [];
    // A weight the loss does not depend on gets no gradient and no update (Keras warns and skips).
    weights.forEach((variable, i) => {
      const grad = grads[i];
      if (grad !== null) pairs.push({ variable, grad });
    });
    compiled.optimizer.applyGradients(pairs);
    return lossAndMetrics(compiled, y, yPred, loss);
  });
}

/** Forward in inference mode and loss/metrics. Returns [loss, ...metrics] for the batch. */
export function testStep(model: StepModel, compiled: CompiledState, makeBatch: () => [Tensor, Tensor]): number[] {
  return withScope(() =>
    noGrad(() => {
      const [x, y] = makeBatch();
      const yPred = model.forward(x, false);
      return lossAndMetrics(compiled, y, yPred, compiled.loss.fn(y, yPred));
    }),
  );
}

/** The batch's predictions, copied out as values before the scope releases them. */
export function predictStep(model: StepModel, makeBatch: () => Tensor): { values: Float32Array | Int32Array; shape: readonly number[] } {
  return withScope(() =>
    noGrad(() => {
      const y = model.forward(makeBatch(), false);
      return { values: y.dataSync(), shape: y.shape };
    }),
  );
}
