/**
 * AlexNet in the layout of Krizhevsky, Sutskever and Hinton (2012), Keras-style (NHWC):
 *
 *   input 227x227x3
 *   conv1  96 11x11 /4        -> 55x55x96    max pool 3x3 /2 -> 27x27x96
 *   conv2  256 5x5 'same'     -> 27x27x256   max pool 3x3 /2 -> 13x13x256
 *   conv3  384 3x3 'same'     -> 13x13x384
 *   conv4  384 3x3 'same'     -> 13x13x384
 *   conv5  256 3x3 'same'     -> 13x13x256   max pool 3x3 /2 -> 6x6x256
 *   fc6 4096, fc7 4096, fc8 numClasses (softmax)
 *
 * Single tower (default): 62,378,344 parameters with 1000 classes. `twoTowers: true` splits
 * conv2, conv4 and conv5 into two groups as the paper's two GPUs did: 60,965,224 (the paper's
 * "60 million"). Local response normalisation and dropout are left out: they change neither
 * shapes nor parameter counts, and this library has no layers for them yet.
 */
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import type { Layer } from '../layers/layer.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Sequential } from '../models/sequential.js';

export interface AlexNetOptions {
  numClasses?: number;
  /** Split conv2, conv4, conv5 into two groups as in the original two-GPU network. */
  twoTowers?: boolean;
  seed?: number;
}

export const ALEXNET_INPUT_SHAPE = [227, 227, 3] as const;

/** The layers, unbuilt: shapes and parameter counts can be worked out without allocating weights. */
export function alexnetLayers(options: AlexNetOptions = {}): Layer[] {
  const numClasses = options.numClasses ?? 1000;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`alexnet: numClasses must be a positive integer, got ${numClasses}`);
  const groups = options.twoTowers ? 2 : 1;
  const conv = (name: string, filters: number, k: number, extra: Record<string, unknown> = {}) =>
    new Conv2D(filters, k, { name, activation: 'relu', padding: 'same', ...extra });
  const pool = (name: string) => new MaxPooling2D({ name, poolSize: 3, strides: 2 });
  return [
    conv('conv1', 96, 11, { strides: 4, padding: 'valid', inputShape: [...ALEXNET_INPUT_SHAPE] }),
    pool('pool1'),
    conv('conv2', 256, 5, { groups }),
    pool('pool2'),
    conv('conv3', 384, 3),
    conv('conv4', 384, 3, { groups }),
    conv('conv5', 256, 3, { groups }),
    pool('pool5'),
    new Flatten({ name: 'flatten' }),
    new Dense(4096, { name: 'fc6', activation: 'relu' }),
    new Dense(4096, { name: 'fc7', activation: 'relu' }),
    new Dense(numClasses, { name: 'fc8', activation: 'softmax' }),
  ];
}

/** A built AlexNet (allocates its ~62 million weights, about 250 MB). */
export function alexnet(options: AlexNetOptions = {}): Sequential {
  return new Sequential({ name: 'alexnet', seed: options.seed, layers: alexnetLayers(options) });
}
