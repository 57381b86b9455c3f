/**
 * The three 32x32x3 models of ../shared/peers/torch_zoo.py written as Keras-style models, for the
 * ONNX export tests (not the zoo itself): same layers, widths, strides and biases as the peer, so
 * trainable parameter counts equal its `params`. Logits out (the peer's loss is on logits).
 * PyTorch's padding=1 on a 3x3 conv is Keras's 'same'.
 */
import { Activation } from '../src/layers/activation.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import { DepthwiseConv2D } from '../src/layers/depthwise-conv2d.js';
import { GlobalAveragePooling2D } from '../src/layers/global-pooling2d.js';
import { input } from '../src/layers/input.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Add } from '../src/layers/merge.js';
import type { SymbolicTensor } from '../src/layers/symbolic-tensor.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';

const CLASSES = 10;

/** Peer `params` (trainable) of each model with every conv's bias kept (the peer's default). */
export const PEER_PARAMS = { 'cifar-vgg': 141354, resnet8: 78378, 'mobilenet-mini': 68874 } as const;

/** Five 3x3 conv-BN-ReLU layers, two max pools, global average pooling, a dense layer. */
export function cifarVgg(seed: number): Sequential {
  const model = new Sequential({ seed, name: 'cifar_vgg' });
  const cbr = (filters: number, inputShape?: number[]): void => {
    model.add(new Conv2D(filters, 3, { padding: 'same', ...(inputShape ? { inputShape } : {}) }));
    model.add(new BatchNormalization());
    model.add(new ReLU());
  };
  cbr(32, [32, 32, 3]);
  cbr(32);
  model.add(new MaxPooling2D([2, 2]));
  cbr(64);
  cbr(64);
  model.add(new MaxPooling2D([2, 2]));
  cbr(128);
  model.add(new GlobalAveragePooling2D());
  model.add(new Dense(CLASSES));
  return model;
}

function convBn(x: SymbolicTensor, filters: number, kernel: number, strides: number): SymbolicTensor {
  return new BatchNormalization().apply(new Conv2D(filters, kernel, { strides, padding: 'same' }).apply(x)) as SymbolicTensor;
}

/** conv-BN-ReLU-conv-BN plus the shortcut (identity, or 1x1 conv-BN when the shape changes), then ReLU. */
function basicBlock(x: SymbolicTensor, filters: number, strides: number): SymbolicTensor {
  const y = convBn(new Activation('relu').apply(convBn(x, filters, 3, strides)) as SymbolicTensor, filters, 3, 1);
  const shortcut = strides !== 1 || x.shape[3] !== filters ? convBn(x, filters, 1, strides) : x;
  return new Activation('relu').apply(new Add().apply([y, shortcut])) as SymbolicTensor;
}

/** Stem conv-BN-ReLU, three basic blocks (16, 32/2, 64/2), global average pooling, a dense layer. */
export function resnet8(seed: number): Model {
  const x = input({ shape: [32, 32, 3], name: 'image' });
  let h = new Activation('relu').apply(convBn(x, 16, 3, 1)) as SymbolicTensor;
  h = basicBlock(h, 16, 1);
  h = basicBlock(h, 32, 2);
  h = basicBlock(h, 64, 2);
  const logits = new Dense(CLASSES).apply(new GlobalAveragePooling2D().apply(h));
  return new Model({ inputs: x, outputs: logits as SymbolicTensor, name: 'resnet8', seed });
}

/** Stem conv s2-BN-ReLU6, four depthwise-separable blocks with BN and ReLU6, global average pooling, a dense layer. */
export function mobilenetMini(seed: number): Sequential {
  const model = new Sequential({ seed, name: 'mobilenet_mini' });
  model.add(new Conv2D(32, 3, { strides: 2, padding: 'same', inputShape: [32, 32, 3] }));
  model.add(new BatchNormalization());
  model.add(new Activation('relu6'));
  const dwSeparable = (filters: number, strides: number): void => {
    model.add(new DepthwiseConv2D(3, { strides, padding: 'same' }));
    model.add(new BatchNormalization());
    model.add(new ReLU({ maxValue: 6 }));
    model.add(new Conv2D(filters, 1));
    model.add(new BatchNormalization());
    model.add(new ReLU({ maxValue: 6 }));
  };
  dwSeparable(64, 1);
  dwSeparable(128, 2);
  dwSeparable(128, 1);
  dwSeparable(256, 2);
  model.add(new GlobalAveragePooling2D());
  model.add(new Dense(CLASSES));
  return model;
}
