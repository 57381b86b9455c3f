/**
 * Every unary op as a float64 pair: the value f(x) and the analytic derivative f'(x). Unary and
 * UnaryGrad both read this table, so the forward and backward definitions cannot drift apart.
 * Formulas are written in their numerically stable forms (no exp overflow, no 1 - 1 cancellation).
 */
import type { UnaryOp } from '../kernels.js';
import { erf, erfc } from './erf.js';

export interface UnaryDef {
  /** y = f(x); alpha is the leakyRelu slope / elu alpha and ignored by other ops. */
  f: (x: number, alpha: number) => number;
  /** f'(x): zero at kinks of piecewise ops and for step/sign, like TF and PyTorch. */
  df: (x: number, alpha: number) => number;
}

const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/** 1 / (1 + e^-x) without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) = log1p(e^-|x|) + max(x, 0). */
export function softplus(x: number): number {
  return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(x) / x;
}

/** (x cos x - sin x) / x^2, with its Taylor series near 0 where the quotient cancels. */
function sincGrad(x: number): number {
  if (Math.abs(x) < 1e-3) return -x / 3 + (x * x * x) / 30;
  return (x * Math.cos(x) - Math.sin(x)) / (x * x);
}

function mishGrad(x: number): number {
  const t = Math.tanh(softplus(x));
  return t + x * (1 - t * t) * sigmoid(x);
}

function geluGrad(x: number): number {
  return 0.5 * erfc(-x * INV_SQRT2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Typed as a full Record so the compiler rejects a UnaryOp without a definition. */
export const UNARY_DEFS: Record<UnaryOp, UnaryDef> = {
  // math
  neg: { f: (x) => -x, df: () => -1 },
  abs: { f: Math.abs, df: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0) },
  exp: { f: Math.exp, df: Math.exp },
  log: { f: Math.log, df: (x) => 1 / x },
  sqrt: { f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x) },
  square: { f: (x) => x * x, df: (x) => 2 * x },
  sin: { f: Math.sin, df: Math.cos },
  cos: { f: Math.cos, df: (x) => -Math.sin(x) },
  sign: { f: Math.sign, df: () => 0 },
  reciprocal: { f: (x) => 1 / x, df: (x) => -1 / (x * x) },
  erf: { f: erf, df: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x) },
  // activations
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) },
  relu6: { f: (x) => Math.min(Math.max(x, 0), 6), df: (x) => (x > 0 && x < 6 ? 1 : 0) },
  leakyRelu: { f: (x, a) => (x > 0 ? x : a * x), df: (x, a) => (x > 0 ? 1 : a) },
  elu: { f: (x, a) => (x > 0 ? x : a * Math.expm1(x)), df: (x, a) => (x > 0 ? 1 : a * Math.exp(x)) },
  selu: {
    f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
  },
  // Exact form 0.5 x (1 + erf(x / sqrt 2)), written with erfc so the negative tail keeps precision.
  gelu: { f: (x) => 0.5 * x * erfc(-x * INV_SQRT2), df: geluGrad },
  sigmoid: { f: sigmoid, df: (x) => sigmoid(x) * sigmoid(-x) },
  // Keras 3 definition: relu6(x + 3) / 6 (Keras 2 used 0.2x + 0.5).
  hardSigmoid: { f: (x) => Math.min(Math.max(x + 3, 0), 6) / 6, df: (x) => (x > -3 && x < 3 ? 1 / 6 : 0) },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  softplus: { f: softplus, df: sigmoid },
  softsign: { f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2 },
  swish: { f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) * (1 + x * sigmoid(-x)) },
  mish: { f: (x) => x * Math.tanh(softplus(x)), df: mishGrad },
  sinc: { f: sinc, df: sincGrad },
  step: { f: (x) => (x > 0 ? 1 : 0), df: () => 0 },
  logSigmoid: { f: (x) => -softplus(-x), df: (x) => sigmoid(-x) },
};

/** The op's definition, or an Error naming the kernel and the unknown op. */
export function unaryDef(kernel: string, op: UnaryOp): UnaryDef {
  if (!Object.hasOwn(UNARY_DEFS, op)) throw new Error(`${kernel}: unknown unary op '${String(op)}'`);
  return UNARY_DEFS[op];
}
