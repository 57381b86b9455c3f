/**
 * ApplyOptimizer: one call of the rule's export of wasm/assembly/optimizer.ts per variable, on the
 * main thread (the seed CNN's largest variable has 37k values: a few microseconds). The checks and
 * the float32 constants are the reference kernel's, so both backends compute the same values.
 */
import type { KernelFn, OptimizerRule, OptimizerUpdate } from '../../kernels.js';
import { sizeOf } from '../../../tensor/shape.js';
import { checkApplyOptimizer } from '../../ref/ApplyOptimizer.js';
import { updateConstants } from '../../ref/optimizer-rules.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';

const EXPORTS: Record<OptimizerRule, string> = {
  sgd: 'sgdUpdate', rmsprop: 'rmspropUpdate', adam: 'adamUpdate',
  torchSgd: 'torchSgdUpdate', torchRmsprop: 'torchRmspropUpdate', torchAdam: 'torchAdamUpdate',
};

/** Every slot an export takes, in its argument order; a slot the options leave out is passed as 0. */
const EXPORT_SLOTS: Record<OptimizerRule, string[]> = {
  sgd: ['momentum'],
  rmsprop: ['velocity', 'average_gradient', 'momentum'],
  adam: ['momentum', 'velocity', 'velocity_hat'],
  torchSgd: ['momentumBuffer'],
  torchRmsprop: ['squareAvg', 'gradAvg', 'momentumBuffer'],
  torchAdam: ['expAvg', 'expAvgSq', 'maxExpAvgSq'],
};

/** The i32 flags an export takes after its constants. */
function flags(u: OptimizerUpdate): number[] {
  switch (u.rule) {
    case 'sgd': return [Number(u.nesterov)];
    case 'torchSgd': return [Number(u.weightDecay !== 0), Number(u.nesterov), Number(u.firstStep)];
    case 'torchRmsprop':
    case 'torchAdam': return [Number(u.weightDecay !== 0)];
    default: return [];
  }
}

export function makeApplyOptimizer(ctx: WasmContext): KernelFn<'ApplyOptimizer'> {
  return (inputs, u) => {
    const names = checkApplyOptimizer(inputs, u);
    const { param, grad, slots } = inputs;
    const outs = [param, ...slots].map(() => ctx.heap.output(param.shape));
    const slotPtrs = (ptrs: number[]) => EXPORT_SLOTS[u.rule].map((name) => {
      const i = names.indexOf(name);
      return i < 0 ? 0 : ptrs[i]!;
    });
    ctx.call(
      EXPORTS[u.rule],
      ptrOf(param), ptrOf(grad), ...slotPtrs(slots.map(ptrOf)),
      outs[0]!.handle.ptr, ...slotPtrs(outs.slice(1).map((o) => o.handle.ptr)),
      sizeOf(param.shape), ...updateConstants(u), ...flags(u),
    );
    return outs;
  };
}
