/**
 * LeNet-5 as the course slide writes it in PyTorch (NCHW, 1x28x28 input):
 *
 *   conv1 = Conv2d(1, 20, 5, 1)    -> [N, 20, 24, 24], relu, max pool 2 -> [N, 20, 12, 12]
 *   conv2 = Conv2d(20, 20, 5, 1)   -> [N, 20, 8, 8],   relu, max pool 2 -> [N, 20, 4, 4]
 *   view(-1, 4*4*20)               -> [N, 320]
 *   fc1 = Linear(320, 500), relu;  fc2 = Linear(500, 10);  log_softmax over classes
 *
 * 176,050 parameters (520 + 10,020 + 160,500 + 5,010). Train it with F.nllLoss.
 */
import * as F from '../nn/functional.js';
import { Conv2d } from '../nn/conv.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import '../nn/tensor-methods.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { defaultGenerator } from '../nn/init.js';

export class LeNet5 extends Module {
  /** One sample's shape [channels, height, width], for summaries and receptive fields. */
  static readonly inputShape = [1, 28, 28] as const;
  conv1: Conv2d;
  conv2: Conv2d;
  fc1: Linear;
  fc2: Linear;

  constructor(rng: Random = defaultGenerator()) {
    super();
    this.conv1 = new Conv2d(1, 20, 5, { stride: 1, rng });
    this.conv2 = new Conv2d(20, 20, 5, { stride: 1, rng });
    this.fc1 = new Linear(4 * 4 * 20, 500, { rng });
    this.fc2 = new Linear(500, 10, { rng });
  }

  forward(x: Tensor): Tensor {
    x = F.relu(this.conv1.forward(x));
    x = F.maxPool2d(x, 2, 2);
    x = F.relu(this.conv2.forward(x));
    x = F.maxPool2d(x, 2, 2);
    x = x.view(-1, 4 * 4 * 20);
    x = F.relu(this.fc1.forward(x));
    x = this.fc2.forward(x);
    return F.logSoftmax(x, 1);
  }
}

/** A LeNet-5 whose initial weights come from `seed` (or from `nn.manualSeed`'s generator). */
export function lenet5(options: { seed?: number } = {}): LeNet5 {
  return new LeNet5(options.seed === undefined ? defaultGenerator() : new Random(options.seed));
}
