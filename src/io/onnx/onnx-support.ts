/**
 * What `exportOnnx` converts, known without loading the exporter (graph building and protobufjs
 * are imported on the first export). onnx-support.test.ts checks these lists against the
 * converter tables of onnx-layers.ts and onnx-activations.ts.
 */

/** Keras layer classes with an ONNX export. */
export const ONNX_LAYERS: readonly string[] = Object.freeze([
  'InputLayer', 'Dropout', 'SpatialDropout2D', 'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast',
  'RandomBrightness', 'Conv2D', 'DepthwiseConv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D', 'MinPooling2D', 'Flatten',
  'BatchNormalization', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Add', 'Multiply', 'Average', 'Concatenate', 'Reshape',
  'Rescaling', 'ZeroPadding2D', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax',
]);

/** Activation names (Keras's spelling) with an ONNX export. */
export const ONNX_ACTIVATIONS: readonly string[] = Object.freeze([
  'linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'softsign', 'gelu',
  'swish', 'mish', 'log_sigmoid', 'softmax', 'log_softmax', 'silu',
]);
