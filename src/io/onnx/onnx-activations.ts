/**
 * Keras activations as ONNX nodes (opset >= 13). Where ONNX has the exact op it is used
 * (Relu, LeakyRelu, Elu, Selu, Sigmoid, Tanh, Softplus, Softsign, HardSigmoid with Keras 3's
 * relu6(x + 3) / 6 = clip(x / 6 + 0.5), Softmax, LogSoftmax); the rest are composed:
 * gelu = 0.5 x (1 + erf(x / sqrt 2)) (exact, as Fovea), swish = x sigmoid(x),
 * mish = x tanh(softplus(x)), log_sigmoid = -softplus(-x), relu6 = clip(x, 0, 6).
 */
import { OnnxGraph } from './onnx-graph.js';

/** Keras 3 / Fovea SELU constants. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

type Emit = (g: OnnxGraph, x: string, scope: string, axis: number) => string;

const single = (op: string, attrs: Record<string, { float: number } | number> = {}): Emit => (g, x, scope) => g.node(op, [x], scope, attrs);

const EMITTERS: Record<string, Emit> = {
  linear: (_g, x) => x,
  relu: single('Relu'),
  relu6: (g, x, scope) => g.node('Clip', [x, g.scalar(`${scope}/zero`, 0), g.scalar(`${scope}/six`, 6)], scope),
  leaky_relu: single('LeakyRelu', { alpha: { float: 0.2 } }),
  elu: single('Elu', { alpha: { float: 1 } }),
  selu: single('Selu', { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } }),
  sigmoid: single('Sigmoid'),
  hard_sigmoid: single('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  tanh: single('Tanh'),
  softplus: single('Softplus'),
  softsign: single('Softsign'),
  gelu: (g, x, scope) => {
    const erf = g.node('Erf', [g.node('Mul', [x, g.scalar(`${scope}/inv_sqrt2`, Math.SQRT1_2)], scope)], scope);
    const half = g.node('Mul', [g.node('Add', [erf, g.scalar(`${scope}/one`, 1)], scope), g.scalar(`${scope}/half`, 0.5)], scope);
    return g.node('Mul', [x, half], scope);
  },
  swish: (g, x, scope) => g.node('Mul', [x, g.node('Sigmoid', [x], scope)], scope),
  mish: (g, x, scope) => g.node('Mul', [x, g.node('Tanh', [g.node('Softplus', [x], scope)], scope)], scope),
  log_sigmoid: (g, x, scope) => g.node('Neg', [g.node('Softplus', [g.node('Neg', [x], scope)], scope)], scope),
  softmax: (g, x, scope, axis) => g.node('Softmax', [x], scope, { axis }),
  log_softmax: (g, x, scope, axis) => g.node('LogSoftmax', [x], scope, { axis }),
};
EMITTERS.silu = EMITTERS.swish;

export const ONNX_ACTIVATIONS: readonly string[] = Object.keys(EMITTERS);

/**
 * Applies activation `name` to ONNX value `x`; `axis` is the value axis softmax-like activations
 * reduce over (Keras applies them over the last logical axis).
 */
export function emitActivation(g: OnnxGraph, name: string, x: string, scope: string, axis: number): string {
  const emit = EMITTERS[name];
  if (emit === undefined) throw new Error(`exportOnnx: layer '${scope}': activation '${name}' has no ONNX export (supported: ${ONNX_ACTIVATIONS.join(', ')})`);
  return emit(g, x, scope, axis);
}
