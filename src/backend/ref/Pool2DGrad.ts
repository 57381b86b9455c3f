/**
 * Reference Pool2DGrad: dx of Pool2D given x and the upstream dy (NHWC).
 * - max/min: each dy value goes to the first winning cell of its window (row-major scan, so ties
 *   resolve like the forward pass); windows that overlap accumulate.
 * - avg: each dy value is spread evenly, dy / count, over the window's real (unpadded) cells.
 */
import type { KernelFn } from '../kernels.js';
import { shapeToString } from '../../tensor/shape.js';
import { forEachWindow, poolGeometry } from './Pool2D.js';
import type { PoolGeometry, PoolWindow } from './Pool2D.js';
import { f32Of, output } from './storage.js';

export const pool2DGrad: KernelFn<'Pool2DGrad'> = ({ x, dy }, attrs) => {
  const geo = poolGeometry('Pool2DGrad', x.shape, attrs);
  const want = [geo.batch, geo.outH, geo.outW, geo.channels];
  if (dy.shape.length !== 4 || !want.every((d, i) => d === dy.shape[i])) {
    throw new Error(`Pool2DGrad: expected dy of shape ${shapeToString(want)} for x ${shapeToString(x.shape)}, got ${shapeToString(dy.shape)}`);
  }
  const xd = f32Of(x);
  const dyd = f32Of(dy);
  const dx = new Float32Array(xd.length);
  const best = new Int32Array(geo.channels);
  const sign = attrs.mode === 'min' ? -1 : 1;
  forEachWindow(geo, attrs, (win) => {
    if (attrs.mode === 'avg') spreadAvg(geo, win, dyd, dx);
    else routeToWinner(geo, win, sign, xd, dyd, dx, best);
  });
  return output([...x.shape], 'float32', dx);
};

function cellOffset(geo: PoolGeometry, win: PoolWindow, h: number, w: number): number {
  return ((win.n * geo.inH + h) * geo.inW + w) * geo.channels;
}

function spreadAvg(geo: PoolGeometry, win: PoolWindow, dy: Float32Array, dx: Float32Array): void {
  const C = geo.channels;
  const count = (win.h1 - win.h0) * (win.w1 - win.w0);
  const dyOff = win.outIndex * C;
  for (let h = win.h0; h < win.h1; h++) {
    for (let w = win.w0; w < win.w1; w++) {
      const xOff = cellOffset(geo, win, h, w);
      for (let c = 0; c < C; c++) dx[xOff + c] += dy[dyOff + c] / count;
    }
  }
}

/** best[c] tracks the x offset of channel c's winner so far; strict comparison keeps the first. */
function routeToWinner(
  geo: PoolGeometry, win: PoolWindow, sign: number,
  x: Float32Array, dy: Float32Array, dx: Float32Array, best: Int32Array,
): void {
  const C = geo.channels;
  const first = cellOffset(geo, win, win.h0, win.w0);
  for (let c = 0; c < C; c++) best[c] = first + c;
  for (let h = win.h0; h < win.h1; h++) {
    for (let w = win.w0; w < win.w1; w++) {
      const xOff = cellOffset(geo, win, h, w);
      for (let c = 0; c < C; c++) if (sign * x[xOff + c] > sign * x[best[c]]) best[c] = xOff + c;
    }
  }
  const dyOff = win.outIndex * C;
  for (let c = 0; c < C; c++) dx[best[c]] += dy[dyOff + c];
}
