/**
 * The models `fovea viz` draws: a built-in one (optionally trained first on an MNIST subset so
 * its filters mean something) or a saved one (anything `loadModelFile` reads), and the one
 * input image a feature-map picture needs, in the layout and size the model takes.
 */
import { existsSync } from 'node:fs';
import { loadMnist } from '../data/mnist.js';
import { toCategorical } from '../data/to-categorical.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { DataLoader } from '../nn/data-loader.js';
import { nllLoss } from '../nn/functional-loss.js';
import { Module } from '../nn/module.js';
import { Adam } from '../nn/optim/adam.js';
import { loadModelFile } from '../node/io/model-formats.js';
import { readImage } from '../node/image-io.js';
import { tensor, zeros } from '../ops/create.js';
import { slice } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import type { VisibleModel } from '../viz/model-views.js';
import { lenet5 } from '../zoo/lenet5.js';
import { ensureBackends } from './backend-option.js';
import { inputSize, resizeBilinear, toChannels } from './predict.js';

export const VIZ_MODELS = ['mnist-cnn', 'lenet5'];
export const MODEL_ARGUMENT = `${VIZ_MODELS.join(', ')}, or a saved model (TensorFlow.js folder or model.json, .keras, .h5)`;

export interface ModelOptions {
  trainLimit?: number;
  epochs: number;
  seed: number;
}

/** [height, width, channels] the model takes; the built-in nn model (lenet5) takes MNIST digits. */
function imageSize(model: VisibleModel): [number, number, number] {
  return model instanceof Module ? [28, 28, 1] : inputSize(model);
}

/** Images [N, H, W, C] in the layout the model takes (the built-in nn model takes [N, 1, 28, 28]). */
const asInput = (model: VisibleModel, images: Tensor): Tensor => (model instanceof Module ? images.view(-1, 1, 28, 28) : images);

const isMnistShaped = (model: VisibleModel) => imageSize(model).join('x') === '28x28x1';

function requireMnistShaped(model: VisibleModel, ref: string, why: string): void {
  if (!isMnistShaped(model)) throw new Error(`viz: ${why} needs a model that takes MNIST digits [28, 28, 1]; ${ref} takes [${imageSize(model).join(', ')}]`);
}

/** A built-in model by name or a saved model by path, trained on the first `trainLimit` MNIST images when asked. */
export async function vizModel(ref: string, o: ModelOptions): Promise<VisibleModel> {
  ensureBackends();
  let model: VisibleModel;
  if (VIZ_MODELS.includes(ref)) model = ref === 'lenet5' ? lenet5({ seed: o.seed }) : mnistCnn({ seed: o.seed });
  else if (existsSync(ref)) model = await loadModelFile(ref);
  else throw new Error(`viz: '${ref}' is neither a built-in model (${VIZ_MODELS.join(', ')}) nor a saved model file or folder (TensorFlow.js folder or model.json, .keras, .h5)`);
  if (o.trainLimit === undefined) return model;
  requireMnistShaped(model, ref, '--train-limit');
  await trainOnMnist(model, o);
  return model;
}

async function trainOnMnist(model: VisibleModel, o: ModelOptions): Promise<void> {
  const { trainImages, trainLabels } = loadMnist({ limitTrain: o.trainLimit, limitTest: 1 });
  if (!(model instanceof Module)) {
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(trainImages, toCategorical(trainLabels, 10), { epochs: o.epochs, batchSize: 64, verbose: 0, seed: o.seed });
    return;
  }
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const loader = new DataLoader(asInput(model, trainImages), trainLabels, { batchSize: 64, shuffle: true, seed: o.seed });
  for (let e = 0; e < o.epochs; e++) {
    for await (const [x, y] of loader) {
      optimizer.zeroGrad();
      nllLoss(model.forward(x), y).backward();
      optimizer.step();
    }
  }
  model.eval();
}

/** MNIST test images [N, 28, 28, 1] and labels, in the model's layout. */
export function mnistTestSet(model: VisibleModel, ref: string, limit: number): { images: Tensor; labels: Tensor } {
  requireMnistShaped(model, ref, 'the MNIST test set');
  const { testImages, testLabels } = loadMnist({ limitTrain: 1, limitTest: limit });
  return { images: asInput(model, testImages), labels: testLabels };
}

/**
 * One input: an image file converted to the model's channels and resized to its input (as
 * `fovea predict` does), an MNIST test image, or (`blank`) zeros, which is enough to list shapes.
 */
export function oneInput(model: VisibleModel, ref: string, o: { image?: string; index?: number; blank?: boolean }): Tensor {
  const [height, width, channels] = imageSize(model);
  if (o.blank === true) return asInput(model, zeros([1, height, width, channels]));
  if (o.image !== undefined) {
    const img = resizeBilinear(toChannels(readImage(o.image), channels), width, height);
    return asInput(model, tensor(img.data.map((v) => v / 255), [1, height, width, channels]));
  }
  if (!isMnistShaped(model)) throw new Error(`viz features: ${ref} takes [${height}, ${width}, ${channels}] images, not MNIST digits; give one with --image FILE`);
  const index = o.index ?? 0;
  const { testImages } = loadMnist({ limitTrain: 1, limitTest: index + 1 });
  return asInput(model, slice(testImages, [index, 0, 0, 0], [1, -1, -1, -1]));
}
