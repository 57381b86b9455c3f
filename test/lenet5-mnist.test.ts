/**
 * End to end: the slide's LeNet-5, written line for line as in PyTorch, trains on an MNIST
 * subset with the PyTorch-style loop and clears an accuracy floor.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memory } from '../src/backend/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import { DataLoader, F, Module, Conv2d, Linear, manualSeed, optim } from '../src/nn/index.js';
import type { Tensor } from '../src/tensor/tensor.js';

// The slide's program. (The slide's own typos, `F.relu(self.fc1)` and `logsoftmax`, are fixed.)
class Net extends Module {
  conv1 = new Conv2d(1, 20, 5, 1);
  conv2 = new Conv2d(20, 20, 5, 1);
  fc1 = new Linear(4 * 4 * 20, 500);
  fc2 = new Linear(500, 10);

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

describe('LeNet-5 (nn, line for line from the slide) on MNIST', () => {
  it('trains on 1,280 images to at least 80% accuracy on 1,000 test images, in flat memory', async () => {
    manualSeed(1);
    const model = new Net();
    assert.deepEqual(Object.keys(model.stateDict()), ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const data = loadMnist({ limitTrain: 1280, limitTest: 1000 });
    // One channel: NHWC [N, 28, 28, 1] and NCHW [N, 1, 28, 28] hold the same bytes.
    const loader = new DataLoader(data.trainImages.view(-1, 1, 28, 28), data.trainLabels, { batchSize: 32, shuffle: true, seed: 2 });
    const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
    model.train();
    const bytes: number[] = [];
    for await (const [x, target] of loader) {
      optimizer.zeroGrad();
      const output = model.forward(x);
      const loss = F.nllLoss(output, target);
      loss.backward();
      optimizer.step();
      bytes.push(memory().bytes);
    }
    model.eval();
    const predicted = model.forward(data.testImages.view(-1, 1, 28, 28)).argmax(1).dataSync();
    const labels = data.testLabels.dataSync();
    const accuracy = Array.from(labels).filter((l, i) => predicted[i] === l).length / labels.length;
    assert.ok(accuracy >= 0.8, `test accuracy ${accuracy}`);
    // Memory may breathe with the garbage collector but must not grow step after step.
    assert.ok(Math.max(...bytes.slice(-10)) < 4 * Math.max(...bytes.slice(5, 15)), `memory grew: ${bytes.join(', ')}`);
  });
});
