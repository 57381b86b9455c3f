/**
 * The op table: every differentiable op of src/ops/index.ts with sample inputs, once. Generic
 * tests sweep it: finite-difference gradient checks (test/gradcheck-ops.test.ts) and backend
 * conformance (test/conformance.test.ts). Inputs are chosen away from kinks (relu at 0, ties in
 * max/min/pooling) by more than the finite-difference step, so a failure means a wrong rule.
 */
import type { FusedActivation } from '../backend/kernels.js';
import * as ops from '../ops/index.js';
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { GradcheckOptions } from './gradcheck.js';
import type { UnpaddedConvPool } from '../ops/read-extent.js';

export type Fn = (...xs: Tensor[]) => Tensor;

export interface OpCase {
  /** The export of src/ops/index.ts this row covers. */
  op: string;
  /** What distinguishes this row from others for the same op. */
  variant?: string;
  inputs: (rng: Random) => Tensor[];
  fn: Fn;
  options?: GradcheckOptions;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Standard normal values. */
function randn(shape: number[], rng: Random): Tensor {
  return ops.tensor(Float32Array.from({ length: size(shape) }, () => rng.normal()), shape);
}

/** Uniform values in [lo, hi). */
function uniform(shape: number[], rng: Random, lo: number, hi: number): Tensor {
  return ops.tensor(Float32Array.from({ length: size(shape) }, () => rng.uniform(lo, hi)), shape);
}

/**
 * Distinct values 0.1 apart on a grid shifted by `offset`, shuffled: no ties for max/min/pooling
 * to break. Two tensors with offsets 0.03 and 0.08 never come closer than 0.05.
 */
function distinct(shape: number[], rng: Random, offset = 0.03): Tensor {
  const n = size(shape);
  const order = rng.permutation(n);
  return ops.tensor(Float32Array.from(order, (k) => (k - Math.floor(n / 2)) * 0.1 + offset), shape);
}

/**
 * Redraws inputs until every pre-activation of a fused relu is at least 0.05 from zero (relu6: from
 * 0 and 6), so the finite-difference step (which moves a pre-activation by ~eps * |w|) never
 * crosses a kink.
 */
function reluSafe(make: (r: Random) => Tensor[], pre: Fn, kinks: readonly number[] = [0]): (r: Random) => Tensor[] {
  return redraw(make, (xs) => pre(...xs).dataSync().every((v) => kinks.every((k) => Math.abs(v - k) >= 0.05)));
}

/** relu6's kinks: both ends of its linear part. */
const RELU6_KINKS = [0, 6];

/** Redraws inputs until `ok` accepts them. */
function redraw(make: (r: Random) => Tensor[], ok: (xs: Tensor[]) => boolean): (r: Random) => Tensor[] {
  return (r) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const xs = make(r);
      if (ok(xs)) return xs;
    }
    throw new Error('redraw: no draw kept the inputs away from the kinks');
  };
}

/** Normal values pushed at least `gap` away from each kink. */
function awayFrom(shape: number[], rng: Random, kinks: number[], gap = 0.1): Tensor {
  const values = Float32Array.from({ length: size(shape) }, () => {
    let v = rng.normal() * 2;
    for (const k of kinks) if (Math.abs(v - k) < gap) v = k + (v < k ? -gap : gap);
    return v;
  });
  return ops.tensor(values, shape);
}

const unaryCase = (op: string, fn: (x: Tensor) => Tensor, inputs: (rng: Random) => Tensor = (r) => randn([3, 4], r)): OpCase => ({
  op, inputs: (r) => [inputs(r)], fn: (x) => fn(x),
});

const UNARY: OpCase[] = [
  unaryCase('neg', ops.neg),
  unaryCase('abs', ops.abs, (r) => awayFrom([3, 4], r, [0])),
  unaryCase('exp', ops.exp),
  unaryCase('log', ops.log, (r) => uniform([3, 4], r, 0.3, 3)),
  unaryCase('sqrt', ops.sqrt, (r) => uniform([3, 4], r, 0.3, 3)),
  unaryCase('square', ops.square),
  unaryCase('sin', ops.sin),
  unaryCase('cos', ops.cos),
  unaryCase('sign', ops.sign, (r) => awayFrom([3, 4], r, [0])),
  unaryCase('reciprocal', ops.reciprocal, (r) => uniform([3, 4], r, 0.4, 2)),
  unaryCase('erf', ops.erf),
  unaryCase('relu', ops.relu, (r) => awayFrom([3, 4], r, [0])),
  unaryCase('relu6', ops.relu6, (r) => ops.mul(awayFrom([3, 4], r, [0, 2], 0.05), 3)),
  { op: 'leakyRelu', inputs: (r) => [awayFrom([3, 4], r, [0])], fn: (x) => ops.leakyRelu(x, 0.3) },
  unaryCase('leakyRelu', ops.leakyRelu, (r) => awayFrom([3, 4], r, [0])),
  { op: 'elu', inputs: (r) => [awayFrom([3, 4], r, [0])], fn: (x) => ops.elu(x, 0.7) },
  unaryCase('selu', ops.selu, (r) => awayFrom([3, 4], r, [0])),
  unaryCase('gelu', ops.gelu),
  unaryCase('sigmoid', ops.sigmoid),
  unaryCase('hardSigmoid', ops.hardSigmoid, (r) => awayFrom([3, 4], r, [-3, 3])),
  unaryCase('tanh', ops.tanh),
  unaryCase('softplus', ops.softplus),
  unaryCase('softsign', ops.softsign, (r) => awayFrom([3, 4], r, [0])),
  unaryCase('swish', ops.swish),
  unaryCase('mish', ops.mish),
  unaryCase('sinc', ops.sinc, (r) => ops.concat([randn([3, 4], r), ops.tensor([[0.02, -0.03, 4, -7]])])),
  unaryCase('step', ops.step, (r) => awayFrom([3, 4], r, [0])),
  unaryCase('logSigmoid', ops.logSigmoid),
  unaryCase('unaryOp', (x) => ops.unaryOp('tanh', x)),
];

