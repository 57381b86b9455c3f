/**
 * Runs PyTorch reference vectors (format: ../shared/reference/README.md) through Fovea's public ops
 * and reports how far each forward output and gradient is from PyTorch's float64 result.
 *
 * The file stores NCHW tensors and OIHW conv weights; Fovea works in NHWC/HWIO, so inputs go
 * through `transpose` ops. Because transposes are differentiable, gradients come back in the
 * file's layout without any manual un-transposing.
 *
 * Example: `runReferenceFile(JSON.parse(text)).every((r) => r.pass)`.
 */
import { gradients } from '../autograd/backward.js';
import { mul, sub } from '../ops/binary.js';
import { conv2d } from '../ops/conv2d.js';
import { tensor } from '../ops/create.js';
import { dense } from '../ops/matmul.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import * as act from '../ops/unary.js';
import { avgPool2d, maxPool2d, minPool2d } from '../ops/pool.js';
import { mean, sum } from '../ops/reduce.js';
import { oneHot, transpose } from '../ops/shape-ops.js';
import { withScope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CloseOptions, errorStats } from './assert-close.js';

/** One case as stored in the file; fields depend on `op`. */
export interface ReferenceCase {
  op: string;
  name?: string;
  [field: string]: unknown;
}

export interface ReferenceFile {
  meta?: Record<string, unknown>;
  cases: ReferenceCase[];
}

/** One compared array (y, dx, dw, db, loss, dlogits ...). */
export interface Comparison {
  name: string;
  maxAbs: number;
  maxRel: number;
  pass: boolean;
}

export interface CaseResult {
  index: number;
  /** Short description: the op, the activation or loss name, the key geometry. */
  label: string;
  op: string;
  comparisons: Comparison[];
  pass: boolean;
  /** Set when the case could not be run at all (unknown op, shape error ...). */
  error?: string;
}

/** What a case runner produced: name -> [actual, expected]. */
type Outputs = [string, Tensor, number[]][];

/** Default agreement: 1e-4 relative with an absolute floor of 1e-5 (float32 vs float64). */
export const REFERENCE_TOLERANCE: Required<CloseOptions> = { rtol: 1e-4, atol: 1e-5 };

function field<T>(c: ReferenceCase, name: string): T {
  const v = c[name];
  if (v === undefined) throw new Error(`reference case ${c.op}${c.name ? ` ${c.name}` : ''}: missing field '${name}'`);
  return v as T;
}

/** A float32 leaf that wants its gradient. */
function leaf(values: number[], shape: number[]): Tensor {
  const t = tensor(Float32Array.from(values), shape);
  t.requiresGrad = true;
  return t;
}

/** Forward output `y` and the gradients of sum(y * dy) for each named input. */
function forwardAndBackward(y: Tensor, c: ReferenceCase, inputs: [string, Tensor][]): Outputs {
  const dy = tensor(Float32Array.from(field<number[]>(c, 'dy')), y.shape);
  const grads = gradients(y, inputs.map(([, t]) => t), dy);
  const out: Outputs = [['y', y, field<number[]>(c, 'y')]];
  inputs.forEach(([name, t], i) => {
    const g = grads[i];
    if (g === null) throw new Error(`reference case ${c.op}: no gradient reached ${name} (shape [${t.shape.join(', ')}])`);
    out.push([`d${name}`, g, field<number[]>(c, `d${name}`)]);
  });
  return out;
}

function runConv2d(c: ReferenceCase): Outputs {
  const x = leaf(field(c, 'x'), field(c, 'x_shape'));
  const w = leaf(field(c, 'w'), field(c, 'w_shape'));
  const bValues = c.b as number[] | null | undefined;
  const b = bValues ? leaf(bValues, [bValues.length]) : null;
  const y = conv2d(transpose(x, [0, 2, 3, 1]), transpose(w, [2, 3, 1, 0]), {
    strides: field<[number, number]>(c, 'stride'),
    padding: field<[number, number, number, number]>(c, 'padding'),
    dilations: field<[number, number]>(c, 'dilation'),
    bias: b,
  });
  const inputs: [string, Tensor][] = b === null ? [['x', x], ['w', w]] : [['x', x], ['w', w], ['b', b]];
  return forwardAndBackward(transpose(y, [0, 3, 1, 2]), c, inputs);
}

