/**
 * BatchNormMovingUpdate on the wasm heap: the reference's per-channel arithmetic (blendStatistic)
 * over heap views. C values per layer and step: a few microseconds, so no wasm export; what it
 * saves is the five extra kernel dispatches and outputs of the composed update.
 */
import type { KernelFn } from '../../kernels.js';
import { blendStatistic, checkMovingUpdate, shiftedMean } from '../../ref/BatchNormMovingUpdate.js';
import type { WasmContext } from '../context.js';

export function makeBatchNormMovingUpdate(ctx: WasmContext): KernelFn<'BatchNormMovingUpdate'> {
  return (inputs, { keep, blend, varianceScale }) => {
    const C = checkMovingUpdate(inputs);
    const heap = ctx.heap;
    const read = (t: typeof inputs.mean) => heap.view(t.handle, 'float32', C);
    const m = heap.output([C]), v = heap.output([C]);
    const mean = shiftedMean(read(inputs.mean), inputs.meanShift === undefined ? null : read(inputs.meanShift));
    blendStatistic(read(inputs.movingMean), mean, keep, blend, 1, heap.view(m.handle, 'float32', C) as Float32Array);
    blendStatistic(read(inputs.movingVariance), read(inputs.variance), keep, blend, varianceScale, heap.view(v.handle, 'float32', C) as Float32Array);
    return [m, v];
  };
}