const binaryCase = (op: string, fn: (a: Tensor, b: Tensor) => Tensor, b: (r: Random) => Tensor, a: (r: Random) => Tensor = (r) => randn([2, 3], r), variant?: string): OpCase => ({
  op, variant, inputs: (r) => [a(r), b(r)], fn: (x, y) => fn(x, y),
});

const BINARY: OpCase[] = [
  binaryCase('add', ops.add, (r) => randn([3], r), undefined, 'row broadcast'),
  binaryCase('add', ops.add, (r) => randn([2, 1], r), undefined, 'column broadcast'),
  binaryCase('sub', ops.sub, (r) => randn([2, 1, 3], r), undefined, 'rank broadcast'),
  binaryCase('mul', ops.mul, (r) => randn([1, 3], r)),
  binaryCase('div', ops.div, (r) => uniform([3], r, 0.5, 2)),
  binaryCase('pow', ops.pow, (r) => uniform([3], r, 0.5, 2), (r) => uniform([2, 3], r, 0.5, 2)),
  binaryCase('maximum', ops.maximum, (r) => distinct([2, 3], r, 0.08), (r) => distinct([2, 3], r)),
  binaryCase('minimum', ops.minimum, (r) => distinct([3], r, 0.08), (r) => distinct([2, 3], r), 'broadcast'),
  { op: 'mul', variant: 'number operand', inputs: (r) => [randn([4], r)], fn: (x) => ops.mul(2.5, ops.sub(x, 1)) },
];

const axesCase = (op: string, fn: Fn, variant: string): OpCase => ({ op, variant, inputs: (r) => [distinct([2, 3, 4], r)], fn });

const REDUCE_SOFTMAX: OpCase[] = [
  axesCase('sum', (x) => ops.sum(x), 'all'),
  axesCase('sum', (x) => ops.sum(x, [0, 2], true), 'axes [0, 2] keepDims'),
  axesCase('mean', (x) => ops.mean(x, 1), 'axis 1'),
  axesCase('mean', (x) => ops.mean(x, -1, true), 'last axis keepDims'),
  axesCase('max', (x) => ops.max(x, 2), 'axis 2'),
  axesCase('max', (x) => ops.max(x, [0, 1], true), 'axes [0, 1] keepDims'),
  axesCase('min', (x) => ops.min(x, 0), 'axis 0'),
  axesCase('min', (x) => ops.min(x), 'all'),
  { op: 'softmax', inputs: (r) => [randn([3, 5], r)], fn: (x) => ops.softmax(x) },
  { op: 'softmax', variant: 'axis 0', inputs: (r) => [randn([3, 5], r)], fn: (x) => ops.softmax(x, 0) },
  { op: 'logSoftmax', inputs: (r) => [randn([3, 5], r)], fn: (x) => ops.logSoftmax(x) },
  { op: 'logSoftmax', variant: 'axis 0 (composed)', inputs: (r) => [randn([3, 5], r)], fn: (x) => ops.logSoftmax(x, 0) },
  {
    op: 'batchNormTraining', variant: 'gamma and beta', inputs: (r) => [randn([4, 2, 3], r), uniform([3], r, 0.5, 2), randn([3], r)],
    fn: (x, g, b) => ops.batchNormTraining(x!, g!, b!, 1e-3).y,
  },
  { op: 'batchNormTraining', variant: 'neither', inputs: (r) => [randn([5, 4], r)], fn: (x) => ops.batchNormTraining(x!, null, null, 1e-3).y },
  {
    op: 'batchNormTraining', variant: 'relu fused', inputs: (r) => [randn([4, 3, 5], r), uniform([5], r, 0.5, 2), randn([5], r)],
    fn: (x, g, b) => ops.batchNormTraining(x!, g!, b!, 1e-3, 'relu').y,
  },
  {
    // gamma 2.5-4 puts some outputs past 6; draws keep every pre-activation 0.05 from 0 and 6.
    op: 'batchNormTraining', variant: 'relu6 fused',
    inputs: reluSafe((r) => [randn([4, 3, 5], r), uniform([5], r, 2.5, 4), randn([5], r)], (x, g, b) => ops.batchNormTraining(x!, g!, b!, 1e-3).y, RELU6_KINKS),
    fn: (x, g, b) => ops.batchNormTraining(x!, g!, b!, 1e-3, 'relu6').y,
  },
  {
    // A residual block's BN -> Add -> ReLU: the residual's gradient is dy after the relu's.
    op: 'batchNormTraining', variant: 'residual relu fused',
    inputs: reluSafe((r) => [randn([4, 3, 5], r), uniform([5], r, 0.5, 2), randn([5], r), randn([4, 3, 5], r)], (x, g, b, res) => ops.add(ops.batchNormTraining(x!, g!, b!, 1e-3).y, res!)),
    fn: (x, g, b, res) => ops.batchNormTraining(x!, g!, b!, 1e-3, 'relu', res!).y,
  },
  {
    // A per-channel constant before the norm (a conv's bias, plan pattern convBnTrain): the loss
    // does not depend on it, so the op's rule gives it a zero gradient; central differences agree.
    op: 'batchNormTraining', variant: 'with a shift (zero gradient)',
    inputs: (r) => [randn([4, 3, 5], r), randn([5], r), uniform([5], r, 0.5, 2), randn([5], r)],
    fn: (x, shift, g, b) => ops.batchNormTraining(x!, g!, b!, 1e-3, 'relu', null, shift!).y,
  },

  { op: 'logSumExp', inputs: (r) => [randn([3, 5], r)], fn: (x) => ops.logSumExp(x) },
  { op: 'logSumExp', variant: 'axis 0 keepDims', inputs: (r) => [randn([3, 5], r)], fn: (x) => ops.logSumExp(x, 0, true) },
];

