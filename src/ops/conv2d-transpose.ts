/**
 * 2-D transposed convolution ("deconvolution"): the adjoint of conv2d, mapping a conv's output
 * back to the shape of its input. It is exactly Conv2DBackpropInput with the layer's input in the
 * role of the upstream gradient, so no new kernel is needed.
 *
 *   x: [N, h, w, Cin] (NHWC), filter: [kh, kw, F, Cin] (Keras's layout: out channels third)
 *   out: [N, H, W, F] with H the size whose conv (same strides, padding, dilation) gives h:
 *     'valid': H = (h - 1) * s + k_eff + outputPadding      (k_eff = d * (k - 1) + 1)
 *     'same':  H = h * s (+ outputPadding - (s - 1) when outputPadding is given, as Keras does)
 *
 * Gradients: d/dx = conv2d(dy, filter) with the same geometry; d/dfilter =
 * Conv2DBackpropFilter with dy as the conv's input and x as its upstream gradient.
 * Example: a [1, 3, 3, 1] input, 3x3 kernel, stride 2, 'valid' gives [1, 7, 7, F].
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { Conv2DAttrs } from '../backend/kernels.js';
import { samePadding, shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { pair } from './conv-geometry.js';

export interface Conv2DTransposeOptions {
  strides?: number | [number, number];
  padding?: 'valid' | 'same';
  dilations?: number | [number, number];
  /** Extra rows/columns on the bottom/right (must be below the stride), as Keras's outputPadding. */
  outputPadding?: number | [number, number] | null;
}

/** Keras's `deconv_output_length` for one axis. */
export function deconvLength(n: number, k: number, s: number, d: number, padding: 'valid' | 'same', outputPadding: number | null): number {
  const kEff = d * (k - 1) + 1;
  if (outputPadding === null) return padding === 'valid' ? n * s + Math.max(kEff - s, 0) : n * s;
  const pad = padding === 'same' ? Math.floor(kEff / 2) : 0;
  return (n - 1) * s + kEff - 2 * pad + outputPadding;
}

/** Kernel attributes and the output shape for input [N, h, w, C] and filter [kh, kw, F, C]. */
export function conv2dTransposeAttrs(xShape: readonly number[], filterShape: readonly number[], o: Conv2DTransposeOptions, op = 'conv2dTranspose'): Conv2DAttrs & { outShape: [number, number, number, number] } {
  if (xShape.length !== 4 || filterShape.length !== 4) {
    throw new Error(`${op}: expected a 4-D input and a 4-D filter [kh, kw, filters, inChannels], got ${shapeToString(xShape)} and ${shapeToString(filterShape)}`);
  }
  const [n, h, w, c] = xShape;
  const [kh, kw, f, ci] = filterShape;
  if (ci !== c) throw new Error(`${op}: filter ${shapeToString(filterShape)} expects ${ci} input channels, input ${shapeToString(xShape)} has ${c}`);
  const strides = pair(o.strides ?? 1, 'strides', op);
  const dilations = pair(o.dilations ?? 1, 'dilations', op);
  const padding = o.padding ?? 'valid';
  const op2 = o.outputPadding === undefined || o.outputPadding === null ? null : typeof o.outputPadding === 'number' ? [o.outputPadding, o.outputPadding] : o.outputPadding;
  op2?.forEach((p, i) => {
    if (!Number.isInteger(p) || p < 0 || p >= strides[i]) throw new Error(`${op}: outputPadding must be >= 0 and below the stride (${strides[i]}), got ${p}`);
  });
  const outH = deconvLength(h, kh, strides[0], dilations[0], padding, op2 === null ? null : op2[0]);
  const outW = deconvLength(w, kw, strides[1], dilations[1], padding, op2 === null ? null : op2[1]);
  // The padding of the forward conv from the output back to the input, as TensorFlow derives it.
  const pad: [number, number, number, number] = padding === 'valid' ? [0, 0, 0, 0]
    : [...samePadding(outH, kh, strides[0], dilations[0]), ...samePadding(outW, kw, strides[1], dilations[1])];
  return { strides, dilations, groups: 1, pad, outShape: [n, outH, outW, f] };
}

export function conv2dTranspose(x: Tensor, filter: Tensor, options: Conv2DTransposeOptions = {}): Tensor {
  const { outShape, ...attrs } = conv2dTransposeAttrs(x.shape, filter.shape, options);
  const y = engine.runKernel('Conv2DBackpropInput', { dy: x, filter }, { ...attrs, inputShape: outShape });
  return record('conv2dTranspose', y, [x, filter], (dy) => [
    x.needsGrad ? engine.runKernel('Conv2D', { x: dy, filter }, { ...attrs, activation: 'linear' }) : null,
    filter.needsGrad ? engine.runKernel('Conv2DBackpropFilter', { x: dy, dy: x }, { ...attrs, filterShape: [...filter.shape] as [number, number, number, number] }) : null,
  ]);
}
