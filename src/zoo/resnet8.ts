/**
 * resnet8: a ResNet for 32x32x3 images, as ../shared/peers/torch_zoo.py defines it. A 3x3 conv
 * (16) with BatchNorm and ReLU, then three basic blocks and global average pooling:
 *
 *   block(cin, c, stride): y = ReLU(BN(conv3x3(c, stride)(x))); y = BN(conv3x3(c)(y));
 *                          out = ReLU(y + shortcut(x)), shortcut = BN(conv1x1(c, stride)) when the
 *                          shape changes, else x.
 *   32x32x16 -> block(16, 16, 1) 32x32x16 -> block(16, 32, 2) 16x16x32 -> block(32, 64, 2) 8x8x64 -> GAP 64 -> 10
 *
 * 78,378 trainable parameters with conv biases (78,042 with `convBias: false`, the convs feeding
 * a BatchNorm losing theirs); Keras also counts the 672 moving statistics (79,050 in all). The
 * Keras-style model is functional (Add joins the shortcut) and ends in a softmax; the nn version
 * returns logits.
 */
import { ReLU } from '../layers/activation-layers.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { GlobalAveragePooling2D } from '../layers/global-pooling2d.js';
import { input } from '../layers/input.js';
import { Add } from '../layers/merge.js';
import type { SymbolicTensor } from '../layers/symbolic-tensor.js';
import { Model } from '../models/functional.js';
import * as nn from '../nn/index.js';
import { add } from '../ops/binary.js';
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { TORCH_BATCH_NORM, torchBatchNorm, torchPadded3x3 } from './torch-parity.js';
import { nnGenerator, type ZooOptions } from './zoo-options.js';

export interface ResNet8Options extends ZooOptions {
  /** Keep the bias of the convs that feed a BatchNorm (default true, PyTorch's default). */
  convBias?: boolean;
}

export const RESNET8_INPUT_SHAPE = [32, 32, 3] as const;
const CLASSES = 10;
/** [output channels, stride] of the three basic blocks. */
const BLOCKS = [[16, 1], [32, 2], [64, 2]] as const;
const STEM = 16;

/** conv3x3 -> BN, padded as PyTorch pads it, on a symbolic tensor. */
function convBn(x: SymbolicTensor, filters: number, stride: 1 | 2, useBias: boolean): SymbolicTensor {
  let h = x;
  for (const layer of torchPadded3x3(stride, (padding) => new Conv2D(filters, 3, { strides: stride, padding, useBias }))) h = layer.apply(h) as SymbolicTensor;
  return torchBatchNorm().apply(h) as SymbolicTensor;
}

function basicBlock(x: SymbolicTensor, filters: number, stride: 1 | 2, useBias: boolean): SymbolicTensor {
  const y = convBn(new ReLU().apply(convBn(x, filters, stride, useBias)) as SymbolicTensor, filters, 1, useBias);
  const reshaped = stride !== 1 || x.shape[3] !== filters;
  const shortcut = reshaped ? torchBatchNorm().apply(new Conv2D(filters, 1, { strides: stride, useBias }).apply(x)) as SymbolicTensor : x;
  return new ReLU().apply(new Add().apply([y, shortcut])) as SymbolicTensor;
}

export function resnet8(options: ResNet8Options = {}): Model {
  const useBias = options.convBias ?? true;
  const x = input({ shape: [...RESNET8_INPUT_SHAPE] });
  let h = new ReLU().apply(convBn(x, STEM, 1, useBias)) as SymbolicTensor;
  for (const [filters, stride] of BLOCKS) h = basicBlock(h, filters, stride, useBias);
  const logits = new Dense(CLASSES, { activation: 'softmax' }).apply(new GlobalAveragePooling2D().apply(h));
  return new Model({ inputs: x, outputs: logits as SymbolicTensor, name: 'resnet8', seed: options.seed });
}

/** torch_zoo's BasicBlock: conv-BN-ReLU-conv-BN plus the shortcut (identity or 1x1 conv-BN), then ReLU. */
export class BasicBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  shortcut: nn.Sequential | nn.Identity;

  constructor(cin: number, c: number, stride: 1 | 2, bias: boolean, rng: Random) {
    super();
    const eps = TORCH_BATCH_NORM.epsilon;
    this.conv1 = new nn.Conv2d(cin, c, 3, { stride, padding: 1, bias, rng });
    this.bn1 = new nn.BatchNorm2d(c, { eps });
    this.relu = new nn.ReLU();
    this.conv2 = new nn.Conv2d(c, c, 3, { stride: 1, padding: 1, bias, rng });
    this.bn2 = new nn.BatchNorm2d(c, { eps });
    this.shortcut = stride !== 1 || cin !== c
      ? new nn.Sequential(new nn.Conv2d(cin, c, 1, { stride, bias, rng }), new nn.BatchNorm2d(c, { eps }))
      : new nn.Identity();
  }

  forward(x: Tensor): Tensor {
    const y = this.bn2.forward(this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))));
    return this.relu.forward(add(y, this.shortcut.forward(x)));
  }
}

/** The same network in the nn API (NCHW), with torch_zoo's module names and PyTorch's initialisation. */
export function resnet8Nn(options: ResNet8Options = {}): nn.Sequential {
  const rng = nnGenerator(options);
  const bias = options.convBias ?? true;
  const modules: nn.Module[] = [new nn.Conv2d(RESNET8_INPUT_SHAPE[2], STEM, 3, { padding: 1, bias, rng }), new nn.BatchNorm2d(STEM, { eps: TORCH_BATCH_NORM.epsilon }), new nn.ReLU()];
  let channels: number = STEM;
  for (const [filters, stride] of BLOCKS) {
    modules.push(new BasicBlock(channels, filters, stride, bias, rng));
    channels = filters;
  }
  modules.push(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(channels, CLASSES, { rng }));
  return new nn.Sequential(...modules);
}
