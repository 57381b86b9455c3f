/**
 * Finite-difference gradient checks. The scalar checked is L = sum(f(x) * r) for a fixed random r,
 * so every output element takes part with a different weight (a plain sum would hide gradients
 * that only err in how they split between outputs). L is accumulated in float64 in JS; only f runs
 * in float32.
 *
 * Small inputs are checked element by element; large ones along a few random directions
 * (the directional derivative g . v), which catches the same bugs at a fraction of the cost.
 *
 * Example: `gradcheck((a, b) => mul(a, b), [tensor([1, 2]), tensor([3, 4])])` returns the errors,
 * or throws naming the input and element whose analytic and numeric gradients disagree.
 */
import { gradients } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tensor } from '../ops/create.js';
import { Random } from '../tensor/random.js';
import { withScope } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export interface GradcheckOptions {
  /**
   * Perturbation. Central differences err by ~eps^2 * f''' (truncation) plus ~1e-7 * |L| / eps
   * (float32 rounding of f); 5e-3 is near the cube root of float32's epsilon, where both are small.
   * Inputs must stay at least eps away from kinks (relu at 0, ties in max/pooling).
   */
  eps?: number;
  /** Relative tolerance against the numeric gradient (default 1e-2). */
  rtol?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Indices of the inputs to check (default: every float32 input). */
  wrt?: readonly number[];
  /** Inputs with more elements than this are checked along random directions (default 256). */
  maxElements?: number;
  /** Random directions per large input (default 4). */
  directions?: number;
  seed?: number;
  /** Name used in error messages. */
  name?: string;
}

export interface GradcheckResult {
  /** Largest |analytic - numeric| over every checked derivative. */
  maxAbs: number;
  /** Largest |analytic - numeric| / |numeric| (numeric != 0). */
  maxRel: number;
  /** Number of derivatives compared. */
  checked: number;
}

type Fn = (...xs: Tensor[]) => Tensor;

interface Setup {
  f: Fn;
  values: Float32Array[];
  inputs: readonly Tensor[];
  r: Float64Array;
}

/** L = sum(f(xs) * r) in float64, with input `k` replaced by `values`. */
function lossAt(s: Setup, k: number, values: Float32Array): number {
  return withScope(() =>
    noGrad(() => {
      const xs = s.inputs.map((x, i) => (i === k ? tensor(values, x.shape) : x));
      const y = s.f(...xs).dataSync();
      let loss = 0;
      for (let i = 0; i < y.length; i++) loss += y[i] * s.r[i];
      return loss;
    }),
  );
}

/** Analytic dL/dx for each input, as float64 arrays (zeros where f does not depend on x). */
function analyticGrads(f: Fn, inputs: readonly Tensor[], wrt: readonly number[], rng: Random): { grads: Float64Array[]; r: Float64Array } {
  return withScope(() => {
    const leaves = inputs.map((x, i) => {
      if (!wrt.includes(i)) return x;
      const leaf = tensor(x.dataSync(), x.shape, x.dtype);
      leaf.requiresGrad = true;
      return leaf;
    });
    const y = f(...leaves);
    if (y.dtype !== 'float32') throw new Error(`gradcheck: f returned a ${y.dtype} tensor; only float32 outputs are differentiable`);
    // r is float32-representable so the analytic side (float32 dy) sees exactly the same weights.
    const rValues = Float32Array.from({ length: y.size }, () => rng.uniform(-1, 1));
    const g = gradients(y, leaves, tensor(rValues, y.shape));
    const grads = inputs.map((x, i) => {
      const gi = g[i];
      return wrt.includes(i) && gi !== null ? Float64Array.from(gi.dataSync()) : new Float64Array(x.size);
    });
    return { grads, r: Float64Array.from(rValues) };
  });
}

/** Central difference along `direction`; returns [numeric change of L, analytic change g . delta]. */
function probe(s: Setup, k: number, g: Float64Array, direction: (i: number) => number, eps: number): [number, number, number] {
  const base = s.values[k];
  const plus = Float32Array.from(base, (v, i) => v + eps * direction(i));
  const minus = Float32Array.from(base, (v, i) => v - eps * direction(i));
  // The step actually taken is what float32 could represent, not eps itself.
  let predicted = 0;
  let step = 0;
  for (let i = 0; i < base.length; i++) {
    const delta = plus[i] - minus[i];
    predicted += g[i] * delta;
    step = Math.max(step, Math.abs(delta));
  }
  return [lossAt(s, k, plus) - lossAt(s, k, minus), predicted, step];
}

class Tally {
  result: GradcheckResult = { maxAbs: 0, maxRel: 0, checked: 0 };
  failure: string | null = null;
  private worst = 1;

  constructor(private readonly rtol: number, private readonly atol: number) {}

  add(analytic: number, numeric: number, where: string): void {
    const diff = Number.isFinite(analytic) && Number.isFinite(numeric) ? Math.abs(analytic - numeric) : Infinity;
    const r = this.result;
    r.checked++;
    r.maxAbs = Math.max(r.maxAbs, diff);
    if (numeric !== 0) r.maxRel = Math.max(r.maxRel, diff / Math.abs(numeric));
    const ratio = diff / (this.atol + this.rtol * Math.abs(numeric));
    if (ratio > this.worst) {
      this.worst = ratio;
      this.failure = `${where}: analytic ${analytic.toPrecision(6)}, numeric ${numeric.toPrecision(6)}`;
    }
  }
}

function checkInput(s: Setup, k: number, g: Float64Array, o: Required<Omit<GradcheckOptions, 'wrt' | 'name' | 'seed'>>, rng: Random, tally: Tally): void {
  const n = s.values[k].length;
  if (n <= o.maxElements) {
    for (let j = 0; j < n; j++) {
      const [dL, predicted, step] = probe(s, k, g, (i) => (i === j ? 1 : 0), o.eps);
      tally.add(predicted / step, dL / step, `input ${k} element ${j}`);
    }
    return;
  }
  for (let d = 0; d < o.directions; d++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    const [dL, predicted] = probe(s, k, g, (i) => v[i] / norm, o.eps);
    tally.add(predicted / (2 * o.eps), dL / (2 * o.eps), `input ${k} random direction ${d}`);
  }
}

/**
 * Compares `gradients()` of f with central finite differences for each checked input. Throws when
 * some derivative is off by more than atol + rtol * |numeric|; otherwise returns the errors.
 */
export function gradcheck(f: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const o = {
    eps: options.eps ?? 5e-3,
    rtol: options.rtol ?? 1e-2,
    atol: options.atol ?? 1e-3,
    maxElements: options.maxElements ?? 256,
    directions: options.directions ?? 4,
  };
  const wrt = options.wrt ?? inputs.map((x, i) => (x.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
  for (const i of wrt) {
    if (inputs[i]?.dtype !== 'float32') throw new Error(`gradcheck: input ${i} is not a float32 tensor and cannot be checked`);
  }
  const rng = new Random(options.seed ?? 1234);
  const { grads, r } = analyticGrads(f, inputs, wrt, rng);
  const s: Setup = { f, inputs, r, values: inputs.map((x) => (x.dtype === 'float32' ? (x.dataSync() as Float32Array) : new Float32Array(0))) };
  const tally = new Tally(o.rtol, o.atol);
  for (const k of wrt) checkInput(s, k, grads[k], o, rng, tally);
  if (tally.failure !== null) {
    throw new Error(`gradcheck${options.name ? ` ${options.name}` : ''}: gradients disagree at ${tally.failure} (rtol ${o.rtol}, atol ${o.atol}, eps ${o.eps})`);
  }
  return tally.result;
}
