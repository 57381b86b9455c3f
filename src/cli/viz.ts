/**
 * `fovea viz filters|features|curves|confusion ... -o out.png`: pictures of a built-in model
 * (optionally trained first on an MNIST subset so the filters mean something) or of a CSVLogger
 * training log.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { noGrad } from '../autograd/grad-mode.js';
import { loadMnist } from '../data/mnist.js';
import { toCategorical } from '../data/to-categorical.js';
import { toGrey } from '../image/image.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Sequential } from '../models/sequential.js';
import { DataLoader } from '../nn/data-loader.js';
import { nllLoss } from '../nn/functional-loss.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../nn/optim/adam.js';
import { tensor } from '../ops/create.js';
import { argmax } from '../ops/reduce.js';
import { slice } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';
import { readImage, writePng } from '../node/image-io.js';
import { confusionMatrix, confusionPicture } from '../viz/confusion.js';
import { parseCsvLog, trainingCurves } from '../viz/curves.js';
import { featureGrid, filterGrid } from '../viz/grids.js';
import { convKernel, featureMaps } from '../viz/model-views.js';
import { lenet5 } from '../zoo/lenet5.js';
import { ensureBackends } from './backend-option.js';

export const VIZ_MODELS = ['mnist-cnn', 'lenet5'];

export interface ModelOptions {
  trainLimit?: number;
  epochs: number;
  seed: number;
}

type AnyModel = Sequential | Module;
const isModule = (m: AnyModel): m is Module => 'namedModules' in m;
/** MNIST images [N, 28, 28, 1] in the layout the model takes. */
const asInput = (m: AnyModel, images: Tensor) => (isModule(m) ? images.view(-1, 1, 28, 28) : images);

/** A built-in model, trained on the first `trainLimit` MNIST images when asked. */
export async function vizModel(name: string, o: ModelOptions): Promise<AnyModel> {
  ensureBackends();
  if (!VIZ_MODELS.includes(name)) throw new Error(`unknown model '${name}'; available: ${VIZ_MODELS.join(', ')}`);
  const model: AnyModel = name === 'lenet5' ? lenet5({ seed: o.seed }) : mnistCnn({ seed: o.seed });
  if (o.trainLimit === undefined) return model;
  const { trainImages, trainLabels } = loadMnist({ limitTrain: o.trainLimit, limitTest: 1 });
  if (!isModule(model)) {
    model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await model.fit(trainImages, toCategorical(trainLabels, 10), { epochs: o.epochs, batchSize: 64, verbose: 0, seed: o.seed });
    return model;
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
  return model.eval();
}

/** One 28x28 input: an MNIST test image, or a grey image file of that size. */
function oneInput(model: AnyModel, o: { image?: string; index: number }): Tensor {
  if (o.image === undefined) {
    const { testImages } = loadMnist({ limitTrain: 1, limitTest: o.index + 1 });
    return asInput(model, slice(testImages, [o.index, 0, 0, 0], [1, -1, -1, -1]));
  }
  const img = toGrey(readImage(o.image));
  if (img.width !== 28 || img.height !== 28) throw new Error(`viz features: --image must be 28x28 for this model, ${o.image} is ${img.width}x${img.height}`);
  return asInput(model, tensor(img.data.map((v) => v / 255), [1, 28, 28, 1]));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return n;
}

function modelOptions(cmd: Command): Command {
  return cmd
    .option('--train-limit <n>', 'first train on this many MNIST images', positiveInt)
    .option('--epochs <n>', 'training epochs', positiveInt, 1)
    .option('--seed <n>', 'initial weights and shuffling', positiveInt, 1)
    .requiredOption('-o, --output <file>', 'output PNG file');
}

export function registerViz(program: Command): void {
  const viz = program.command('viz').description('draw filters, feature maps, training curves or a confusion matrix as PNG');
  modelOptions(viz.command('filters').argument('<model>', VIZ_MODELS.join(', ')).option('--layer <name>', 'conv layer (default: the first)'))
    .description("a grid of a conv layer's filters")
    .action(async (name: string, o: ModelOptions & { layer?: string; output: string }) => {
      const k = convKernel(await vizModel(name, o), o.layer);
      writePng(o.output, filterGrid(k.values, k.shape, { layout: k.layout, title: `${name} ${k.name}: ${k.layout === 'HWIO' ? k.shape[3] : k.shape[0]} filters` }));
      console.log(o.output);
    });
  modelOptions(viz.command('features').argument('<model>', VIZ_MODELS.join(', ')).requiredOption('--layer <name>', 'layer or module name'))
    .option('--index <i>', 'MNIST test image index', positiveInt, 0)
    .option('--image <file>', 'a 28x28 PNG/JPEG instead of an MNIST image')
    .description('a grid of the feature maps one input produces at a layer')
    .action(async (name: string, o: ModelOptions & { layer: string; index: number; image?: string; output: string }) => {
      const model = await vizModel(name, o);
      const f = featureMaps(model, oneInput(model, o), o.layer);
      writePng(o.output, featureGrid(f.values, f.shape, { layout: f.layout, title: `${name} ${f.name}: ${f.layout === 'HWC' ? f.shape[2] : f.shape[0]} maps` }));
      console.log(o.output);
    });
  viz.command('curves').argument('<csv>', 'CSVLogger file (epoch,loss,...)').requiredOption('-o, --output <file>', 'output PNG file')
    .description('training curves (loss and metrics per epoch)')
    .action((csv: string, o: { output: string }) => {
      writePng(o.output, trainingCurves(parseCsvLog(readFileSync(csv, 'utf8'))));
      console.log(o.output);
    });
  modelOptions(viz.command('confusion').argument('<model>', VIZ_MODELS.join(', ')).option('--test-limit <n>', 'MNIST test images', positiveInt, 1000))
    .description('confusion matrix of the model on MNIST test images')
    .action(async (name: string, o: ModelOptions & { testLimit: number; output: string }) => {
      const model = await vizModel(name, o);
      const { testImages, testLabels } = loadMnist({ limitTrain: 1, limitTest: o.testLimit });
      const predicted = noGrad(() => argmax(isModule(model) ? model.forward(asInput(model, testImages)) : model.predict(testImages), 1).dataSync());
      writePng(o.output, confusionPicture(confusionMatrix(testLabels.dataSync(), predicted, 10)));
      console.log(o.output);
    });
}
