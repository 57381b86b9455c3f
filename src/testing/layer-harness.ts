/**
 * One call that checks a layer the way every layer must behave:
 *   1. `computeOutputShape` matches `expected.outputShape`, and a real call produces that shape;
 *   2. the weight count matches `expected.params`;
 *   3. the config survives a round trip through the class-name registry (same config, same output
 *      given the same weights);
 *   4. analytic gradients of a random projection of the output, w.r.t. the input and each weight,
 *      match central finite differences accumulated in float64;
 *   5. one gradient-descent step changes the weights and lowers that projection.
 * Throws an Error describing the first failure (no Node built-ins: usable in browsers too).
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
}

export interface LayerCheckOptions {
  seed?: number;
  /** Finite-difference step (float32 needs a large one). */
  eps?: number;
  /** Relative tolerance of the gradient check. */
  tolerance?: number;
  /** Input values; default uniform in [-1, 1). Pooling tests pass well-separated values. */
  input?: Float32Array;
}

function fail(layer: Layer, what: string): never {
  throw new Error(`checkLayer ${layer.className} "${layer.name}": ${what}`);
}

/** Runs every check on `layer` for an input of the concrete `inputShape` (batch included). */
export function checkLayer(layer: Layer, inputShape: readonly number[], expected: LayerExpectations, options: LayerCheckOptions = {}): void {
  const rng = new Random(options.seed ?? 1234);
  const symbolic: SymbolicShape = [null, ...inputShape.slice(1)];
  layer.rng = rng.fork();
  withScope(() => layer.build(symbolic));
  checkShapes(layer, inputShape, symbolic, expected, rng);
  if (layer.countParams() !== expected.params) fail(layer, `expected ${expected.params} parameters, has ${layer.countParams()}`);
  const x = options.input ?? Float32Array.from({ length: sizeOf(inputShape) }, () => rng.uniform(-1, 1));
  if (x.length !== sizeOf(inputShape)) fail(layer, `options.input has ${x.length} values, shape ${shapeToString(inputShape)} needs ${sizeOf(inputShape)}`);
  checkConfigRoundTrip(layer, inputShape, symbolic, x);
  const projection = randomProjection(layer, inputShape, x, rng);
  checkGradients(layer, inputShape, x, projection, options.eps ?? 1e-2, options.tolerance ?? 2e-2);
  if (layer.trainableWeights.length > 0) checkTrainingStep(layer, inputShape, x, projection);
}