const SHAPE: OpCase[] = [
  { op: 'reshape', inputs: (r) => [randn([2, 6], r)], fn: (x) => ops.mul(ops.reshape(x, [3, -1]), ops.tensor([1, 2, 3, 4])) },
  { op: 'flatten', inputs: (r) => [randn([2, 2, 3], r)], fn: (x) => ops.flatten(x) },
  { op: 'expandDims', inputs: (r) => [randn([2, 3], r)], fn: (x) => ops.expandDims(x, 1) },
  { op: 'squeeze', inputs: (r) => [randn([2, 1, 3], r)], fn: (x) => ops.squeeze(x) },
  { op: 'transpose', inputs: (r) => [randn([2, 3, 4], r)], fn: (x) => ops.transpose(x, [2, 0, 1]) },
  { op: 'transpose', variant: 'default reverses', inputs: (r) => [randn([2, 3], r)], fn: (x) => ops.transpose(x) },
  { op: 'slice', inputs: (r) => [randn([3, 4, 2], r)], fn: (x) => ops.slice(x, [1, 1, 0], [2, -1, 1]) },
  { op: 'concat', inputs: (r) => [randn([2, 3], r), randn([2, 1], r), randn([2, 2], r)], fn: (a, b, c) => ops.concat([a, b, c], 1) },
  { op: 'pad', inputs: (r) => [randn([2, 3], r)], fn: (x) => ops.pad(x, [[1, 0], [2, 1]], 0.5) },
  {
    op: 'where', variant: 'broadcast branches',
    inputs: (r) => [ops.tensor([[1, 0, 1], [0, 0, 1]]), randn([2, 3], r), randn([3], r)],
    fn: (c, a, b) => ops.where(c, a, b), options: { wrt: [1, 2] },
  },
  { op: 'cast', variant: 'float32 to float32', inputs: (r) => [randn([3], r)], fn: (x) => ops.cast(x, 'float32') },
];

const matmulCase = (tA: boolean, tB: boolean): OpCase => ({
  op: 'matmul', variant: `transposeA ${tA} transposeB ${tB}`,
  inputs: (r) => [randn(tA ? [4, 3] : [3, 4], r), randn(tB ? [5, 4] : [4, 5], r)],
  fn: (a, b) => ops.matmul(a, b, { transposeA: tA, transposeB: tB }),
});

const MATMUL: OpCase[] = [
  matmulCase(false, false), matmulCase(true, false), matmulCase(false, true), matmulCase(true, true),
  { op: 'matmul', variant: 'batched rank 3', inputs: (r) => [randn([2, 3, 4], r), randn([2, 4, 2], r)], fn: (a, b) => ops.matmul(a, b) },
  { op: 'dense', variant: 'no bias', inputs: (r) => [randn([3, 4], r), randn([4, 2], r)], fn: (x, w) => ops.dense(x, w) },
  { op: 'dense', variant: 'bias', inputs: (r) => [randn([3, 4], r), randn([4, 2], r), randn([2], r)], fn: (x, w, b) => ops.dense(x, w, b) },
  {
    op: 'dense', variant: 'bias relu',
    inputs: reluSafe((r) => [randn([3, 4], r), randn([4, 5], r), randn([5], r)], (x, w, b) => ops.dense(x, w, b)),
    fn: (x, w, b) => ops.dense(x, w, b, 'relu'),
  },
  {
    // Inputs scaled by 3 so that some pre-activations pass 6 and the clamp's zero gradient is checked.
    op: 'dense', variant: 'bias relu6',
    inputs: reluSafe((r) => [ops.mul(randn([3, 4], r), 3), randn([4, 5], r), randn([5], r)], (x, w, b) => ops.dense(x, w, b), RELU6_KINKS),
    fn: (x, w, b) => ops.dense(x, w, b, 'relu6'),
  },
  { op: 'linear', variant: 'no bias', inputs: (r) => [randn([3, 4], r), randn([2, 4], r)], fn: (x, w) => ops.linear(x, w) },
  { op: 'linear', variant: 'bias', inputs: (r) => [randn([3, 4], r), randn([5, 4], r), randn([5], r)], fn: (x, w, b) => ops.linear(x, w, b) },
];

