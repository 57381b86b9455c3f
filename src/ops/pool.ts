/**
 * Max, min and average pooling over windows of an image. Padded cells never win a max/min and are
 * not counted by an average. Output size follows the conv formula with dilation 1.
 *
 * Example: 2x2 max pooling with stride 2 of [[0.2,0.8,0.3,0.6],[0.2,0.9,0.3,0.8],[0.3,0.8,0.8,0.9],
 * [0,0,0.2,0.8]] gives [[0.9,0.8],[0.8,0.9]].
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { Pool2DAttrs, PoolMode } from '../backend/kernels.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, explicitPadding, isChannelsFirst, pair, type Padding, windowOutput } from './conv-geometry.js';
import { inChannelsLast } from './channels-last.js';

export interface Pool2DOptions {
  /** Defaults to the pool size (Keras and PyTorch agree). */
  strides?: number | [number, number];
  padding?: Padding;
  dataFormat?: DataFormat;
}

/** Resolves options for input [N, H, W, C]; exported for layers' shape inference. */
export function pool2dAttrs(mode: PoolMode, xShape: readonly number[], poolSize: number | [number, number], o: Pool2DOptions, op = `${mode}Pool2d`): Pool2DAttrs & { outShape: [number, number, number, number] } {
  if (xShape.length !== 4) throw new Error(`${op}: expected a 4-D input [batch, height, width, channels], got shape ${shapeToString(xShape)}`);
  const k = pair(poolSize, 'poolSize', op);
  const strides = pair(o.strides ?? k, 'strides', op);
  const [n, h, w, c] = xShape;
  const pad = explicitPadding(o.padding ?? 'valid', [h, w], k, strides, [1, 1]);
  const [oh, ow] = windowOutput(op, xShape, [h, w], k, strides, [1, 1], pad);
  return { mode, poolSize: k, strides, pad, outShape: [n, oh, ow, c] };
}

function pool(mode: PoolMode) {
  return (x: Tensor, poolSize: number | [number, number] = 2, options: Pool2DOptions = {}): Tensor => {
    return inChannelsLast(x, isChannelsFirst(options.dataFormat), (xl) => {
      const { outShape: _, ...attrs } = pool2dAttrs(mode, xl.shape, poolSize, options);
      const y = engine.runKernel('Pool2D', { x: xl }, attrs);
      return record(`${mode}Pool2d`, y, [xl], (dy) => [engine.runKernel('Pool2DGrad', { x: xl, dy }, attrs)]);
    });
  };
}

export const maxPool2d = pool('max');
export const minPool2d = pool('min');
export const avgPool2d = pool('avg');
