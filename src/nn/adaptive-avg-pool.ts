/**
 * Adaptive average pooling (PyTorch's F.adaptive_avg_pool2d and nn.AdaptiveAvgPool2d) on NCHW
 * input: [N, C, H, W] -> [N, C, oH, oW]. Output cell (i, j) averages rows
 * floor(i * H / oH) .. ceil((i + 1) * H / oH) - 1 and the columns likewise, so bins may overlap or
 * differ in size when H is not a multiple of oH. `AdaptiveAvgPool2d(1)` is global average pooling.
 *
 * Example: `new nn.AdaptiveAvgPool2d(1)` on [64, 128, 8, 8] gives [64, 128, 1, 1].
 */
import { avgPool2d as avgPoolOp } from '../ops/pool.js';
import { mean } from '../ops/reduce.js';
import { concat, slice } from '../ops/shape-ops.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import type { Stage } from '../plan/stage.js';

/** An output size per spatial axis; null keeps the input's size on that axis (as in PyTorch). */
export type AdaptiveSize = number | null | [number | null, number | null];

function outputSizeOf(size: AdaptiveSize, h: number, w: number, where: string): [number, number] {
  const [oh, ow] = Array.isArray(size) ? size : [size, size];
  const resolved: [number, number] = [oh ?? h, ow ?? w];
  if (!resolved.every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`${where}: outputSize must be positive integers or null, got ${JSON.stringify(size)}`);
  return resolved;
}

/** The input rows (or columns) output cell i of `out` averages: [start, end). */
function bin(i: number, inSize: number, out: number): [number, number] {
  return [Math.floor((i * inSize) / out), Math.ceil(((i + 1) * inSize) / out)];
}

/** Uneven bins: one mean per output cell, joined back along H and W. */
function unevenBins(x: Tensor, oh: number, ow: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const rows: Tensor[] = [];
  for (let i = 0; i < oh; i++) {
    const [r0, r1] = bin(i, h, oh);
    const cells: Tensor[] = [];
    for (let j = 0; j < ow; j++) {
      const [c0, c1] = bin(j, w, ow);
      cells.push(mean(slice(x, [0, 0, r0, c0], [n, c, r1 - r0, c1 - c0]), [2, 3], true));
    }
    rows.push(concat(cells, 3));
  }
  return concat(rows, 2);
}

export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  const where = 'F.adaptiveAvgPool2d';
  if (input.rank !== 4) throw new Error(`${where}: expected NCHW input [batch, channels, height, width], got shape ${shapeToString(input.shape)}`);
  const [, , h, w] = input.shape as [number, number, number, number];
  const [oh, ow] = outputSizeOf(outputSize, h, w, where);
  // Even bins, global pooling included, are ordinary average-pooling windows: one Pool2D on the
  // NHWC values an nn activation stores (a mean over axes 2, 3 would reorder them first).
  if (h % oh === 0 && w % ow === 0) {
    const kernel: [number, number] = [h / oh, w / ow];
    return avgPoolOp(input, kernel, { strides: kernel, padding: [0, 0, 0, 0], dataFormat: 'channelsFirst' });
  }
  return unevenBins(input, oh, ow);
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    outputSizeOf(outputSize, 1, 1, 'AdaptiveAvgPool2d');
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  /** Output size 1 is global average pooling, which the planner may compute in the conv before it (convPointwise). */
  override planStage(): Stage {
    // null keeps an axis's size, which is 1 only for some inputs: not global pooling.
    const [oh, ow] = Array.isArray(this.outputSize) ? this.outputSize : [this.outputSize, this.outputSize];
    return oh === 1 && ow === 1 ? { kind: 'globalAvgPool', keepdims: true, dataFormat: 'channelsFirst' } : super.planStage();
  }

  override extraRepr(): string {
    return `output_size=${JSON.stringify(this.outputSize)}`;
  }
}