const convCase = (variant: string, x: number[], w: number[], o: ops.Conv2DOptions & { withBias?: boolean } = {}): OpCase => {
  const make = (r: Random) => [randn(x, r), randn(w, r), ...(o.withBias ? [randn([w[3]], r)] : [])];
  const conv = (act: FusedActivation) => (xt: Tensor, wt: Tensor, b?: Tensor) => ops.conv2d(xt, wt, { ...o, bias: b ?? null, activation: act });
  const act = o.activation ?? 'linear';
  const inputs = act === 'linear' ? make : reluSafe(make, conv('linear'), act === 'relu6' ? RELU6_KINKS : [0]);
  return { op: 'conv2d', variant, inputs, fn: conv(act) };
};

/** conv2d with a residual (a residual block's conv -> Add -> activation as one op): the residual's gradient too. */
function residualConvCase(variant: string, x: number[], w: number[], o: ops.Conv2DOptions & { withBias?: boolean }): OpCase {
  const withBias = o.withBias === true;
  const args = (ts: Tensor[]) => ({ xt: ts[0]!, wt: ts[1]!, b: withBias ? ts[2]! : null, res: ts[withBias ? 3 : 2]! });
  const make = (r: Random) => {
    const y = ops.conv2d(randn(x, r), randn(w, r), o);
    return [randn(x, r), randn(w, r), ...(withBias ? [randn([w[3]!], r)] : []), randn([...y.shape], r)];
  };
  const conv = (act: FusedActivation, fused: boolean) => (...ts: Tensor[]) => {
    const { xt, wt, b, res } = args(ts);
    if (fused) return ops.conv2d(xt, wt, { ...o, bias: b, activation: act, residual: res });
    return ops.add(ops.conv2d(xt, wt, { ...o, bias: b, activation: 'linear' }), res);
  };
  const act = o.activation ?? 'linear';
  const inputs = act === 'linear' ? make : reluSafe(make, conv('linear', false), act === 'relu6' ? RELU6_KINKS : [0]);
  return { op: 'conv2d', variant, inputs, fn: conv(act, true) };
}

/**
 * conv2d whose input also feeds another op: its input gradient is added to the one gathered from
 * the other consumer inside Conv2DBackpropInput (GradNode.backwardInto, `accumulate`).
 */
function sharedInputConvCase(variant: string, x: number[], w1: number[], o1: ops.Conv2DOptions, w2: number[], o2: ops.Conv2DOptions): OpCase {
  return {
    op: 'conv2d', variant,
    inputs: (r) => [randn(x, r), randn(w1, r), randn(w2, r)],
    fn: (xt, a, b) => ops.add(ops.conv2d(xt, a, o1), ops.conv2d(xt, b, o2)),
  };
}

const CONV: OpCase[] = [
  convCase('valid', [1, 5, 5, 2], [3, 3, 2, 3]),
  convCase('strides 2', [2, 6, 5, 2], [3, 2, 2, 2], { strides: 2 }),
  convCase('strides [1, 2] dilation 2', [1, 7, 7, 1], [2, 3, 1, 2], { strides: [1, 2], dilations: 2 }),
  convCase("padding 'same' strides 2", [1, 5, 6, 2], [3, 3, 2, 2], { padding: 'same', strides: 2 }),
  convCase('explicit asymmetric padding', [1, 4, 4, 2], [3, 2, 2, 2], { padding: [1, 0, 2, 1] }),
  convCase('groups 2', [1, 4, 4, 4], [2, 2, 2, 6], { groups: 2 }),
  convCase('depthwise groups = channels', [1, 4, 4, 3], [3, 3, 1, 3], { groups: 3, padding: 'same' }),
  convCase('channelsFirst', [1, 2, 5, 4], [3, 3, 2, 2], { dataFormat: 'channelsFirst', padding: 1 }),
  convCase('bias', [1, 4, 4, 2], [2, 2, 2, 3], { withBias: true }),
  convCase('bias relu', [2, 4, 4, 2], [3, 3, 2, 3], { withBias: true, activation: 'relu', padding: 'same' }),
  // 18 taps of unit normals: pre-activations with std ~4, so some pass 6 (the clamp's zero gradient).
  convCase('bias relu6', [2, 4, 4, 2], [3, 3, 2, 3], { withBias: true, activation: 'relu6', padding: 'same' }),
  convCase('pointwise relu6, no bias', [2, 3, 3, 8], [1, 1, 8, 4], { activation: 'relu6' }),
  convCase('depthwise bias relu6', [1, 5, 5, 4], [3, 3, 1, 4], { groups: 4, padding: 'same', withBias: true, activation: 'relu6' }),
  convCase('large input (random directions)', [2, 8, 8, 3], [3, 3, 3, 4], { padding: 'same', withBias: true }),
  residualConvCase('bias relu residual', [2, 4, 4, 2], [3, 3, 2, 3], { withBias: true, activation: 'relu', padding: 'same' }),
  residualConvCase('residual linear, no bias', [1, 5, 5, 2], [3, 3, 2, 2], {}),
  residualConvCase('channelsFirst residual relu6', [2, 2, 4, 4], [3, 3, 2, 3], { dataFormat: 'channelsFirst', padding: 1, activation: 'relu6', withBias: true }),
  sharedInputConvCase('input shared by two convs', [1, 5, 5, 2], [3, 3, 2, 3], { padding: 'same' }, [1, 1, 2, 3], {}),
  sharedInputConvCase('input shared by two stride-2 convs', [2, 6, 6, 2], [3, 3, 2, 2], { padding: 1, strides: 2 }, [1, 1, 2, 2], { strides: 2 }),
  {
    // x in two slots of one conv: the rule must not add a gathered gradient (it would be counted twice).
    op: 'conv2d', variant: 'input also the residual, shared with a relu',
    inputs: (r) => [randn([1, 4, 4, 2], r), randn([3, 3, 2, 2], r)],
    fn: (xt, w) => ops.add(ops.conv2d(xt, w, { padding: 'same', residual: xt }), ops.mul(xt, xt)),
  },
];

