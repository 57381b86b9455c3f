/**
 * cifar-vgg: a small VGG-style network for 32x32x3 images, as ../shared/peers/torch_zoo.py
 * defines it. Five 3x3 conv -> BatchNorm -> ReLU blocks with two 2x2 max pools, global average
 * pooling and a linear classifier (10 classes):
 *
 *   32x32x32 -> 32x32x32 -> pool 16x16 -> 16x16x64 -> 16x16x64 -> pool 8x8 -> 8x8x128 -> GAP 128 -> 10
 *
 * 141,354 trainable parameters (every conv keeps its bias); Keras also counts BatchNormalization's
 * moving mean and variance (640 non-trainable), 141,994 in all. The Keras-style model ends in a
 * softmax, as the zoo's others do; the nn version returns logits for F.crossEntropy, as PyTorch's.
 *
 *   const model = cifarVgg({ seed: 1 });          // Sequential, [N, 32, 32, 3] -> [N, 10]
 *   const net = cifarVggNn({ seed: 1 });          // nn.Sequential, [N, 3, 32, 32] -> [N, 10]
 */
import { ReLU } from '../layers/activation-layers.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { GlobalAveragePooling2D } from '../layers/global-pooling2d.js';
import type { Layer } from '../layers/layer.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from '../models/sequential.js';
import * as nn from '../nn/index.js';
import { nnGenerator, type ZooOptions } from './zoo-options.js';
import { TORCH_BATCH_NORM, torchBatchNorm } from './torch-parity.js';

export const CIFAR_INPUT_SHAPE = [32, 32, 3] as const;
const CLASSES = 10;
/** Output channels of the five convs; 'pool' marks a 2x2 max pool. */
const PLAN = [32, 32, 'pool', 64, 64, 'pool', 128] as const;

export function cifarVgg(options: ZooOptions = {}): Sequential {
  const layers: Layer[] = [];
  for (const step of PLAN) {
    if (step === 'pool') {
      layers.push(new MaxPooling2D([2, 2]));
      continue;
    }
    const first = layers.length === 0 ? { inputShape: [...CIFAR_INPUT_SHAPE] } : {};
    layers.push(new Conv2D(step, 3, { padding: 'same', ...first }), torchBatchNorm(), new ReLU());
  }
  layers.push(new GlobalAveragePooling2D(), new Dense(CLASSES, { activation: 'softmax' }));
  return new Sequential({ name: 'cifar_vgg', seed: options.seed, layers });
}

/** The same network in the nn API (NCHW), with PyTorch's default initialisation. */
export function cifarVggNn(options: ZooOptions = {}): nn.Sequential {
  const rng = nnGenerator(options);
  const modules: nn.Module[] = [];
  let channels: number = CIFAR_INPUT_SHAPE[2];
  for (const step of PLAN) {
    if (step === 'pool') {
      modules.push(new nn.MaxPool2d(2));
      continue;
    }
    modules.push(new nn.Conv2d(channels, step, 3, { padding: 1, rng }), new nn.BatchNorm2d(step, { eps: TORCH_BATCH_NORM.epsilon }), new nn.ReLU());
    channels = step;
  }
  modules.push(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(channels, CLASSES, { rng }));
  return new nn.Sequential(...modules);
}
