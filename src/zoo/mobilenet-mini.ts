/**
 * mobilenet-mini: a MobileNet-style network for 32x32x3 images, as ../shared/peers/torch_zoo.py
 * defines it. A strided 3x3 conv (32) with BatchNorm and ReLU6, four depthwise-separable blocks
 * (3x3 depthwise conv -> BN -> ReLU6 -> 1x1 conv -> BN -> ReLU6), global average pooling and a
 * linear classifier:
 *
 *   16x16x32 -> dw 16x16x32, pw 64 -> dw /2 8x8x64, pw 128 -> dw 8x8x128, pw 128 -> dw /2 4x4x128, pw 256 -> GAP 256 -> 10
 *
 * 68,874 trainable parameters with conv biases (67,914 with `convBias: false`); Keras also counts
 * the 1,920 moving statistics (70,794 in all). The Keras-style model ends in a softmax; the nn
 * version (depthwise convs through `groups`) returns logits.
 */
import { ReLU } from '../layers/activation-layers.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { DepthwiseConv2D } from '../layers/depthwise-conv2d.js';
import { GlobalAveragePooling2D } from '../layers/global-pooling2d.js';
import type { Layer } from '../layers/layer.js';
import { ZeroPadding2D } from '../layers/zero-padding2d.js';
import { Sequential } from '../models/sequential.js';
import * as nn from '../nn/index.js';
import { TORCH_BATCH_NORM, torchBatchNorm, torchPadded3x3 } from './torch-parity.js';
import { nnGenerator, type ZooOptions } from './zoo-options.js';

export interface MobileNetMiniOptions extends ZooOptions {
  /** Keep the bias of the convs that feed a BatchNorm (default true, PyTorch's default). */
  convBias?: boolean;
}

export const MOBILENET_MINI_INPUT_SHAPE = [32, 32, 3] as const;
const CLASSES = 10;
const STEM = 32;
/** [pointwise output channels, depthwise stride] of the four depthwise-separable blocks. */
const BLOCKS = [[64, 1], [128, 2], [128, 1], [256, 2]] as const;

const relu6 = () => new ReLU({ maxValue: 6 });

function separableBlock(filters: number, stride: 1 | 2, useBias: boolean): Layer[] {
  return [
    ...torchPadded3x3(stride, (padding) => new DepthwiseConv2D(3, { strides: stride, padding, useBias })), torchBatchNorm(), relu6(),
    new Conv2D(filters, 1, { useBias }), torchBatchNorm(), relu6(),
  ];
}

export function mobilenetMini(options: MobileNetMiniOptions = {}): Sequential {
  const useBias = options.convBias ?? true;
  // The stem is strided: PyTorch's padding=1 as explicit zero padding (see torch-parity.ts).
  const layers: Layer[] = [
    new ZeroPadding2D(1, { inputShape: [...MOBILENET_MINI_INPUT_SHAPE] }), new Conv2D(STEM, 3, { strides: 2, useBias }), torchBatchNorm(), relu6(),
  ];
  for (const [filters, stride] of BLOCKS) layers.push(...separableBlock(filters, stride, useBias));
  layers.push(new GlobalAveragePooling2D(), new Dense(CLASSES, { activation: 'softmax' }));
  return new Sequential({ name: 'mobilenet_mini', seed: options.seed, layers });
}

/** The same network in the nn API (NCHW): depthwise convs are Conv2d with groups = channels. */
export function mobilenetMiniNn(options: MobileNetMiniOptions = {}): nn.Sequential {
  const rng = nnGenerator(options);
  const bias = options.convBias ?? true;
  const eps = TORCH_BATCH_NORM.epsilon;
  const modules: nn.Module[] = [new nn.Conv2d(MOBILENET_MINI_INPUT_SHAPE[2], STEM, 3, { stride: 2, padding: 1, bias, rng }), new nn.BatchNorm2d(STEM, { eps }), new nn.ReLU6()];
  let c: number = STEM;
  for (const [filters, stride] of BLOCKS) {
    modules.push(
      new nn.Conv2d(c, c, 3, { stride, padding: 1, groups: c, bias, rng }), new nn.BatchNorm2d(c, { eps }), new nn.ReLU6(),
      new nn.Conv2d(c, filters, 1, { bias, rng }), new nn.BatchNorm2d(filters, { eps }), new nn.ReLU6(),
    );
    c = filters;
  }
  modules.push(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(c, CLASSES, { rng }));
  return new nn.Sequential(...modules);
}
