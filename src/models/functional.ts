/**
 * Model: the functional API. Layers called on symbolic tensors (from `input()`) describe a graph;
 * `new Model({ inputs, outputs })` runs it, with several inputs and outputs, shared layers (one
 * layer called at several places, one set of weights) and skip connections. Training is the same
 * code as Sequential's (Trainer).
 *
 * Example (a residual block):
 *   const x = input({ shape: [28, 28, 1] });
 *   const h = new Conv2D(8, 3, { padding: 'same', activation: 'relu' }).apply(x);
 *   const y = new Add().apply([h, new Conv2D(8, 3, { padding: 'same' }).apply(h)]);
 *   const model = new Model({ inputs: x, outputs: new Dense(10).apply(new GlobalAveragePooling2D().apply(y)) });
 */
import { InputLayer } from '../layers/input-layer.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { uniqueName } from '../layers/layer.js';
import { plan, type PlanStep } from '../plan/planner.js';
import { OPAQUE } from '../plan/stage.js';
import type { Node, SymbolicTensor } from '../layers/symbolic-tensor.js';
import { withScope } from '../tensor/scope.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInputs, layerOf, layersOf, sortNodes } from './graph.js';
import { formatSummary, type SummaryRow } from './summary.js';
import { Trainer } from './trainer.js';

export interface ModelOptions {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
  /** When given, every weight is redrawn from this seed (layers were built when they were called). */
  seed?: number;
}

export class Model extends Trainer {
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  private readonly nodes: Node[];
  private readonly layerList: Layer[];

  constructor(options: ModelOptions) {
    super(options.name ?? uniqueName('functional'), options.seed);
    this.inputs = Array.isArray(options.inputs) ? [...options.inputs] : [options.inputs];
    this.outputs = Array.isArray(options.outputs) ? [...options.outputs] : [options.outputs];
    if (this.inputs.length === 0 || this.outputs.length === 0) throw new Error(`${this.where}: needs at least one input and one output`);
    checkInputs(this.inputs, this.where);
    this.nodes = sortNodes(this.inputs, this.outputs, this.where);
    this.layerList = layersOf(this.nodes);
    if (options.seed !== undefined) withScope(() => this.layerList.forEach((l) => l.resetWeights(this.rng.fork())));
  }

  get className(): string {
    return 'Functional';
  }

  /** Every layer once, InputLayers first among their dependants (as in Keras 3). */
  get layers(): Layer[] {
    return [...this.layerList];
  }

  getLayer(name: string): Layer {
    const found = this.layerList.find((l) => l.name === name);
    if (found === undefined) throw new Error(`${this.where}: no layer named "${name}"; layers: ${this.layerList.map((l) => l.name).join(', ')}`);
    return found;
  }

  protected get weightLayers(): Layer[] {
    return this.layerList;
  }

  /** The symbolic input (Keras's `model.input`): the tensor, or the list when there are several. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    return this.inputs.length === 1 ? this.inputs[0] : [...this.inputs];
  }

  /** The symbolic output (Keras's `model.output`): the tensor, or the list when there are several. */
  get output(): SymbolicTensor | SymbolicTensor[] {
    return this.outputs.length === 1 ? this.outputs[0] : [...this.outputs];
  }

  get inputNames(): string[] {
    return this.inputs.map((t) => t.name);
  }

  get outputNames(): string[] {
    return this.outputs.map((t) => t.name);
  }

  get built(): boolean {
    return true;
  }

  /** Output shapes (batch axis null), one per output. */
  get outputShape(): SymbolicShape | SymbolicShape[] {
    return this.outputs.length === 1 ? this.outputs[0].shape : this.outputs.map((t) => t.shape);
  }

  protected get inputShapes(): SymbolicShape[] {
    return this.inputs.map((t) => t.shape);
  }

  protected get outputShapes(): SymbolicShape[] {
    return this.outputs.map((t) => t.shape);
  }

