/**
 * BiasActivationGrad: dz = dy * act'(y) and the bias gradient in one pass over dy and y (the
 * unfused backward writes dz, then reads it again to sum it). Split into Reduce's fixed row blocks,
 * so dbias is bit-identical to Reduce's sum of dz at any thread count.
 */
import type { KernelFn } from '../../kernels.js';
import { checkBiasActivationGrad } from '../../ref/BiasActivationGrad.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';
import { sumBlocks } from './reduce.js';

export function makeBiasActivationGrad(ctx: WasmContext): KernelFn<'BiasActivationGrad'> {
  return (inputs, { activation }) => {
    const [rows, cols] = checkBiasActivationGrad(inputs, activation);
    const dz = ctx.heap.output([...inputs.y.shape]);
    const dbias = ctx.heap.output([cols]);
    if (rows === 0 || cols === 0) {
      ctx.heap.f32.fill(0, dbias.handle.ptr >> 2, (dbias.handle.ptr >> 2) + cols);
      return [dz, dbias];
    }
    const { parts, perPart } = sumBlocks(rows);
    const partials = ctx.heap.scratch(parts * cols * 8);
    // biasActGradPart(act, dy, y, dz, cols, rows, r0, nrows, part): chunk = part p -> r0 = p * perPart.
    const args = [activation === 'relu' ? 1 : 0, ptrOf(inputs.dy), ptrOf(inputs.y), dz.handle.ptr, cols, rows, 0, perPart, partials.ptr];
    ctx.parallel('biasActGradPart', args, parts, 1, [[6, perPart, 0], [8, cols * 8, 0]], 3 * rows * cols, -1, true);
    ctx.call('sumPartsF64', partials.ptr, parts, cols, dbias.handle.ptr);
    ctx.heap.releaseScratch(partials);
    return [dz, dbias];
  };
}
