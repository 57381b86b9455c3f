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

const MODE = { max: 0, min: 1, avg: 2 } as const;

function windowArgs(geo: PoolGeometry, attrs: Pool2DAttrs): number[] {
  const [ph, pw] = attrs.poolSize;
  const [sh, sw] = attrs.strides;
  return [geo.inH, geo.inW, geo.channels, ph, pw, sh, sw, attrs.pad[0], attrs.pad[2], geo.outH, geo.outW];
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
    // pool2d(mode, x, H, W, C, ph, pw, sh, sw, padT, padL, OH, OW, y, n0, n1)
    const args = [mode, temps.f32(x), ...windowArgs(geo, attrs), out.handle.ptr, 0, 0];
    ctx.parallel('pool2d', args, geo.batch, ctx.grain(geo.batch, 2), [[14, 1, 0], [15, 1, 1]], workOf(geo, attrs));
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
    // pool2dGrad(mode, x, dy, H, W, C, ph, pw, sh, sw, padT, padL, OH, OW, dx, n0, n1)
    const args = [mode, temps.f32(x), temps.f32(dy), ...windowArgs(geo, attrs), out.handle.ptr, 0, 0];
    ctx.parallel('pool2dGrad', args, geo.batch, ctx.grain(geo.batch, 2), [[15, 1, 0], [16, 1, 1]], workOf(geo, attrs));
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
    // poolReluBiasGradPart(mode, y, dy, H, W, C, ph, pw, sh, sw, padT, padL, OH, OW, dz, n0, n1, parts)
    const args = [MODE[attrs.mode], ptrOf(inputs.y), ptrOf(inputs.dy), ...windowArgs(geo, attrs), dz.handle.ptr, 0, 0, parts.ptr];
    const cells = geo.batch * geo.inH * geo.inW * geo.channels;
    ctx.parallel('poolReluBiasGradPart', args, geo.batch, ctx.grain(geo.batch, 2), [[15, 1, 0], [16, 1, 1]], workOf(geo, attrs) + 3 * cells);
    ctx.call('sumPartsF64', parts.ptr, geo.batch, geo.channels, dbias.handle.ptr);
    ctx.heap.releaseScratch(parts);
    return [dz, dbias];
  };
}
