/**
 * `exportOnnx(model, { opset })`: a Sequential or functional model as ONNX ModelProto bytes, for
 * ONNX Runtime and other ONNX engines. Inputs and outputs keep Fovea's layout (NHWC images in,
 * the model's outputs out, batch axis symbolic 'N'); inside, convolutions run NCHW (see
 * onnx-layers.ts). Inference semantics: Dropout is the identity and BatchNormalization uses its
 * moving statistics; a BatchNormalization that directly follows a linear Conv2D or DepthwiseConv2D
 * is folded into the conv's weights (onnx-batch-norm-fold.ts) unless `foldBatchNorm: false`.
 *
 * Example:
 *   const bytes = await exportOnnx(model);         // Uint8Array
 *
 * Asynchronous as the public `exportOnnx` (io/onnx/index.ts) is: that one imports this module, and
 * with it protobufjs, on the first export.
 *   // onnxruntime: await InferenceSession.create(bytes)
 */
import type { Layer, SymbolicShape } from '../../layers/layer.js';
import type { Node, SymbolicTensor } from '../../layers/symbolic-tensor.js';
import { isFunctional, type FunctionalLike, type SequentialLike } from '../keras/keras3-config.js';
import { functionalFolds, sequentialFolds } from './onnx-batch-norm-fold.js';
import { OnnxGraph, type OnnxValue } from './onnx-graph.js';
import { convertLayer } from './onnx-layers.js';
import { ONNX_FLOAT } from './onnx-codes.js';
import { onnxType } from './onnx-proto.js';

export interface OnnxExportOptions {
  /** ONNX opset of the default domain (13 to 21; default 13). */
  opset?: number;
  /** Name of the symbolic batch dimension (default 'N'). */
  batchDim?: string;
  /**
   * Fold each BatchNormalization that directly follows a linear convolution into the conv's
   * weights (default true); false keeps every BatchNormalization as its own node.
   */
  foldBatchNorm?: boolean;
}

export type OnnxExportable = SequentialLike | FunctionalLike;

const PRODUCER = 'fovea';
const PRODUCER_VERSION = '0.1.0';

/** The IR version that goes with an opset (IR 7 introduced opset 13, IR 8 opsets 14-18, ...). */
function irVersion(opset: number): number {
  return opset <= 13 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

interface Io {
  name: string;
  shape: SymbolicShape;
}

function valueInfo({ name, shape }: Io, batchDim: string): Record<string, unknown> {
  const dim = shape.map((d) => (d === null ? { dimParam: batchDim } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim } } } };
}

function exportSequential(g: OnnxGraph, model: SequentialLike, fold: boolean): { inputs: Io[]; outputs: Io[] } {
  const first = model.getConfig().layers[0];
  if (first?.className !== 'InputLayer') throw new Error(`exportOnnx: model "${model.name}" is not built; give it an input shape first`);
  const input: Io = { name: `${model.name}_input`, shape: first.config.batchInputShape as SymbolicShape };
  g.reserve(input.name);
  let value: OnnxValue = { name: input.name, shape: input.shape, perm: null };
  const folds = fold ? sequentialFolds(model.layers) : new Map<number, Layer>();
  for (let i = 0; i < model.layers.length; i++) {
    const layer = model.layers[i];
    const foldedBatchNorm = folds.get(i);
    value = convertLayer(g, { layer, inputs: [value], outputShape: layer.computeOutputShape(value.shape), foldedBatchNorm });
    // The folded BatchNormalization keeps the conv's shape: nothing left to convert.
    if (foldedBatchNorm !== undefined) i++;
  }
  const output: Io = { name: model.layers[model.layers.length - 1]?.name ?? 'output', shape: value.shape };
  finish(g, value, output.name);
  return { inputs: [input], outputs: [output] };
}

/** The model's nodes in dependency order (inputs first). */
function orderedNodes(model: FunctionalLike): Node[] {
  const inputs = new Set(model.inputs.map((t) => t.node));
  const order: Node[] = [];
  const seen = new Set<Node>();
  const visit = (n: Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (!inputs.has(n)) n.inputs.forEach((t) => visit(t.node));
    order.push(n);
  };
  model.outputs.forEach((t) => visit(t.node));
  return order;
}

function exportFunctional(g: OnnxGraph, model: FunctionalLike, fold: boolean): { inputs: Io[]; outputs: Io[] } {
  const values = new Map<SymbolicTensor, OnnxValue>();
  const inputs = model.inputs.map((t) => {
    g.reserve(t.name);
    values.set(t, { name: t.name, shape: t.shape, perm: null });
    return { name: t.name, shape: t.shape };
  });
  const nodes = orderedNodes(model);
  const folds = fold ? functionalFolds(nodes, model.outputs) : new Map<Node, Node>();
  for (const node of nodes) {
    const out = node.output as SymbolicTensor;
    if (values.has(out)) continue;
    const args = node.inputs.map((t) => values.get(t) as OnnxValue);
    const bn = folds.get(node);
    const value = convertLayer(g, { layer: node.layer as Layer, inputs: args, outputShape: out.shape, foldedBatchNorm: bn?.layer as Layer | undefined });
    values.set(out, value);
    // The folded BatchNormalization's output is the conv's: it is skipped when its turn comes.
    if (bn !== undefined) values.set(bn.output as SymbolicTensor, value);
  }
  const outputs = model.outputs.map((t, i) => {
    const name = model.outputs.indexOf(t) === i ? `${t.name}_output` : `${t.name}_output_${i}`;
    finish(g, values.get(t) as OnnxValue, name);
    return { name, shape: t.shape };
  });
  return { inputs, outputs };
}

/** Brings `v` back to Fovea's layout under the graph output name `name`. */
function finish(g: OnnxGraph, v: OnnxValue, name: string): void {
  g.node('Identity', [g.layout(v, null, 'output')], 'output', {}, name);
}

/** The ONNX ModelProto bytes of a built Sequential or functional model. */
export async function exportOnnx(model: OnnxExportable, options: OnnxExportOptions = {}): Promise<Uint8Array> {
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21) throw new Error(`exportOnnx: opset must be an integer from 13 to 21, got ${opset}`);
  const g = new OnnxGraph();
  const fold = options.foldBatchNorm ?? true;
  if (typeof fold !== 'boolean') throw new Error(`exportOnnx: foldBatchNorm must be true or false, got ${JSON.stringify(fold)}`);
  const { inputs, outputs } = isFunctional(model) ? exportFunctional(g, model, fold) : exportSequential(g, model as SequentialLike, fold);
  const batchDim = options.batchDim ?? 'N';
  const proto = {
    irVersion: irVersion(opset),
    producerName: PRODUCER,
    producerVersion: PRODUCER_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((io) => valueInfo(io, batchDim)),
      output: outputs.map((io) => valueInfo(io, batchDim)),
    },
  };
  const type = onnxType('ModelProto');
  const problem = type.verify(proto);
  if (problem !== null) throw new Error(`exportOnnx: internal error, the ModelProto is invalid: ${problem}`);
  return type.encode(type.fromObject(proto)).finish();
}
