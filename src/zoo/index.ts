/** The model zoo: the Keras course CNN, the slide's LeNet-5 (nn) and AlexNet (Keras-style). */
export { mnistCnn } from '../models/mnist-cnn.js';
export { LeNet5, lenet5 } from './lenet5.js';
export { alexnet, alexnetLayers, ALEXNET_INPUT_SHAPE } from './alexnet.js';
export type { AlexNetOptions } from './alexnet.js';
export { smallCnn } from './small-cnn.js';
export type { SmallCnnOptions } from './small-cnn.js';
