/** A tiny regression model and data for callback tests (fast on the reference backend). */
import '../backend/engine.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/create.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { SGD } from '../optimizers/sgd.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** y = 2 x0 - x1 + 0.5 + noise, `count` samples of 2 features. */
export function linearData(count: number, seed = 7): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const xs = new Float32Array(count * 2);
  const ys = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const [a, b] = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    xs.set([a, b], i * 2);
    ys[i] = 2 * a - b + 0.5 + rng.normal(0, 0.05);
  }
  return { x: tensor(xs, [count, 2]), y: tensor(ys, [count, 1]) };
}

export function tinyModel(seed = 1, optimizer: Optimizer = new SGD({ learningRate: 0.1 })): Sequential {
  const model = new Sequential({ seed, layers: [new Dense(3, { inputShape: [2], activation: 'tanh' }), new Dense(1)] });
  model.compile({ optimizer, loss: 'mse' });
  return model;
}

export function weightValues(model: { getWeights(): Tensor[] }): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}