/** Transposed conv: filter [kh, kw, outChannels, inChannels] as in Keras. */
const transposedCase = (variant: string, x: number[], w: number[], o: ops.Conv2DTransposeOptions): OpCase => ({
  op: 'conv2dTranspose', variant, inputs: (r) => [randn(x, r), randn(w, r)], fn: (xt, wt) => ops.conv2dTranspose(xt, wt, o),
});

const CONV_TRANSPOSE: OpCase[] = [
  transposedCase('valid strides 2', [1, 3, 3, 2], [3, 3, 4, 2], { strides: 2 }),
  transposedCase("'same' strides 2", [2, 3, 4, 3], [2, 3, 2, 3], { strides: 2, padding: 'same' }),
  transposedCase('dilation 2', [1, 4, 4, 1], [3, 3, 2, 1], { dilations: 2 }),
];

const poolCase = (op: 'maxPool2d' | 'minPool2d' | 'avgPool2d', variant: string, x: number[], k: number | [number, number], o: ops.Pool2DOptions = {}): OpCase => ({
  op, variant, inputs: (r) => [distinct(x, r)], fn: (t) => ops[op](t, k, o),
});

const POOL: OpCase[] = (['maxPool2d', 'minPool2d', 'avgPool2d'] as const).flatMap((op) => [
  poolCase(op, '2x2 valid', [1, 4, 4, 2], 2),
  poolCase(op, "3x3 strides 2 padding 'same'", [1, 5, 5, 2], 3, { strides: 2, padding: 'same' }),
  poolCase(op, 'explicit padding, overlapping', [2, 4, 5, 1], [2, 3], { strides: 1, padding: [1, 0, 1, 1] }),
  poolCase(op, 'channelsFirst', [1, 2, 4, 4], 2, { dataFormat: 'channelsFirst' }),
]);

/**
 * Pooling of a fused Conv2D(bias, relu) output with 2x2 windows, stride 2 (the seed CNN's pattern):
 * the pool's rule then routes, masks and sums the bias gradient in one kernel. Draws keep every
 * pre-activation 0.05 from the relu kink and, for max, each window's top value 0.05 above the next.
 */
function convPoolCase(op: 'maxPool2d' | 'avgPool2d', variant: string, x: number[], w: number[], padding: ops.Padding): OpCase {
  const make = (r: Random) => [randn(x, r), randn(w, r), randn([w[3]!], r)];
  const pre = (xt: Tensor, wt: Tensor, b: Tensor) => ops.conv2d(xt, wt, { bias: b, padding });
  const kinkFree = (xs: Tensor[]) => {
    const z = pre(xs[0]!, xs[1]!, xs[2]!);
    return z.dataSync().every((v) => Math.abs(v) >= 0.05) && (op !== 'maxPool2d' || windowTopsApart(z, 0.05));
  };
  return {
    op, variant: `2x2 after conv2d bias relu, ${variant}`,
    inputs: redraw(make, kinkFree),
    fn: (xt, wt, b) => ops[op](ops.conv2d(xt, wt, { bias: b, padding, activation: 'relu' }), 2),
  };
}

/** In every 2x2 stride-2 window of relu(z) (NHWC), the largest value beats the next by `gap` (or is 0). */
function windowTopsApart(z: Tensor, gap: number): boolean {
  const [n, h, w, c] = z.shape as [number, number, number, number];
  const v = z.dataSync();
  for (let b = 0; b < n; b++) {
    for (let i = 0; i + 1 < h; i += 2) {
      for (let j = 0; j + 1 < w; j += 2) {
        for (let k = 0; k < c; k++) {
          const cells = [[i, j], [i, j + 1], [i + 1, j], [i + 1, j + 1]].map(([p, q]) => Math.max(0, v[((b * h + p!) * w + q!) * c + k]!));
          cells.sort((a, bb) => bb - a);
          if (cells[0]! > 0 && cells[0]! - cells[1]! < gap) return false;
        }
      }
    }
  }
  return true;
}