const POOLS: Record<string, typeof maxPool2d> = { max_pool2d: maxPool2d, min_pool2d: minPool2d, avg_pool2d: avgPool2d };

function runPool(c: ReferenceCase): Outputs {
  const x = leaf(field(c, 'x'), field(c, 'x_shape'));
  const y = POOLS[c.op](transpose(x, [0, 2, 3, 1]), field<[number, number]>(c, 'pool'), {
    strides: field<[number, number]>(c, 'stride'),
    padding: field<[number, number, number, number]>(c, 'padding'),
  });
  return forwardAndBackward(transpose(y, [0, 3, 1, 2]), c, [['x', x]]);
}

function runDense(c: ReferenceCase): Outputs {
  const x = leaf(field(c, 'x'), field(c, 'x_shape'));
  const w = leaf(field(c, 'w'), field(c, 'w_shape'));
  const bValues = c.b as number[] | null | undefined;
  const b = bValues ? leaf(bValues, [bValues.length]) : null;
  const inputs: [string, Tensor][] = b === null ? [['x', x], ['w', w]] : [['x', x], ['w', w], ['b', b]];
  return forwardAndBackward(dense(x, w, b), c, inputs);
}

/** Activations by the file's names; `leaky_relu_0.3` and `elu_1` carry their alpha in the name. */
export function activationByName(name: string): (x: Tensor) => Tensor {
  const fixed: Record<string, (x: Tensor) => Tensor> = {
    relu: act.relu, sigmoid: act.sigmoid, tanh: act.tanh, softplus: act.softplus, softsign: act.softsign,
    swish: act.swish, mish: act.mish, log_sigmoid: act.logSigmoid, selu: act.selu, gelu: act.gelu, sinc: act.sinc,
    softmax: (x) => softmax(x, -1), log_softmax: (x) => logSoftmax(x, -1),
  };
  if (fixed[name]) return fixed[name];
  const m = /^(leaky_relu|elu)_([0-9.]+)$/.exec(name);
  if (m === null) throw new Error(`unknown reference activation '${name}'`);
  const alpha = Number(m[2]);
  return m[1] === 'elu' ? (x) => act.elu(x, alpha) : (x) => act.leakyRelu(x, alpha);
}

function runActivation(c: ReferenceCase): Outputs {
  const x = leaf(field(c, 'x'), field(c, 'x_shape'));
  return forwardAndBackward(activationByName(field(c, 'name'))(x), c, [['x', x]]);
}

/** Integer class labels as float32 one-hot rows of width `depth`. */
function oneHotLabels(c: ReferenceCase, depth: number): Tensor {
  return oneHot(tensor(Int32Array.from(field<number[]>(c, 'labels')), undefined, 'int32'), depth);
}

/**
 * The four losses, written directly from ops (means over the batch, or over all elements for the
 * elementwise ones, as PyTorch's defaults do). The probabilities of categorical cross-entropy are
 * used as given: the reference does not renormalize them.
 */
const LOSSES: Record<string, { input: string; fn: (p: Tensor, c: ReferenceCase) => Tensor }> = {
  softmax_cross_entropy_mean: {
    input: 'logits',
    fn: (z, c) => mul(sum(mul(oneHotLabels(c, z.shape[1]), logSoftmax(z, -1))), -1 / z.shape[0]),
  },
  categorical_crossentropy_on_probs_mean: {
    input: 'probs',
    fn: (p, c) => mul(sum(mul(oneHotLabels(c, p.shape[1]), act.log(p))), -1 / p.shape[0]),
  },
  mse_mean: { input: 'pred', fn: (p, c) => mean(act.square(sub(p, tensor(Float32Array.from(field<number[]>(c, 'target')), p.shape)))) },
  // softplus(z) - z * t is log(1 + e^z) - z t, the logits form that never takes log(0).
  binary_crossentropy_from_logits_mean: {
    input: 'logits',
    fn: (z, c) => mean(sub(act.softplus(z), mul(z, tensor(Float32Array.from(field<number[]>(c, 'target')), z.shape)))),
  },
};

