/**
 * What an nn Module does to an input of a given shape, found by running it once on zeros:
 * each leaf module's output shape and parameter count, plus the window ops (`F.maxPool2d` ...)
 * that `forward` calls directly, in the order they ran.
 *
 *   Model: "LeNet5"          input [-1, 1, 28, 28]
 *    Layer (type)            Output Shape         Param #
 *    conv1 (Conv2d)          [-1, 20, 24, 24]         520
 *    (F.maxPool2d 2x2 /2)    [-1, 20, 12, 12]           0
 */
import { noGrad } from '../autograd/grad-mode.js';
import { zeros } from '../ops/create.js';
import { sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';
import { inModule, tracedCount, traceWindowOps, type WindowOp } from './trace.js';

export interface TraceRow {
  /** Dotted module name, or a description of a functional window op. */
  name: string;
  type: string;
  outputShape: number[];
  params: number;
}

export interface ForwardTrace {
  rows: TraceRow[];
  /** Every conv and pooling op, including those inside modules. */
  windowOps: WindowOp[];
  output: number[];
}

const OP_NAMES = { conv: 'F.conv2d', maxPool: 'F.maxPool2d', avgPool: 'F.avgPool2d' } as const;

/** Runs `module` (in eval mode, without gradients) on zeros of [1, ...inputShape]. */
export function traceForward(module: Module, inputShape: readonly number[]): ForwardTrace {
  const entries: { row: TraceRow; opsBefore: number }[] = [];
  const leaves = module.namedModules().filter(([name, m]) => name !== '' && m.children().length === 0);
  const leafNames = new Set(leaves.map(([n]) => n));
  const wasTraining = module.training;
  const patched = module.namedModules().filter(([name]) => name !== '');
  let ops: WindowOp[] = [];
  let output: number[] = [];
  try {
    for (const [name, m] of patched) {
      const original = m.forward;
      // An own property shadows the prototype's forward for this one run; deleted afterwards.
      m.forward = (...args: Tensor[]) => {
        const y = inModule(name, () => original.apply(m, args));
        if (leafNames.has(name)) entries.push({ row: { name, type: m.constructor.name, outputShape: [...y.shape], params: countParams(m) }, opsBefore: tracedCount() });
        return y;
      };
    }
    module.eval();
    ops = traceWindowOps(() => noGrad(() => (output = [...module.forward(zeros([1, ...inputShape])).shape])));
  } finally {
    for (const [, m] of patched) delete (m as { forward?: unknown }).forward;
    module.train(wasTraining);
  }
  return { rows: mergeFunctionalOps(entries, ops, leafNames), windowOps: ops, output };
}

/** Interleaves window ops run outside leaf modules with the module rows, in execution order. */
function mergeFunctionalOps(entries: { row: TraceRow; opsBefore: number }[], ops: WindowOp[], leafNames: Set<string>): TraceRow[] {
  const rows: TraceRow[] = [];
  let next = 0;
  const flushUntil = (end: number) => {
    for (; next < end; next++) {
      const op = ops[next];
      if (leafNames.has(op.module)) continue;
      const stride = op.stride[0] === op.stride[1] ? `${op.stride[0]}` : op.stride.join('x');
      rows.push({ name: `(${OP_NAMES[op.kind]} ${op.kernel.join('x')} /${stride})`, type: '', outputShape: op.outputShape, params: 0 });
    }
  };
  for (const e of entries) {
    flushUntil(e.opsBefore);
    rows.push(e.row);
  }
  flushUntil(ops.length);
  return rows;
}

function countParams(m: Module): number {
  return m.parameters().reduce((n, p) => n + sizeOf(p.shape), 0);
}

const withThousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const batchShape = (s: readonly number[]) => `[-1, ${s.slice(1).join(', ')}]`;

/** The table of `traceForward`; printed with `printFn` and returned. */
export function summary(module: Module, inputShape: readonly number[], printFn: (line: string) => void = console.log): string {
  const { rows } = traceForward(module, inputShape);
  const cells = rows.map((r) => [r.type === '' ? r.name : `${r.name} (${r.type})`, batchShape(r.outputShape), withThousands(r.params)]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)) + 4);
  const line = (r: string[]) => ` ${r[0].padEnd(widths[0])}${r[1].padEnd(widths[1])}${r[2].padStart(widths[2] - 4)}`;
  const total = module.parameters().reduce((n, p) => n + p.size, 0);
  const trainable = module.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const width = widths.reduce((a, b) => a + b, 1);
  const text = [
    `Model: "${module.constructor.name}" (input [-1, ${inputShape.join(', ')}])`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...cells.map(line),
    '='.repeat(width),
    `Total params: ${withThousands(total)}`,
    `Trainable params: ${withThousands(trainable)}`,
    `Non-trainable params: ${withThousands(total - trainable)}`,
    '_'.repeat(width),
  ].join('\n');
  printFn(text);
  return text;
}
