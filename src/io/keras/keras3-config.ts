/**
 * Fovea models -> the Keras 3 `config.json` dialect: every object is
 * `{ module, class_name, config, registered_name }`, layers also carry `build_config`
 * ({ input_shape }), dtypes are DTypePolicy objects, InputLayer has `batch_shape`, and a functional
 * model lists each layer's `inbound_nodes` as calls whose arguments are `__keras_tensor__` records
 * ({ shape, dtype, keras_history: [layer, node, tensor] }).
 */
import type { Layer, SymbolicShape } from '../../layers/layer.js';
import type { Node, SymbolicTensor } from '../../layers/symbolic-tensor.js';
import { isRecord } from '../bytes.js';
import { snakeKeys } from '../json-case.js';

/** What is read of a Sequential model. */
export interface SequentialLike {
  readonly name: string;
  readonly className: string;
  readonly layers: Layer[];
  getConfig(): { name: string; layers: { className: string; config: Record<string, unknown> }[] };
}

/** What is read of a functional model (src/models/functional.ts). */
export interface FunctionalLike {
  readonly name: string;
  readonly className: string;
  readonly layers: Layer[];
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
}

export function isFunctional(model: unknown): model is FunctionalLike {
  return typeof model === 'object' && model !== null && Array.isArray((model as FunctionalLike).inputs) && Array.isArray((model as FunctionalLike).outputs);
}

/** Classes Keras 3 itself has; others are written under Fovea's module (Keras will refuse them). */
const KERAS_LAYERS = new Set([
  'InputLayer', 'Conv2D', 'Conv1D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense', 'MaxPooling2D',
  'AveragePooling2D', 'Flatten', 'Activation', 'Dropout', 'SpatialDropout2D', 'BatchNormalization', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D', 'Reshape', 'Rescaling', 'ReLU', 'LeakyReLU', 'PReLU',
  'ELU', 'Softmax', 'Add', 'Multiply', 'Average', 'Concatenate', 'Resizing', 'CenterCrop', 'RandomCrop', 'RandomFlip',
  'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness', 'Normalization',
]);

const DATA_FORMAT: Record<string, string> = { channelsLast: 'channels_last', channelsFirst: 'channels_first' };
const NESTED_MODULE: Record<string, string> = { initializer: 'keras.initializers', regularizer: 'keras.regularizers', constraint: 'keras.constraints' };

export const FLOAT32_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** `{ class_name, config }` values of *_initializer / *_regularizer / *_constraint get Keras 3's module fields. */
function kerasObjects(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const kind = key.match(/_(initializer|regularizer|constraint)$/)?.[1];
    out[key] = kind !== undefined && isRecord(value) && typeof value.class_name === 'string'
      ? { module: NESTED_MODULE[kind], class_name: value.class_name, config: value.config ?? {}, registered_name: null }
      : value;
  }
  return out;
}

function shapeList(shape: SymbolicShape): (number | null)[] {
  return [...shape];
}

function buildShape(shape: SymbolicShape | SymbolicShape[]): unknown {
  return Array.isArray(shape[0]) ? (shape as SymbolicShape[]).map(shapeList) : shapeList(shape as SymbolicShape);
}

/** One layer in Keras 3 form; `inputShape` (batch first) becomes its build_config. */
export function kerasLayer(className: string, config: Record<string, unknown>, inputShape: SymbolicShape | SymbolicShape[] | null): Record<string, unknown> {
  const { batchInputShape, ...rest } = config as Record<string, unknown> & { batchInputShape?: SymbolicShape };
  const snake = kerasObjects(snakeKeys(rest) as Record<string, unknown>);
  if (typeof snake.data_format === 'string' && snake.data_format in DATA_FORMAT) snake.data_format = DATA_FORMAT[snake.data_format];
  const known = KERAS_LAYERS.has(className);
  if (className === 'InputLayer') {
    return {
      module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
      config: { batch_shape: batchInputShape ?? null, dtype: 'float32', sparse: false, name: snake.name },
    };
  }
  return {
    module: known ? 'keras.layers' : 'fovea.layers',
    class_name: className,
    config: { ...snake, dtype: FLOAT32_POLICY },
    registered_name: known ? null : `Fovea>${className}`,
    ...(inputShape !== null ? { build_config: { input_shape: buildShape(inputShape) } } : {}),
  };
}

/** The Keras 3 config of a Sequential model. */
export function sequentialConfig(model: SequentialLike): Record<string, unknown> {
  const { layers } = model.getConfig();
  const input = layers[0]?.className === 'InputLayer' ? (layers[0].config.batchInputShape as SymbolicShape) : null;
  let shape = input;
  const out = layers.map(({ className, config }) => {
    if (className === 'InputLayer') return kerasLayer(className, config, null);
    const layer = model.layers.find((l) => l.name === config.name) as Layer;
    const entry = kerasLayer(className, config, shape);
    shape = shape === null ? null : layer.computeOutputShape(shape);
    return entry;
  });
  return {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: { name: model.name, trainable: true, dtype: FLOAT32_POLICY, layers: out, ...(input !== null ? { build_input_shape: input } : {}) },
    ...(input !== null ? { build_config: { input_shape: input } } : {}),
  };
}

/** `[layer, node, tensor]`: node indices count only the nodes inside this model, as Keras renumbers them. */
export function historyOf(t: SymbolicTensor, inModel: ReadonlySet<Node>): [string, number, number] {
  const layer = t.node.layer as Layer;
  const index = layer.inboundNodes.filter((n) => inModel.has(n)).indexOf(t.node);
  return [layer.name, Math.max(index, 0), 0];
}

function kerasTensor(t: SymbolicTensor, inModel: ReadonlySet<Node>): Record<string, unknown> {
  return { class_name: '__keras_tensor__', config: { shape: shapeList(t.shape), dtype: 'float32', keras_history: historyOf(t, inModel) } };
}

/** Every node between the model's inputs and outputs. */
export function modelNodes(model: FunctionalLike): Set<Node> {
  const nodes = new Set<Node>();
  const inputs = new Set(model.inputs.map((t) => t.node));
  const visit = (n: Node): void => {
    if (nodes.has(n)) return;
    nodes.add(n);
    if (!inputs.has(n)) n.inputs.forEach((t) => visit(t.node));
  };
  model.outputs.forEach((t) => visit(t.node));
  return nodes;
}

/** The Keras 3 config of a functional model. */
export function functionalConfig(model: FunctionalLike): Record<string, unknown> {
  const inModel = modelNodes(model);
  const layers = model.layers.map((layer) => {
    const nodes = layer.inboundNodes.filter((n) => inModel.has(n));
    const first = nodes[0];
    const inputShape = layer.className === 'InputLayer' || first === undefined ? null : first.inputIsList ? first.inputs.map((t) => t.shape) : first.inputs[0].shape;
    const entry = kerasLayer(layer.className, layer.getConfig(), inputShape);
    const inbound = layer.className === 'InputLayer' ? [] : nodes.map((n) => ({
      args: n.inputIsList ? [n.inputs.map((t) => kerasTensor(t, inModel))] : [kerasTensor(n.inputs[0], inModel)],
      kwargs: {},
    }));
    return { ...entry, name: layer.name, inbound_nodes: inbound };
  });
  const inputs = model.inputs.map((t) => t.shape);
  return {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: {
      name: model.name, trainable: true, layers,
      input_layers: model.inputs.map((t) => historyOf(t, inModel)),
      output_layers: model.outputs.map((t) => historyOf(t, inModel)),
    },
    build_config: { input_shape: inputs.length === 1 ? shapeList(inputs[0]) : inputs.map(shapeList) },
  };
}