function runLoss(c: ReferenceCase): Outputs {
  const name = field<string>(c, 'name');
  const loss = LOSSES[name];
  if (loss === undefined) throw new Error(`unknown reference loss '${name}'; known: ${Object.keys(LOSSES).join(', ')}`);
  const shape = field<number[]>(c, c[`${loss.input}_shape`] !== undefined ? `${loss.input}_shape` : 'shape');
  const p = leaf(field(c, loss.input), shape);
  const value = loss.fn(p, c);
  const [grad] = gradients(value, [p]);
  if (grad === null) throw new Error(`reference loss ${name}: no gradient reached ${loss.input}`);
  return [['loss', value, [field<number>(c, 'loss')]], [`d${loss.input}`, grad, field<number[]>(c, `d${loss.input}`)]];
}

const RUNNERS: Record<string, (c: ReferenceCase) => Outputs> = {
  conv2d: runConv2d, max_pool2d: runPool, min_pool2d: runPool, avg_pool2d: runPool, dense: runDense,
  activation: runActivation, loss: runLoss,
};

export function caseLabel(c: ReferenceCase): string {
  const dims = (v: unknown) => (Array.isArray(v) ? v.join('x') : '?');
  if (c.op === 'conv2d') {
    return `conv2d x${dims(c.x_shape)} w${dims(c.w_shape)} s${dims(c.stride)} d${dims(c.dilation)} p${dims(c.padding)}${c.b ? ' +b' : ''}`;
  }
  if (c.op in POOLS) return `${c.op} x${dims(c.x_shape)} k${dims(c.pool)} s${dims(c.stride)} p${dims(c.padding)}`;
  if (c.op === 'dense') return `dense x${dims(c.x_shape)} w${dims(c.w_shape)}${c.b ? ' +b' : ''}`;
  return c.name ? `${c.op} ${c.name}` : c.op;
}

/** Runs one case; never throws (a case that cannot run is a failed result with `error`). */
export function runReferenceCase(c: ReferenceCase, index = 0, tolerance: CloseOptions = REFERENCE_TOLERANCE): CaseResult {
  const base = { index, op: c.op, label: caseLabel(c) };
  const runner = RUNNERS[c.op];
  if (runner === undefined) return { ...base, comparisons: [], pass: false, error: `unknown reference op '${c.op}'` };
  try {
    const comparisons = withScope(() =>
      runner(c).map(([name, actual, expected]): Comparison => {
        const values = actual.dataSync();
        if (values.length !== expected.length) {
          throw new Error(`${name}: computed ${values.length} values (shape [${actual.shape.join(', ')}]), reference has ${expected.length}`);
        }
        const s = errorStats(values, expected, tolerance);
        return { name, maxAbs: s.maxAbs, maxRel: s.maxRel, pass: s.ratio <= 1 };
      }),
    );
    return { ...base, comparisons, pass: comparisons.every((r) => r.pass) };
  } catch (e) {
    return { ...base, comparisons: [], pass: false, error: (e as Error).message };
  }
}

/** Runs every case of a parsed reference file. */
export function runReferenceFile(json: unknown, tolerance: CloseOptions = REFERENCE_TOLERANCE): CaseResult[] {
  const cases = (json as ReferenceFile | null)?.cases;
  if (!Array.isArray(cases)) throw new Error('runReferenceFile: expected an object with a "cases" array (see ../shared/reference/README.md)');
  return cases.map((c, i) => runReferenceCase(c, i, tolerance));
}