function sameShape(a: SymbolicShape, b: SymbolicShape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkShapes(layer: Layer, inputShape: readonly number[], symbolic: SymbolicShape, expected: LayerExpectations, rng: Random): void {
  const inferred = layer.computeOutputShape(symbolic);
  if (!sameShape(inferred, expected.outputShape)) {
    fail(layer, `computeOutputShape gave ${shapeToString(inferred)}, expected ${shapeToString(expected.outputShape)}`);
  }
  const actual = withScope(() => {
    const x = tensor(Float32Array.from({ length: sizeOf(inputShape) }, () => rng.uniform(-1, 1)), inputShape);
    return noGrad(() => layer.apply(x)).shape;
  });
  const concrete = [inputShape[0], ...expected.outputShape.slice(1)];
  if (!sameShape(actual, concrete)) fail(layer, `call produced ${shapeToString(actual)}, expected ${shapeToString(concrete)}`);
}

/** The layer's output values for input `x`, as float64. */
function outputValues(layer: Layer, inputShape: readonly number[], x: Float32Array): Float64Array {
  return withScope(() => noGrad(() => Float64Array.from(layer.apply(tensor(x, inputShape)).dataSync())));
}

function checkConfigRoundTrip(layer: Layer, inputShape: readonly number[], symbolic: SymbolicShape, x: Float32Array): void {
  const config = layer.getConfig();
  const clone = layerFromConfig(layer.className, JSON.parse(JSON.stringify(config)));
  if (JSON.stringify(clone.getConfig()) !== JSON.stringify(config)) {
    fail(layer, `config round trip changed it:\n  ${JSON.stringify(config)}\n  ${JSON.stringify(clone.getConfig())}`);
  }
  withScope(() => clone.build(symbolic));
  if (clone.countParams() !== layer.countParams()) fail(layer, `rebuilt from config it has ${clone.countParams()} parameters, not ${layer.countParams()}`);
  clone.weights.forEach((w, i) => w.assign(tensor(layer.weights[i].dataSync(), w.shape)));
  const a = outputValues(layer, inputShape, x);
  const b = outputValues(clone, inputShape, x);
  if (a.some((v, i) => v !== b[i])) fail(layer, 'rebuilt from config with the same weights it computes different outputs');
}

function randomProjection(layer: Layer, inputShape: readonly number[], x: Float32Array, rng: Random): Float64Array {
  const y = outputValues(layer, inputShape, x);
  if (y.some((v) => !Number.isFinite(v))) fail(layer, 'output has non-finite values');
  // Rounded to float32 so the analytic side (float32 tensors) projects on exactly the same vector.
  return Float64Array.from(Float32Array.from(y, () => rng.normal()));
}

/** f = <projection, layer(x)> in float64. */
function objective(layer: Layer, inputShape: readonly number[], x: Float32Array, projection: Float64Array): number {
  const y = outputValues(layer, inputShape, x);
  let f = 0;
  for (let i = 0; i < y.length; i++) f += projection[i] * y[i];
  return f;
}

/** d<projection, layer(x)> / d(x, weights...) from autograd. */
function analyticGradients(layer: Layer, inputShape: readonly number[], x: Float32Array, projection: Float64Array): Float32Array[] {
  return withScope(() => {
    const xt = tensor(x, inputShape);
    xt.requiresGrad = true;
    const y = layer.apply(xt);
    const f = sum(mul(y, tensor(Float32Array.from(projection), y.shape)));
    const targets: Tensor[] = [xt, ...layer.weights];
    return gradients(f, targets).map((g, i) => (g === null ? new Float32Array(targets[i].size) : (g.dataSync() as Float32Array)));
  });
}

interface Target {
  name: string;
  values: Float32Array;
  /** Evaluates the objective with `values` replacing the target's values. */
  evaluate(values: Float32Array): number;
}

function gradientTargets(layer: Layer, inputShape: readonly number[], x: Float32Array, projection: Float64Array): Target[] {
  const input: Target = { name: 'input', values: x.slice(), evaluate: (v) => objective(layer, inputShape, v, projection) };
  const weights = layer.weights.map((w): Target => {
    const original = w.dataSync() as Float32Array;
    return {
      name: w.name,
      values: original,
      evaluate: (v) => {
        w.assign(tensor(v, w.shape));
        const f = objective(layer, inputShape, x, projection);
        w.assign(tensor(original, w.shape));
        return f;
      },
    };
  });
  return [input, ...weights];
}

function checkGradients(layer: Layer, inputShape: readonly number[], x: Float32Array, projection: Float64Array, eps: number, tol: number): void {
  const analytic = analyticGradients(layer, inputShape, x, projection);
  const f0 = objective(layer, inputShape, x, projection);
  gradientTargets(layer, inputShape, x, projection).forEach((target, t) => {
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
      if (!ok) fail(layer, `gradient w.r.t. ${target.name}[${i}] is ${g[i]}, finite differences give ${estimates[0]} (central), ${estimates[1]}, ${estimates[2]}`);
    }
  });
}

function checkTrainingStep(layer: Layer, inputShape: readonly number[], x: Float32Array, projection: Float64Array): void {
  const before = objective(layer, inputShape, x, projection);
  const oldValues = layer.trainableWeights.map((w) => w.dataSync());
  const grads = analyticGradients(layer, inputShape, x, projection).slice(1);
  const norm = Math.sqrt(grads.reduce((n, g) => n + g.reduce((m, v) => m + v * v, 0), 0));
  if (norm === 0) fail(layer, 'all weight gradients are zero: a training step cannot change anything');
  // A small step against the gradient, sized so the objective must go down to first order.
  const lr = 1e-3 / norm;
  layer.weights.forEach((w, i) => {
    if (!w.trainable) return;
    w.assign(tensor(Float32Array.from(w.dataSync(), (v, k) => v - lr * grads[i][k]), w.shape));
  });
  const changed = layer.trainableWeights.some((w, i) => w.dataSync().some((v, k) => v !== oldValues[i][k]));
  if (!changed) fail(layer, 'a training step left every weight unchanged');
  const after = objective(layer, inputShape, x, projection);
  if (!(after < before)) fail(layer, `a training step did not lower the objective (${before} -> ${after})`);
}