/** A 3x3 conv then a 2x2 pooling, both unpadded, as the reader of a cropped conv2dPool. */
const CONV3_POOL2: UnpaddedConvPool = { kernelSize: [3, 3], strides: [1, 1], dilations: [1, 1], poolSize: [2, 2], poolStrides: [2, 2] };

/**
 * The fused conv2dPool op (the planner's Conv2D -> pooling pattern) on the same kink-free draws:
 * relu or linear epilogue, max/min/avg, with and without bias, channels-last and -first.
 */
function fusedConvPoolCase(
  mode: 'max' | 'min' | 'avg', activation: 'linear' | 'relu', variant: string, x: number[], w: number[],
  o: { padding: ops.Padding; bias?: boolean; channelsFirst?: boolean; readBy?: UnpaddedConvPool },
): OpCase {
  const withBias = o.bias ?? true;
  const dataFormat = o.channelsFirst === true ? 'channelsFirst' as const : 'channelsLast' as const;
  const toNCHW = (t: Tensor) => (o.channelsFirst === true ? ops.transpose(t, [0, 3, 1, 2]) : t);
  const make = (r: Random) => [randn(x, r), randn(w, r), ...(withBias ? [randn([w[3]!], r)] : [])];
  const pre = (xs: Tensor[]) => ops.conv2d(xs[0]!, xs[1]!, { bias: xs[2] ?? null, padding: o.padding });
  const kinkFree = (xs: Tensor[]) => {
    const z = pre(xs);
    const clearOfRelu = activation === 'linear' || z.dataSync().every((v) => Math.abs(v) >= 0.05);
    return clearOfRelu && (mode === 'avg' || windowExtremesApart(z, 0.05, mode, activation === 'relu'));
  };
  return {
    op: 'conv2dPool', variant: `${mode} 2x2, ${activation}${withBias ? ' + bias' : ''}, ${dataFormat}, ${variant}`,
    inputs: (r) => redraw(make, kinkFree)(r).map((t, i) => (i === 0 ? toNCHW(t) : t)),
    fn: (xt, wt, b) => ops.conv2dPool(xt, wt, { bias: b ?? null, padding: o.padding, activation, dataFormat }, { mode, poolSize: 2, ...(o.readBy === undefined ? {} : { readBy: o.readBy }) }),
  };
}

/**
 * In every 2x2 stride-2 window of y (NHWC; relu(z) when `relu`), the value `mode` picks beats the
 * next by `gap`, unless it is a relu zero (no gradient flows to any cell of that window then).
 */
function windowExtremesApart(z: Tensor, gap: number, mode: 'max' | 'min', relu: boolean): boolean {
  const [n, h, w, c] = z.shape as [number, number, number, number];
  const v = z.dataSync();
  const at = (b: number, p: number, q: number, k: number) => v[((b * h + p) * w + q) * c + k]!;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i + 1 < h; i += 2) {
      for (let j = 0; j + 1 < w; j += 2) {
        for (let k = 0; k < c; k++) {
          const cells = [at(b, i, j, k), at(b, i, j + 1, k), at(b, i + 1, j, k), at(b, i + 1, j + 1, k)].map((x) => (relu ? Math.max(0, x) : x));
          cells.sort((p, q) => (mode === 'max' ? q - p : p - q));
          if (!(relu && cells[0] === 0) && Math.abs(cells[0]! - cells[1]!) < gap) return false;
        }
      }
    }
  }
  return true;
}

/**
 * The fused conv2dPointwise op (the planner's depthwise -> pointwise pattern): a conv, its
 * activation, then a [1, 1, C, K] conv with its own bias and activation. Draws keep both convs'
 * pre-activations away from the relu / relu6 kinks.
 */
function convPointwiseCase(variant: string, x: number[], w: number[], k: number, o: ops.Conv2DOptions & { pointwiseActivation?: FusedActivation; globalAverage?: boolean }): OpCase {
  const c = w[3]!;
  const make = (r: Random) => [randn(x, r), randn(w, r), randn([c], r), ops.mul(randn([1, 1, c, k], r), 0.5), randn([k], r)];
  const first = (xs: Tensor[], act: FusedActivation) => ops.conv2d(xs[0]!, xs[1]!, { ...o, bias: xs[2]!, activation: act });
  const pointwise = (xs: Tensor[], act: FusedActivation) => ({ filter: xs[3]!, bias: xs[4]!, activation: act });
  const kinks = (act: FusedActivation | undefined) => (act === 'relu6' ? RELU6_KINKS : act === 'relu' ? [0] : []);
  const clear = (v: Float32Array | Int32Array, act: FusedActivation | undefined) => v.every((z) => kinks(act).every((kink) => Math.abs(z - kink) >= 0.05));
  const ok = (xs: Tensor[]) => {
    const h = first(xs, 'linear');
    const next = ops.conv2d(first(xs, o.activation ?? 'linear'), xs[3]!, { dataFormat: o.dataFormat, bias: xs[4]! });
    return clear(h.dataSync(), o.activation) && clear(next.dataSync(), o.pointwiseActivation);
  };
  const toNCHW = (t: Tensor) => (o.dataFormat === 'channelsFirst' ? ops.transpose(t, [0, 3, 1, 2]) : t);
  return {
    op: 'conv2dPointwise', variant,
    inputs: (r) => redraw(make, (xs) => ok([toNCHW(xs[0]!), ...xs.slice(1)]))(r).map((t, i) => (i === 0 ? toNCHW(t) : t)),
    fn: (xt, wt, b, pw, pb) => ops.conv2dPointwise(
      xt, [{ filter: wt!, options: { ...o, bias: b!, activation: o.activation ?? 'linear' }, pointwise: pointwise([xt, wt, b!, pw!, pb!], o.pointwiseActivation ?? 'linear') }],
      o.globalAverage === true ? { keepdims: false } : undefined,
    ),
  };
}