  protected ensureBuilt(xs: Tensor[]): void {
    xs.forEach((x, i) => {
      const want = this.inputs[i].shape;
      const fits = x.rank === want.length && want.every((d, k) => k === 0 ? d === null || d === x.shape[0] : d === null || d === x.shape[k]);
      if (!fits) throw new Error(`${this.where}: input "${this.inputs[i].name}" expects shape ${shapeToString(want)}, got ${shapeToString(x.shape)}`);
    });
  }

  /** Runs the graph: each node once, in dependency order, runs of nodes fused as the planner says. */
  forward(xs: Tensor[], training: boolean, losses?: Tensor[]): Tensor[] {
    this.ensureBuilt(xs);
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((t, i) => values.set(t, xs[i]));
    for (const step of this.plan(training)) {
      if (step.kind === 'fused') {
        const first = this.nodes[step.nodes[0]!]!, last = this.nodes[step.nodes.at(-1)!]!;
        const side = step.sides.map(({ node, slot }) => values.get(this.nodes[node]!.inputs[slot]!) as Tensor);
        values.set(last.output as SymbolicTensor, step.fusion.run(values.get(first.inputs[0]!) as Tensor, training, side));
        continue;
      }
      const node = this.nodes[step.node]!;
      const out = node.output as SymbolicTensor;
      if (values.has(out)) continue;
      const args = node.inputs.map((t) => values.get(t) as Tensor);
      const layer = layerOf(node);
      values.set(out, node.inputIsList ? layer.apply(args, { training, losses }) : layer.apply(args[0], { training, losses }));
    }
    return this.outputs.map((t) => values.get(t) as Tensor);
  }

  /** The fusion plan of the node graph (src/plan); model inputs are not nodes (index -1). */
  private plan(training: boolean): PlanStep[] {
    const producer = new Map<SymbolicTensor, number>();
    this.nodes.forEach((node, i) => producer.set(node.output as SymbolicTensor, i));
    const inputs = new Set(this.inputs);
    const planNodes = this.nodes.map((node) => ({
      stage: inputs.has(node.output as SymbolicTensor) ? OPAQUE : layerOf(node).planStage(training),
      inputs: node.inputs.map((t) => (inputs.has(t) ? -1 : producer.get(t) ?? -1)),
    }));
    const outputs = new Set(this.outputs.map((t) => producer.get(t) ?? -1));
    return plan(planNodes, outputs);
  }

  /** Runs the model on real tensors (a list when it has several inputs/outputs). */
  call(x: Tensor | Tensor[], training = false): Tensor | Tensor[] {
    const ys = this.forward(Array.isArray(x) ? x : [x], training);
    return ys.length === 1 ? ys[0] : ys;
  }

  private summaryRows(): SummaryRow[] {
    const inModel = new Set(this.nodes);
    return this.layerList.map((layer) => {
      const nodes = layer.inboundNodes.filter((n) => inModel.has(n));
      const shapes = nodes.map((n) => shapeToString((n.output as SymbolicTensor).shape));
      const outputShape = new Set(shapes).size > 1 ? 'multiple' : (nodes[0].output as SymbolicTensor).shape;
      const connectedTo = nodes.flatMap((n) => n.inputs.map((t) => `${t.node.layer.name}[${t.node.index}][0]`));
      return { layer, outputShape, connectedTo };
    });
  }

  /** Prints (with `printFn`) and returns the Keras-style table with the "Connected to" column. */
  summary(printFn: (line: string) => void = console.log): string {
    const text = formatSummary(this.name, this.summaryRows());
    printFn(text);
    return text;
  }

  getConfig(): Record<string, unknown> {
    const inModel = new Set(this.nodes);
    const ref = (t: SymbolicTensor): [string, number, number] => [t.node.layer.name, t.node.index, 0];
    return {
      name: this.name,
      layers: this.layerList.map((l) => ({
        className: l.className, name: l.name, config: l.getConfig(),
        inboundNodes: l instanceof InputLayer ? [] : l.inboundNodes.filter((n) => inModel.has(n)).map((n) => n.inputs.map(ref)),
      })),
      inputLayers: this.inputs.map(ref),
      outputLayers: this.outputs.map(ref),
    };
  }
}
