/**
 * The model zoo: the Keras course CNN, the slide's LeNet-5, AlexNet, a small CNN for image
 * folders, and the 32x32x3 models of the speed zoo (cifar-vgg, resnet8, mobilenet-mini), each
 * defined as ../shared/peers/torch_zoo.py defines it, in the Keras-style and the nn API.
 */
export { mnistCnn } from '../models/mnist-cnn.js';
export { LeNet5, lenet5 } from './lenet5.js';
export { lenet5Keras } from './lenet5-keras.js';
export { alexnet, alexnetLayers, ALEXNET_INPUT_SHAPE } from './alexnet.js';
export type { AlexNetOptions } from './alexnet.js';
export { smallCnn } from './small-cnn.js';
export type { SmallCnnOptions } from './small-cnn.js';
export { cifarVgg, cifarVggNn, CIFAR_INPUT_SHAPE } from './cifar-vgg.js';
export { resnet8, resnet8Nn, BasicBlock, RESNET8_INPUT_SHAPE } from './resnet8.js';
export type { ResNet8Options } from './resnet8.js';
export { mobilenetMini, mobilenetMiniNn, MOBILENET_MINI_INPUT_SHAPE } from './mobilenet-mini.js';
export type { MobileNetMiniOptions } from './mobilenet-mini.js';
export type { ZooOptions } from './zoo-options.js';