/** Two blocks (a depthwise conv with relu6, a pointwise conv) one after the other, then the global average. */
const twoBlocksCase: OpCase = {
  op: 'conv2dPointwise', variant: 'two depthwise -> pointwise blocks, global average',
  inputs: (r) => [randn([2, 5, 5, 2], r), randn([3, 3, 1, 2], r), ops.mul(randn([1, 1, 2, 4], r), 0.5), randn([3, 3, 1, 4], r), ops.mul(randn([1, 1, 4, 3], r), 0.5)],
  fn: (x, w1, p1, w2, p2) => ops.conv2dPointwise(x, [
    { filter: w1!, options: { groups: 2, padding: 'same' }, pointwise: { filter: p1! } },
    { filter: w2!, options: { groups: 4, strides: 2, padding: [1, 0, 1, 0] }, pointwise: { filter: p2! } },
  ], { keepdims: true }),
};

/** A stem conv (3 channels, stride 2, linear) before a depthwise -> pointwise block, then the global average. */
const stemCase: OpCase = {
  op: 'conv2dPointwise', variant: 'a stem conv before a block, global average',
  inputs: (r) => [randn([2, 6, 6, 3], r), ops.mul(randn([3, 3, 3, 4], r), 0.5), randn([4], r), randn([3, 3, 1, 4], r), ops.mul(randn([1, 1, 4, 3], r), 0.5)],
  fn: (x, s, sb, w, p) => ops.conv2dPointwise(x, [
    { filter: w!, options: { groups: 4, padding: 'same' }, pointwise: { filter: p! } },
  ], { keepdims: false }, { filter: s!, options: { strides: 2, padding: [1, 1, 1, 1], bias: sb! } }),
};

const CONV_POINTWISE: OpCase[] = [
  twoBlocksCase,
  stemCase,
  convPointwiseCase('depthwise relu6 -> pointwise relu6', [1, 5, 5, 4], [3, 3, 1, 4], 3, { groups: 4, padding: 'same', activation: 'relu6', pointwiseActivation: 'relu6' }),
  convPointwiseCase('depthwise strides 2 -> pointwise linear', [2, 6, 6, 2], [3, 3, 1, 2], 3, { groups: 2, strides: 2, padding: [1, 0, 1, 0] }),
  convPointwiseCase('conv relu -> pointwise relu, channelsFirst', [1, 4, 4, 2], [3, 3, 2, 3], 2, { padding: 'same', activation: 'relu', pointwiseActivation: 'relu', dataFormat: 'channelsFirst' }),
  convPointwiseCase('depthwise -> pointwise relu6 -> global average', [2, 4, 4, 3], [3, 3, 1, 3], 4, { groups: 3, padding: 'same', pointwiseActivation: 'relu6', globalAverage: true }),
];

const CONV_POOL: OpCase[] = [
  convPoolCase('maxPool2d', 'even size', [2, 6, 6, 2], [3, 3, 2, 4], 'valid'),
  convPoolCase('maxPool2d', 'odd size, 5 channels', [1, 7, 7, 2], [3, 3, 2, 5], 'same'),
  convPoolCase('avgPool2d', 'odd size', [1, 7, 7, 2], [3, 3, 2, 3], 'same'),
  fusedConvPoolCase('max', 'relu', 'even size', [2, 6, 6, 2], [3, 3, 2, 4], { padding: 'valid' }),
  fusedConvPoolCase('max', 'relu', 'odd size, 5 channels', [1, 7, 7, 2], [3, 3, 2, 5], { padding: 'same' }),
  fusedConvPoolCase('min', 'relu', 'even size', [1, 6, 6, 2], [3, 3, 2, 4], { padding: 'valid' }),
  fusedConvPoolCase('avg', 'relu', 'odd size', [1, 7, 7, 2], [3, 3, 2, 3], { padding: 'same' }),
  fusedConvPoolCase('max', 'linear', 'no bias', [1, 6, 6, 2], [3, 3, 2, 4], { padding: 'valid', bias: false }),
  fusedConvPoolCase('avg', 'linear', 'bias', [1, 6, 6, 3], [3, 3, 3, 4], { padding: 'valid' }),
  fusedConvPoolCase('max', 'relu', 'no bias', [1, 6, 6, 1], [3, 3, 1, 4], { padding: 'valid', bias: false }),
  fusedConvPoolCase('max', 'relu', 'NCHW', [1, 6, 6, 2], [3, 3, 2, 4], { padding: 'valid', channelsFirst: true }),
  // 5x5 pooled, of which a 3x3 conv + 2x2 pool reads the top-left 4x4 (the planner's convPoolCrop).
  fusedConvPoolCase('max', 'relu', 'cropped to what a conv + pool reads', [1, 12, 12, 1], [3, 3, 1, 2], { padding: 'valid', readBy: CONV3_POOL2 }),
  fusedConvPoolCase('max', 'linear', 'NCHW cropped to what a conv + pool reads', [1, 12, 13, 2], [3, 3, 2, 4], { padding: 'valid', channelsFirst: true, readBy: CONV3_POOL2 }),
];

