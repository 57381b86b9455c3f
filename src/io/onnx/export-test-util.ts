/** Models exercising every exportable layer, shared by the ONNX and Keras format tests. */
import '../../backend/engine.js';
import { input } from '../../layers/input.js';
import type { Layer } from '../../layers/layer.js';
import { layerFromConfig } from '../../layers/registry.js';
import { Model } from '../../models/functional.js';
import { Sequential } from '../../models/sequential.js';
import { tensor } from '../../ops/create.js';
import { Random } from '../../tensor/random.js';

const L = (className: string, config: Record<string, unknown> = {}): Layer => layerFromConfig(className, config);

/** Gives every BatchNormalization non-trivial statistics, so inference-mode BN is really checked. */
export function randomizeBatchNorm(layers: readonly Layer[], seed: number): void {
  const rng = new Random(seed);
  for (const layer of layers.filter((l) => l.className === 'BatchNormalization')) {
    for (const w of layer.weights) {
      const positive = w.name.endsWith('moving_variance') || w.name.endsWith('gamma');
      const values = Float32Array.from({ length: w.size }, () => (positive ? rng.uniform(0.5, 2) : rng.uniform(-0.5, 0.5)));
      w.assign(tensor(values, w.shape));
    }
  }
}

/** A Sequential model on 28x28x1 images with every Sequential-friendly exportable layer. */
export function everyLayerSequential(seed = 7): Sequential {
  const model = new Sequential({ seed, name: 'every_layer' });
  [
    L('InputLayer', { batchInputShape: [null, 28, 28, 1] }),
    L('Rescaling', { scale: 2, offset: -0.5 }),
    L('ZeroPadding2D', { padding: [[1, 2], [0, 1]] }),
    L('Conv2D', { filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }),
    L('BatchNormalization', { epsilon: 0.01 }),
    L('DepthwiseConv2D', { kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6' }),
    L('MaxPooling2D', { poolSize: 3, strides: 2, padding: 'same' }),
    L('Conv2D', { filters: 8, kernelSize: [2, 3], dilationRate: 2, padding: 'same', groups: 2 }),
    L('LeakyReLU', { negativeSlope: 0.1 }),
    L('AveragePooling2D', { poolSize: 2, strides: 1, padding: 'same' }),
    L('MinPooling2D', { poolSize: 2 }),
    L('ReLU', { maxValue: 3 }),
    L('Dropout', { rate: 0.5 }),
    L('Flatten'),
    L('Dense', { units: 24, activation: 'selu' }),
    L('BatchNormalization', {}),
    L('ELU', { alpha: 0.7 }),
    L('Reshape', { targetShape: [4, 6] }),
    L('Softmax', { axis: 1 }),
    L('Flatten'),
    L('Dense', { units: 10, activation: 'log_softmax' }),
  ].forEach((l) => model.add(l));
  randomizeBatchNorm(model.layers, seed);
  return model;
}

/** A functional model with two branches joined by every merge layer and global pooling. */
export function mergeFunctional(seed = 11): Model {
  const x = input({ shape: [28, 28, 1], name: 'image' });
  const a = L('Conv2D', { filters: 4, kernelSize: 3, padding: 'same', activation: 'swish' }).apply(x);
  const b = L('Conv2D', { filters: 4, kernelSize: 5, padding: 'same', activation: 'mish' }).apply(x);
  const sum = L('Add').apply([a, b]);
  const product = L('Multiply').apply([a, L('Activation', { activation: 'sigmoid' }).apply(b)]);
  const mean = L('Average').apply([sum, product]);
  const joined = L('Concatenate', { axis: -1 }).apply([mean, L('BatchNormalization').apply(sum)]);
  const pooled = L('MaxPooling2D', { poolSize: 2 }).apply(joined);
  const gap = L('GlobalAveragePooling2D').apply(pooled);
  const gmp = L('GlobalMaxPooling2D').apply(pooled);
  const features = L('Concatenate').apply([gap, gmp]);
  const hidden = L('Dense', { units: 16, activation: 'tanh' }).apply(features);
  const out = L('Dense', { units: 10, activation: 'softmax' }).apply(hidden);
  const model = new Model({ inputs: x, outputs: out, name: 'merge_functional', seed });
  randomizeBatchNorm(model.layers, seed);
  return model;
}

/** One small model per activation: conv and dense both use it. */
export function activationModel(activation: string, seed = 3): Sequential {
  const model = new Sequential({ seed, name: `act_${activation}` });
  model.add(L('Conv2D', { filters: 3, kernelSize: 3, strides: 2, activation, batchInputShape: [null, 28, 28, 1] }));
  model.add(L('Flatten'));
  model.add(L('Dense', { units: 6, activation }));
  return model;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
