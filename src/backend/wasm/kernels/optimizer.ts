/**
 * ApplyOptimizer: one call of the rule's export of wasm/assembly/optimizer.ts per variable, on the
 * main thread (the seed CNN's largest variable has 37k values: a few microseconds). The checks and
 * the float32 constants are the reference kernel's, so both backends compute the same values.
 */
import type { KernelFn, OptimizerUpdate } from '../../kernels.js';
import { sizeOf } from '../../../tensor/shape.js';
import { checkApplyOptimizer } from '../../ref/ApplyOptimizer.js';
import { updateConstants } from '../../ref/optimizer-rules.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';

/** Where one update's arrays are: w, g and each slot the rule keeps (0 for one the options leave out). */
interface UpdatePointers {
  w: number; g: number; outW: number; n: number;
  slot(name: string): { now: number; next: number };
}

/** One named call of the rule's export; constants as the reference kernel rounds them. */
function callUpdate(ctx: WasmContext, u: OptimizerUpdate, p: UpdatePointers): void {
  const { w, g, outW, n } = p;
  switch (u.rule) {
    case 'sgd': {
      const [lr, momentum] = updateConstants(u) as [number, number];
      const m = p.slot('momentum');
      return ctx.call('sgdUpdate', { w, g, m: m.now, outW, outM: m.next, n, lr, momentum, nesterov: Number(u.nesterov) });
    }
    case 'rmsprop': {
      const [lr, rho, rho1, eps, momentum] = updateConstants(u) as [number, number, number, number, number];
      const [v, a, m] = [p.slot('velocity'), p.slot('average_gradient'), p.slot('momentum')];
      return ctx.call('rmspropUpdate', {
        w, g, v: v.now, a: a.now, m: m.now, outW, outV: v.next, outA: a.next, outM: m.next, n, lr, rho, rho1, eps, momentum,
      });
    }
    case 'adam': {
      const [lrT, beta1c, beta2c, eps] = updateConstants(u) as [number, number, number, number];
      const [m, v, vh] = [p.slot('momentum'), p.slot('velocity'), p.slot('velocity_hat')];
      return ctx.call('adamUpdate', {
        w, g, m: m.now, v: v.now, vh: vh.now, outW, outM: m.next, outV: v.next, outVh: vh.next, n, lrT, beta1c, beta2c, eps,
      });
    }
    case 'torchSgd': {
      const [lr, momentum, damp1, wd] = updateConstants(u) as [number, number, number, number];
      const b = p.slot('momentumBuffer');
      return ctx.call('torchSgdUpdate', {
        w, g, b: b.now, outW, outB: b.next, n, lr, momentum, damp1, wd,
        decay: Number(u.weightDecay !== 0), nesterov: Number(u.nesterov), first: Number(u.firstStep),
      });
    }
    case 'torchRmsprop': {
      const [lr, rho, rho1, eps, momentum, wd] = updateConstants(u) as [number, number, number, number, number, number];
      const [sq, a, b] = [p.slot('squareAvg'), p.slot('gradAvg'), p.slot('momentumBuffer')];
      return ctx.call('torchRmspropUpdate', {
        w, g, s: sq.now, a: a.now, b: b.now, outW, outS: sq.next, outA: a.next, outB: b.next, n,
        lr, rho, rho1, eps, momentum, wd, decay: Number(u.weightDecay !== 0),
      });
    }
    case 'torchAdam': {
      const [stepSize, b1, b1c, b2, b2c, bias2Sqrt, eps, wd] = updateConstants(u) as [number, number, number, number, number, number, number, number];
      const [m, v, vm] = [p.slot('expAvg'), p.slot('expAvgSq'), p.slot('maxExpAvgSq')];
      return ctx.call('torchAdamUpdate', {
        w, g, m: m.now, v: v.now, vm: vm.now, outW, outM: m.next, outV: v.next, outVm: vm.next, n,
        stepSize, b1, b1c, b2, b2c, bias2Sqrt, eps, wd, decay: Number(u.weightDecay !== 0),
      });
    }
  }
}

export function makeApplyOptimizer(ctx: WasmContext): KernelFn<'ApplyOptimizer'> {
  return (inputs, u) => {
    const names = checkApplyOptimizer(inputs, u);
    const { param, grad, slots } = inputs;
    const outs = [param, ...slots].map(() => ctx.heap.output(param.shape));
    callUpdate(ctx, u, {
      w: ptrOf(param), g: ptrOf(grad), outW: outs[0]!.handle.ptr, n: sizeOf(param.shape),
      slot: (name) => {
        const i = names.indexOf(name);
        return i < 0 ? { now: 0, next: 0 } : { now: ptrOf(slots[i]!), next: outs[i + 1]!.handle.ptr };
      },
    });
    return outs;
  };
}