/** Random int32 class indices in 0..classes-1 of `shape`. */
function classIndices(shape: number[], classes: number, rng: Random): Tensor {
  return ops.tensor(Int32Array.from({ length: size(shape) }, () => rng.int(classes)), shape, 'int32');
}

/** One-hot rows of shape [rows, classes] with random classes. */
function oneHotRows(rows: number, classes: number, rng: Random): Tensor {
  return ops.oneHot(classIndices([rows], classes, rng), classes);
}

const SOFTMAX_CROSS_ENTROPY: OpCase[] = [
  // Soft labels that do not sum to 1 check the sum(labels) factor of the logits gradient.
  { op: 'softmaxCrossEntropy', variant: 'soft labels', inputs: (r) => [uniform([4, 5], r, 0, 1), ops.mul(randn([4, 5], r), 2)], fn: (t, z) => ops.softmaxCrossEntropy(t, z) },
  { op: 'softmaxCrossEntropy', variant: 'one-hot labels', inputs: (r) => [oneHotRows(6, 10, r), ops.mul(randn([6, 10], r), 3)], fn: (t, z) => ops.softmaxCrossEntropy(t, z) },
  { op: 'softmaxCrossEntropy', variant: 'axis 1 of rank 3', inputs: (r) => [uniform([2, 3, 4], r, 0, 1), randn([2, 3, 4], r)], fn: (t, z) => ops.softmaxCrossEntropy(t, z, 1) },
  { op: 'softmaxCrossEntropy', variant: 'rank 1', inputs: (r) => [uniform([5], r, 0, 1), randn([5], r)], fn: (t, z) => ops.softmaxCrossEntropy(t, z) },
  { op: 'sparseSoftmaxCrossEntropy', variant: 'class indices', inputs: (r) => [classIndices([6], 10, r), ops.mul(randn([6, 10], r), 3)], fn: (c, z) => ops.sparseSoftmaxCrossEntropy(c, z) },
  { op: 'sparseSoftmaxCrossEntropy', variant: 'rank 3', inputs: (r) => [classIndices([2, 3], 4, r), randn([2, 3, 4], r)], fn: (c, z) => ops.sparseSoftmaxCrossEntropy(c, z) },
];

// Rotation by 0.4 rad about the centre of a 4x5 image, a per-image zoom and shift, a resize.
const ROTATE = [Math.cos(0.4), -Math.sin(0.4), 2.2, Math.sin(0.4), Math.cos(0.4), -0.9, 0, 0];
const IMAGE_TRANSFORM: OpCase[] = [
  { op: 'imageTransform', variant: 'bilinear reflect', inputs: (r) => [randn([2, 4, 5, 3], r)], fn: (x) => ops.imageTransform(x, [ROTATE], { fillMode: 'reflect' }) },
  { op: 'imageTransform', variant: 'nearest constant', inputs: (r) => [randn([1, 4, 5, 2], r)], fn: (x) => ops.imageTransform(x, [ROTATE], { interpolation: 'nearest', fillValue: 0.5 }) },
  {
    op: 'imageTransform', variant: 'per-image, wrap and nearest fill',
    inputs: (r) => [randn([2, 3, 4, 1], r)],
    fn: (x) => ops.imageTransform(x, [[0.7, 0, 1.3, 0, 0.8, -0.6, 0, 0], [1, 0, -1.5, 0, 1, 0.7, 0.01, 0]], { fillMode: 'wrap' }),
  },
  { op: 'imageTransform', variant: 'resize 3x4 to 5x3', inputs: (r) => [randn([1, 3, 4, 2], r)], fn: (x) => ops.imageTransform(x, [[4 / 3, 0, 1 / 6, 0, 0.6, -0.2, 0, 0]], { outputSize: [5, 3], fillMode: 'nearest' }) },
];

export const OP_TABLE: OpCase[] = [...UNARY, ...BINARY, ...REDUCE_SOFTMAX, ...SHAPE, ...MATMUL, ...CONV, ...CONV_TRANSPOSE, ...POOL, ...CONV_POOL, ...CONV_POINTWISE, ...SOFTMAX_CROSS_ENTROPY, ...IMAGE_TRANSFORM];

/** Exports of src/ops/index.ts that have no gradient (creation, comparisons, indices, attrs). */
export const NOT_DIFFERENTIABLE = new Set([
  'tensor', 'scalar', 'fill', 'zeros', 'ones', 'zerosLike', 'onesLike',
  'equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual',
  'argmax', 'argmin', 'argMax', 'oneHot', 'conv2dAttrs', 'pool2dAttrs',
]);
