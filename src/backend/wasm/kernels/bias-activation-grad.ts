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
import { ACT_LINEAR, ACT_RELU, ACT_RELU6 } from '../generated/codes.js';

const ACT_CODES = { linear: ACT_LINEAR, relu: ACT_RELU, relu6: ACT_RELU6 } as const;

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
    // Chunk = part p: rows from r0 = p * perPart, partial sums at part + p * cols * 8.
    const args = {
      act: ACT_CODES[activation], dy: ptrOf(inputs.dy), y: ptrOf(inputs.y), dz: dz.handle.ptr,
      cols, rows, r0: 0, nrows: perPart, part: partials.ptr,
    };
    ctx.parallel('biasActGradPart', args, {
      total: parts, grain: 1, chunk: { r0: [perPart, 0], part: [cols * 8, 0] }, work: 3 * rows * cols, unitChunks: true,
    });
    ctx.call('sumPartsF64', { parts: partials.ptr, nparts: parts, cols, out: dbias.handle.ptr });
    ctx.heap.releaseScratch(partials);
    return [dz, dbias];
  };
}
