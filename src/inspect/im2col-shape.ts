/**
 * The shapes of convolution as one matrix product (im2col), as the slides draw it for AlexNet's
 * first layer: every receptive-field patch becomes a column of X_col, every filter a row of
 * W_row, and W_row x X_col is the output with its spatial axes flattened.
 *
 *   X_col: [kh*kw*C, outH*outW]    W_row: [filters, kh*kw*C]    output: [outH, outW, filters]
 *
 * Example: 227x227x3 input, 96 filters 11x11, stride 4 -> X_col 363 x 3025, W_row 96 x 363,
 * output 55 x 55 x 96.
 */
import { convOutputSize } from '../tensor/shape.js';

export interface Im2colOptions {
  stride?: number;
  /** Zero padding on each side. */
  padding?: number;
  dilation?: number;
}

export interface Im2colShape {
  xCol: [number, number];
  wRow: [number, number];
  product: [number, number];
  output: [number, number, number];
}

/** `input` is [H, W, C]; `kernel` is [kh, kw] (or one number for a square kernel). */
export function im2colShape(input: readonly [number, number, number], kernel: number | readonly [number, number], filters: number, options: Im2colOptions = {}): Im2colShape {
  const [h, w, c] = input;
  const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
  const { stride = 1, padding = 0, dilation = 1 } = options;
  const oh = convOutputSize(h, kh, stride, 2 * padding, dilation);
  const ow = convOutputSize(w, kw, stride, 2 * padding, dilation);
  if (oh < 1 || ow < 1) throw new Error(`im2colShape: a ${kh}x${kw} kernel does not fit a ${h}x${w} input with padding ${padding}`);
  const patch = kh * kw * c;
  return { xCol: [patch, oh * ow], wRow: [filters, patch], product: [filters, oh * ow], output: [oh, ow, filters] };
}
