/**
 * The models `fovea bench --model` times, defined as ../shared/peers/torch_zoo.py defines them:
 * the same layers, input, training batch and optimizer (in each API's own form: Keras's RMSprop,
 * SGD or Adam for the Keras-style models, PyTorch's for the nn ones), and torch_zoo's default
 * number of timed steps. MNIST models train on MNIST; the 32x32x3 ones on seeded synthetic data.
 */
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Trainer } from '../models/trainer.js';
import * as nn from '../nn/index.js';
import { Adam } from '../optimizers/adam.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { RMSprop } from '../optimizers/rmsprop.js';
import { SGD } from '../optimizers/sgd.js';
import { cifarVgg, cifarVggNn } from '../zoo/cifar-vgg.js';
import { lenet5 } from '../zoo/lenet5.js';
import { lenet5Keras } from '../zoo/lenet5-keras.js';
import { mobilenetMini, mobilenetMiniNn } from '../zoo/mobilenet-mini.js';
import { resnet8, resnet8Nn } from '../zoo/resnet8.js';
import { type BenchApi, type BenchProgram, functionalLenet5, functionalSeedCnn, kerasProgram, nnModuleProgram, seedCnnNn } from './bench-programs.js';

export const BENCH_MODEL_NAMES = ['mnist-cnn', 'lenet5', 'cifar-vgg', 'resnet8', 'mobilenet-mini'] as const;
export type BenchModelName = (typeof BENCH_MODEL_NAMES)[number];

type NnOptimizer = { zeroGrad(): void; step(): void };

export interface BenchModel {
  name: BenchModelName;
  /** One sample, NHWC. */
  sampleShape: [number, number, number];
  data: 'mnist' | 'synthetic';
  /** torch_zoo's default timed training steps. */
  steps: number;
  /** The optimizer as torch_zoo writes it. */
  optimizer: string;
  /** The Keras-style build's API. */
  kerasApi: Exclude<BenchApi, 'nn'>;
  keras(seed: number): Trainer;
  /** The same network through the functional API, for a Sequential-built model that has one (`--api functional`). */
  functional?(seed: number): Trainer;
  kerasOptimizer(): Optimizer;
  nn(seed: number): nn.Module;
  nnOptimizer(params: nn.Parameter[]): NnOptimizer;
}

const MNIST: [number, number, number] = [28, 28, 1];
const CIFAR: [number, number, number] = [32, 32, 3];
const ADAM = 'Adam(lr=1e-3)';
const kerasAdam = () => new Adam({ learningRate: 1e-3 });
const torchAdam = (params: nn.Parameter[]) => new nn.optim.Adam(params, { lr: 1e-3 });

export const BENCH_MODELS: Record<BenchModelName, BenchModel> = {
  'mnist-cnn': {
    name: 'mnist-cnn', sampleShape: MNIST, data: 'mnist', steps: 300, optimizer: 'RMSprop(lr=1e-3, alpha=0.9, eps=1e-7)', kerasApi: 'sequential',
    keras: (seed) => mnistCnn({ seed }),
    functional: functionalSeedCnn,
    kerasOptimizer: () => new RMSprop({ learningRate: 1e-3 }),
    nn: seedCnnNn,
    nnOptimizer: (params) => new nn.optim.RMSprop(params, { lr: 1e-3, alpha: 0.9, eps: 1e-7 }),
  },
  lenet5: {
    name: 'lenet5', sampleShape: MNIST, data: 'mnist', steps: 300, optimizer: 'SGD(lr=0.01, momentum=0.9)', kerasApi: 'sequential',
    keras: (seed) => lenet5Keras({ seed }),
    functional: functionalLenet5,
    kerasOptimizer: () => new SGD({ learningRate: 0.01, momentum: 0.9 }),
    nn: (seed) => lenet5({ seed }),
    nnOptimizer: (params) => new nn.optim.SGD(params, { lr: 0.01, momentum: 0.9 }),
  },
  'cifar-vgg': {
    name: 'cifar-vgg', sampleShape: CIFAR, data: 'synthetic', steps: 50, optimizer: ADAM, kerasApi: 'sequential',
    keras: (seed) => cifarVgg({ seed }), kerasOptimizer: kerasAdam, nn: (seed) => cifarVggNn({ seed }), nnOptimizer: torchAdam,
  },
  resnet8: {
    name: 'resnet8', sampleShape: CIFAR, data: 'synthetic', steps: 50, optimizer: ADAM, kerasApi: 'functional',
    keras: (seed) => resnet8({ seed }), kerasOptimizer: kerasAdam, nn: (seed) => resnet8Nn({ seed }), nnOptimizer: torchAdam,
  },
  'mobilenet-mini': {
    name: 'mobilenet-mini', sampleShape: CIFAR, data: 'synthetic', steps: 50, optimizer: ADAM, kerasApi: 'sequential',
    keras: (seed) => mobilenetMini({ seed }), kerasOptimizer: kerasAdam, nn: (seed) => mobilenetMiniNn({ seed }), nnOptimizer: torchAdam,
  },
};

/** `--model` names: one, a comma-separated list, or 'all'. */
export function benchModelsByName(spec: string): BenchModel[] {
  const names = spec === 'all' ? [...BENCH_MODEL_NAMES] : spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(BENCH_MODEL_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`bench: unknown model ${unknown.length > 0 ? `'${unknown.join("', '")}'` : "''"}; available: ${BENCH_MODEL_NAMES.join(', ')}, or all`);
  }
  return names.map((n) => BENCH_MODELS[n as BenchModelName]);
}

/** The API a run uses: --api when given, else the model's Keras-style build. */
export function resolveApi(model: BenchModel, api: BenchApi | undefined): BenchApi {
  if (api === undefined || api === 'nn' || api === model.kerasApi) return api ?? model.kerasApi;
  if (api === 'functional' && model.functional !== undefined) return api;
  throw new Error(`bench: ${model.name}'s Keras-style build is ${model.kerasApi === 'sequential' ? 'a Sequential' : 'a functional Model'}; use --api ${model.kerasApi} or --api nn (got --api ${api})`);
}

/**
 * A fresh program: a compiled Keras-style model with the model's loss and optimizer, or an nn
 * module with its optimizer; `keras` is the model when it is Keras-style (what exportOnnx takes).
 */
export function benchProgram(model: BenchModel, api: BenchApi, seed: number): { program: BenchProgram; keras: Trainer | null; params: number } {
  if (api === 'nn') {
    const net = model.nn(seed);
    const params = net.parameters();
    return { program: nnModuleProgram(net, model.nnOptimizer(params)), keras: null, params: params.reduce((n, p) => n + p.size, 0) };
  }
  const keras = api === 'functional' && model.functional !== undefined ? model.functional(seed) : model.keras(seed);
  keras.compile({ optimizer: model.kerasOptimizer(), loss: 'categorical_crossentropy' });
  return { program: kerasProgram(keras), keras, params: keras.trainableWeights.reduce((n, w) => n + w.size, 0) };
}
