/**
 * Reference Pool2D over NHWC: max, min or average of each poolH x poolW window, per channel.
 *
 *   outH = floor((H + padTop + padBottom - poolH) / strideH) + 1   (likewise outW)
 *
 * Padded cells are not part of the window: they never win a max/min and avg divides by the
 * number of real cells. Each pad side must be smaller than the pool so every window holds at
 * least one real cell. Example: 2x2 max pooling, stride 2, of a 4x4 image gives 2x2.
 */
import type { KernelFn, Pool2DAttrs } from '../kernels.js';
import type { Shape } from '../../tensor/shape.js';
import { convOutputSize, shapeToString } from '../../tensor/shape.js';
import { f32Of, output } from './storage.js';

export interface PoolGeometry {
  batch: number; inH: number; inW: number; channels: number; outH: number; outW: number;
}

/** The real (unpadded) cells of one window: rows [h0, h1), columns [w0, w1). */
export interface PoolWindow { n: number; outIndex: number; h0: number; h1: number; w0: number; w1: number }

export function poolGeometry(kernel: string, xShape: Shape, attrs: Pool2DAttrs): PoolGeometry {
  const { poolSize, strides, pad } = attrs;
  if (xShape.length !== 4) throw new Error(`${kernel}: x must be rank 4 (NHWC), got shape ${shapeToString(xShape)}`);
  const ints = [...poolSize, ...strides].every((v) => Number.isInteger(v) && v >= 1)
    && pad.every((v) => Number.isInteger(v) && v >= 0);
  if (!ints) throw new Error(`${kernel}: poolSize/strides must be integers >= 1 and pad >= 0, got poolSize [${poolSize.join(', ')}], strides [${strides.join(', ')}], pad [${pad.join(', ')}]`);
  if (pad[0] >= poolSize[0] || pad[1] >= poolSize[0] || pad[2] >= poolSize[1] || pad[3] >= poolSize[1]) {
    throw new Error(`${kernel}: every pad side must be smaller than the pool window, got pad [${pad.join(', ')}] for poolSize [${poolSize.join(', ')}]`);
  }
  const [batch, inH, inW, channels] = xShape;
  const padH = pad[0] + pad[1];
  const padW = pad[2] + pad[3];
  if (poolSize[0] > inH + padH || poolSize[1] > inW + padW) {
    throw new Error(`${kernel}: pool window ${poolSize[0]}x${poolSize[1]} is larger than the padded input ${inH + padH}x${inW + padW} (x ${shapeToString(xShape)}, pad [${pad.join(', ')}])`);
  }
  const outH = convOutputSize(inH, poolSize[0], strides[0], padH);
  const outW = convOutputSize(inW, poolSize[1], strides[1], padW);
  if (outH <= 0 || outW <= 0 || batch <= 0 || channels <= 0) {
    throw new Error(`${kernel}: x ${shapeToString(xShape)} gives an empty output [${batch}, ${outH}, ${outW}, ${channels}]`);
  }
  return { batch, inH, inW, channels, outH, outW };
}

/** Calls `fn` for every output pixel with its window clipped to the real input. */
export function forEachWindow(geo: PoolGeometry, attrs: Pool2DAttrs, fn: (win: PoolWindow) => void): void {
  const [ph, pw] = attrs.poolSize;
  const [sh, sw] = attrs.strides;
  const win: PoolWindow = { n: 0, outIndex: 0, h0: 0, h1: 0, w0: 0, w1: 0 };
  for (let n = 0; n < geo.batch; n++) {
    for (let oh = 0; oh < geo.outH; oh++) {
      const top = oh * sh - attrs.pad[0];
      win.h0 = Math.max(0, top);
      win.h1 = Math.min(geo.inH, top + ph);
      for (let ow = 0; ow < geo.outW; ow++) {
        const left = ow * sw - attrs.pad[2];
        win.n = n;
        win.outIndex = (n * geo.outH + oh) * geo.outW + ow;
        win.w0 = Math.max(0, left);
        win.w1 = Math.min(geo.inW, left + pw);
        fn(win);
      }
    }
  }
}

export const pool2D: KernelFn<'Pool2D'> = ({ x }, attrs) => {
  const geo = poolGeometry('Pool2D', x.shape, attrs);
  const xd = f32Of(x);
  const C = geo.channels;
  const y = new Float32Array(geo.batch * geo.outH * geo.outW * C);
  const sign = attrs.mode === 'min' ? -1 : 1;
  forEachWindow(geo, attrs, (win) => {
    const yOff = win.outIndex * C;
    // The first real cell seeds every channel, so padded cells never take part.
    const first = ((win.n * geo.inH + win.h0) * geo.inW + win.w0) * C;
    for (let c = 0; c < C; c++) y[yOff + c] = xd[first + c];
    for (let h = win.h0; h < win.h1; h++) {
      for (let w = win.w0; w < win.w1; w++) {
        const xOff = ((win.n * geo.inH + h) * geo.inW + w) * C;
        if (xOff === first) continue;
        if (attrs.mode === 'avg') for (let c = 0; c < C; c++) y[yOff + c] += xd[xOff + c];
        else for (let c = 0; c < C; c++) if (sign * xd[xOff + c] > sign * y[yOff + c]) y[yOff + c] = xd[xOff + c];
      }
    }
    if (attrs.mode === 'avg') {
      const count = (win.h1 - win.h0) * (win.w1 - win.w0);
      for (let c = 0; c < C; c++) y[yOff + c] /= count;
    }
  });
  return output([geo.batch, geo.outH, geo.outW, C], 'float32', y);
};
