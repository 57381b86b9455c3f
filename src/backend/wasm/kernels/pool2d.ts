/**
 * Pool2D, Pool2DGrad and Pool2DReluBiasGrad (max, min, avg) in wasm SIMD over channels, split by
 * images.
 */
import type { KernelFn, Pool2DAttrs } from '../../kernels.js';
import { shapeToString } from '../../../tensor/shape.js';
import { poolGeometry, type PoolGeometry } from '../../ref/Pool2D.js';
import { checkPool2DReluBiasGrad } from '../../ref/Pool2DReluBiasGrad.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';
import { Temps } from './inputs.js';
import { POOL_AVG, POOL_MAX, POOL_MIN } from '../generated/codes.js';

const MODE = { max: POOL_MAX, min: POOL_MIN, avg: POOL_AVG } as const;

/** The window arguments every pooling kernel takes. */
function windowArgs(geo: PoolGeometry, attrs: Pool2DAttrs) {
  const [ph, pw] = attrs.poolSize;
  const [sh, sw] = attrs.strides;
  return { H: geo.inH, W: geo.inW, C: geo.channels, ph, pw, sh, sw, padT: attrs.pad[0], padL: attrs.pad[2], OH: geo.outH, OW: geo.outW };
}

/** Pooling kernels split by images [n0, n1). */
function byImages(ctx: WasmContext, geo: PoolGeometry, work: number) {
  return { total: geo.batch, grain: ctx.grain(geo.batch, 2), chunk: { n0: [1, 0], n1: [1, 1] } as const, work };
}

const workOf = (geo: PoolGeometry, attrs: Pool2DAttrs): number =>
  geo.batch * geo.outH * geo.outW * geo.channels * attrs.poolSize[0] * attrs.poolSize[1];

export function makePool2D(ctx: WasmContext): KernelFn<'Pool2D'> {
  return ({ x }, attrs) => {
    const geo = poolGeometry('Pool2D', x.shape, attrs);
    const mode = MODE[attrs.mode];
    if (mode === undefined) throw new Error(`Pool2D: mode must be 'max', 'min' or 'avg', got '${String(attrs.mode)}'`);
    const out = ctx.heap.output([geo.batch, geo.outH, geo.outW, geo.channels]);
    const temps = new Temps(ctx);
    const args = { mode, x: temps.f32(x), ...windowArgs(geo, attrs), y: out.handle.ptr, n0: 0, n1: 0 };
    ctx.parallel('pool2d', args, byImages(ctx, geo, workOf(geo, attrs)));
    temps.release();
    return out;
  };
}

export function makePool2DGrad(ctx: WasmContext): KernelFn<'Pool2DGrad'> {
  return ({ x, dy }, attrs) => {
    const geo = poolGeometry('Pool2DGrad', x.shape, attrs);
    const want = [geo.batch, geo.outH, geo.outW, geo.channels];
    if (dy.shape.length !== 4 || !want.every((d, i) => d === dy.shape[i])) {
      throw new Error(`Pool2DGrad: expected dy of shape ${shapeToString(want)} for x ${shapeToString(x.shape)}, got ${shapeToString(dy.shape)}`);
    }
    const mode = MODE[attrs.mode];
    if (mode === undefined) throw new Error(`Pool2DGrad: mode must be 'max', 'min' or 'avg', got '${String(attrs.mode)}'`);
    const out = ctx.heap.output([...x.shape]);
    const temps = new Temps(ctx);
    const args = { mode, x: temps.f32(x), dy: temps.f32(dy), ...windowArgs(geo, attrs), dx: out.handle.ptr, n0: 0, n1: 0 };
    ctx.parallel('pool2dGrad', args, byImages(ctx, geo, workOf(geo, attrs)));
    temps.release();
    return out;
  };
}

export function makePool2DReluBiasGrad(ctx: WasmContext): KernelFn<'Pool2DReluBiasGrad'> {
  return (inputs, attrs) => {
    const geo = checkPool2DReluBiasGrad(inputs, attrs);
    const dz = ctx.heap.output([...inputs.y.shape]);
    const dbias = ctx.heap.output([geo.channels]);
    // One float64 partial bias row per image, added in image order: thread-count independent.
    const parts = ctx.heap.scratch(geo.batch * geo.channels * 8);
    const args = {
      mode: MODE[attrs.mode], y: ptrOf(inputs.y), dy: ptrOf(inputs.dy), ...windowArgs(geo, attrs),
      dz: dz.handle.ptr, n0: 0, n1: 0, parts: parts.ptr,
    };
    const cells = geo.batch * geo.inH * geo.inW * geo.channels;
    ctx.parallel('poolReluBiasGradPart', args, byImages(ctx, geo, workOf(geo, attrs) + 3 * cells));
    ctx.call('sumPartsF64', { parts: parts.ptr, nparts: geo.batch, cols: geo.channels, out: dbias.handle.ptr });
    ctx.heap.releaseScratch(parts);
    return [dz, dbias];
  };
}
