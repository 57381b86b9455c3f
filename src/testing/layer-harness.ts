/**
 * One call that checks a layer the way every layer must behave:
 *   1. `computeOutputShape` matches `expected.outputShape`, and a real call produces that shape;
 *   2. the weight count matches `expected.params` (and `expected.nonTrainableParams` when given);
 *   3. the config survives a round trip through the class-name registry (same config, same output
 *      given the same weights);
 *   4. analytic gradients of a random projection of the output, w.r.t. every input and trainable weight,
 *      match central finite differences accumulated in float64;
 *   5. one gradient-descent step changes the trainable weights and lowers that projection.
 * Merge layers pass a list of input shapes. `training: true` runs every call in training mode
 * (batch statistics for BatchNormalization). Throws an Error describing the first failure (no
 * Node built-ins: usable in browsers too).
 */
import { gradients } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { layerFromConfig } from '../layers/registry.js';
import { mul, sum, tensor } from '../ops/index.js';
import { Random } from '../tensor/random.js';
import { withScope } from '../tensor/scope.js';
import { shapeToString, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface LayerExpectations {
  /** With the batch axis as null, e.g. [null, 26, 26, 32]. */
  outputShape: SymbolicShape;
  params: number;
  nonTrainableParams?: number;
}

export interface LayerCheckOptions {
  seed?: number;
  /** Finite-difference step (float32 needs a large one). */
  eps?: number;
  /** Relative tolerance of the gradient check. */
  tolerance?: number;
  /** Input values (one array per input); default uniform in [-1, 1). Pooling tests pass well-separated values. */
  input?: Float32Array | Float32Array[];
  /** Run the layer in training mode (default false: inference). */
  training?: boolean;
}

/** What every check needs: the layer, its concrete inputs and the call mode. */
interface Subject {
  layer: Layer;
  shapes: number[][];
  multi: boolean;
  training: boolean;
}

function fail(layer: Layer, what: string): never {
  throw new Error(`checkLayer ${layer.className} "${layer.name}": ${what}`);
}

function run(s: Subject, layer: Layer, xs: readonly Tensor[]): Tensor {
  return s.multi ? layer.apply([...xs], { training: s.training }) : layer.apply(xs[0], { training: s.training });
}

/** Runs every check on `layer` for inputs of the concrete `inputShape` (batch included; a list for merge layers). */
export function checkLayer(layer: Layer, inputShape: readonly number[] | readonly (readonly number[])[], expected: LayerExpectations, options: LayerCheckOptions = {}): void {
  const rng = new Random(options.seed ?? 1234);
  const multi = Array.isArray(inputShape[0]);
  const shapes = (multi ? (inputShape as number[][]) : [inputShape as number[]]).map((s) => [...s]);
  const s: Subject = { layer, shapes, multi, training: options.training ?? false };
  const symbolic = shapes.map((sh): SymbolicShape => [null, ...sh.slice(1)]);
  const symbolicInput = multi ? symbolic : symbolic[0];
  layer.rng = rng.fork();
  withScope(() => layer.build(symbolicInput));
  checkShapes(s, symbolicInput, expected, rng);
  checkParams(layer, expected);
  const given = options.input === undefined ? null : Array.isArray(options.input) ? options.input : [options.input];
  const xs = shapes.map((sh, i) => given?.[i] ?? Float32Array.from({ length: sizeOf(sh) }, () => rng.uniform(-1, 1)));
  xs.forEach((x, i) => {
    if (x.length !== sizeOf(shapes[i])) fail(layer, `options.input has ${x.length} values, shape ${shapeToString(shapes[i])} needs ${sizeOf(shapes[i])}`);
  });
  checkConfigRoundTrip(s, symbolicInput, xs);
  const projection = randomProjection(s, xs, rng);
  checkGradients(s, xs, projection, options.eps ?? 1e-2, options.tolerance ?? 2e-2);
  if (layer.trainableWeights.length > 0) checkTrainingStep(s, xs, projection);
}

function checkParams(layer: Layer, expected: LayerExpectations): void {
  if (layer.countParams() !== expected.params) fail(layer, `expected ${expected.params} parameters, has ${layer.countParams()}`);
  const nonTrainable = layer.nonTrainableWeights.reduce((n, w) => n + w.size, 0);
  if (expected.nonTrainableParams !== undefined && nonTrainable !== expected.nonTrainableParams) {
    fail(layer, `expected ${expected.nonTrainableParams} non-trainable parameters, has ${nonTrainable}`);
  }
}

function sameShape(a: SymbolicShape, b: SymbolicShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkShapes(s: Subject, symbolic: SymbolicShape | SymbolicShape[], expected: LayerExpectations, rng: Random): void {
  const inferred = s.layer.computeOutputShape(symbolic);
  if (!sameShape(inferred, expected.outputShape)) {
    fail(s.layer, `computeOutputShape gave ${shapeToString(inferred)}, expected ${shapeToString(expected.outputShape)}`);
  }
  const actual = withScope(() => {
    const xs = s.shapes.map((sh) => tensor(Float32Array.from({ length: sizeOf(sh) }, () => rng.uniform(-1, 1)), sh));
    return noGrad(() => run(s, s.layer, xs)).shape;
  });
  const concrete = [s.shapes[0][0], ...expected.outputShape.slice(1)];
  if (!sameShape(actual, concrete)) fail(s.layer, `call produced ${shapeToString(actual)}, expected ${shapeToString(concrete)}`);
}

/** The output values of `layer` for inputs `xs`, as float64. */
function outputValues(s: Subject, layer: Layer, xs: readonly Float32Array[]): Float64Array {
  return withScope(() => noGrad(() => Float64Array.from(run(s, layer, xs.map((x, i) => tensor(x, s.shapes[i]))).dataSync())));
}

function checkConfigRoundTrip(s: Subject, symbolic: SymbolicShape | SymbolicShape[], xs: readonly Float32Array[]): void {
  const { layer } = s;
  const config = layer.getConfig();
  const clone = layerFromConfig(layer.className, JSON.parse(JSON.stringify(config)));
  if (JSON.stringify(clone.getConfig()) !== JSON.stringify(config)) {
    fail(layer, `config round trip changed it:\n  ${JSON.stringify(config)}\n  ${JSON.stringify(clone.getConfig())}`);
  }
  withScope(() => clone.build(symbolic));
  if (clone.countParams() !== layer.countParams()) fail(layer, `rebuilt from config it has ${clone.countParams()} parameters, not ${layer.countParams()}`);
  clone.weights.forEach((w, i) => w.assign(tensor(layer.weights[i].dataSync(), w.shape)));
  const a = outputValues(s, layer, xs);
  const b = outputValues(s, clone, xs);
  if (a.some((v, i) => v !== b[i])) fail(layer, 'rebuilt from config with the same weights it computes different outputs');
}

function randomProjection(s: Subject, xs: readonly Float32Array[], rng: Random): Float64Array {
  const y = outputValues(s, s.layer, xs);
  if (y.some((v) => !Number.isFinite(v))) fail(s.layer, 'output has non-finite values');
  // Rounded to float32 so the analytic side (float32 tensors) projects on exactly the same vector.
  return Float64Array.from(Float32Array.from(y, () => rng.normal()));
}

/** f = <projection, layer(xs)> in float64. */
function objective(s: Subject, xs: readonly Float32Array[], projection: Float64Array): number {
  const y = outputValues(s, s.layer, xs);
  let f = 0;
  for (let i = 0; i < y.length; i++) f += projection[i] * y[i];
  return f;
}

/** d<projection, layer(xs)> / d(inputs..., weights...) from autograd. */
function analyticGradients(s: Subject, xs: readonly Float32Array[], projection: Float64Array): Float32Array[] {
  return withScope(() => {
    const ts = xs.map((x, i) => tensor(x, s.shapes[i]));
    ts.forEach((t) => (t.requiresGrad = true));
    const y = run(s, s.layer, ts);
    const f = sum(mul(y, tensor(Float32Array.from(projection), y.shape)));
    // Non-trainable weights (moving statistics) are not differentiated, as in training.
    const targets: Tensor[] = [...ts, ...s.layer.trainableWeights];
    return gradients(f, targets).map((g, i) => (g === null ? new Float32Array(targets[i].size) : (g.dataSync() as Float32Array)));
  });
}

interface Target {
  name: string;
  values: Float32Array;
  /** Evaluates the objective with `values` replacing the target's values. */
  evaluate(values: Float32Array): number;
}

function gradientTargets(s: Subject, xs: readonly Float32Array[], projection: Float64Array): Target[] {
  const inputs = xs.map((x, i): Target => ({
    name: s.multi ? `input ${i}` : 'input',
    values: x.slice(),
    evaluate: (v) => objective(s, xs.map((o, j) => (j === i ? v : o)), projection),
  }));
  const weights = s.layer.trainableWeights.map((w): Target => {
    const original = w.dataSync() as Float32Array;
    return {
      name: w.name,
      values: original,
      evaluate: (v) => {
        w.assign(tensor(v, w.shape));
        const f = objective(s, xs, projection);
        w.assign(tensor(original, w.shape));
        return f;
      },
    };
  });
  return [...inputs, ...weights];
}

function checkGradients(s: Subject, xs: readonly Float32Array[], projection: Float64Array, eps: number, tol: number): void {
  const analytic = analyticGradients(s, xs, projection);
  const f0 = objective(s, xs, projection);
  gradientTargets(s, xs, projection).forEach((target, t) => {
    const g = analytic[t];
    const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
    for (let i = 0; i < target.values.length; i++) {
      const v = target.values.slice();
      v[i] = target.values[i] + eps;
      const fPlus = target.evaluate(v);
      v[i] = target.values[i] - eps;
      const fMinus = target.evaluate(v);
      // Near a kink (relu at 0, a max-pool tie) only a one-sided difference is meaningful; the
      // analytic (sub)gradient must match at least one of the three estimates.
      const estimates = [(fPlus - fMinus) / (2 * eps), (fPlus - f0) / eps, (f0 - fMinus) / eps];
      const ok = estimates.some((n) => Math.abs(n - g[i]) <= tol * Math.max(scale, Math.abs(n), Math.abs(g[i])));
      if (!ok) fail(s.layer, `gradient w.r.t. ${target.name}[${i}] is ${g[i]}, finite differences give ${estimates[0]} (central), ${estimates[1]}, ${estimates[2]}`);
    }
  });
}

function checkTrainingStep(s: Subject, xs: readonly Float32Array[], projection: Float64Array): void {
  const { layer } = s;
  const before = objective(s, xs, projection);
  const oldValues = layer.trainableWeights.map((w) => w.dataSync());
  const grads = analyticGradients(s, xs, projection).slice(xs.length);
  const norm = Math.sqrt(grads.reduce((n, g) => n + g.reduce((m, v) => m + v * v, 0), 0));
  if (norm === 0) fail(layer, 'all weight gradients are zero: a training step cannot change anything');
  // A small step against the gradient, sized so the objective must go down to first order.
  const lr = 1e-3 / norm;
  layer.trainableWeights.forEach((w, i) => {
    w.assign(tensor(Float32Array.from(w.dataSync(), (v, k) => v - lr * grads[i][k]), w.shape));
  });
  const changed = layer.trainableWeights.some((w, i) => w.dataSync().some((v, k) => v !== oldValues[i][k]));
  if (!changed) fail(layer, 'a training step left every weight unchanged');
  const after = objective(s, xs, projection);
  if (!(after < before)) fail(layer, `a training step did not lower the objective (${before} -> ${after})`);
}
