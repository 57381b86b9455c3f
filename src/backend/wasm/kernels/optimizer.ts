/**
 * ApplyOptimizer: for each variable of the group, one call of the rule's export of
 * wasm/assembly/optimizer.ts. A large variable is split across the threads in element ranges; the
 * rule is elementwise, so every value is computed the same way whatever the split or the thread
 * count. The checks and the float32 constants are the reference kernel's, so both backends compute
 * the same values.
 */
import type { KernelFn, OptimizerUpdate, TensorInfo } from '../../kernels.js';
import { sizeOf } from '../../../tensor/shape.js';
import { checkApplyOptimizer, type GroupMember } from '../../ref/ApplyOptimizer.js';
import { updateConstants } from '../../ref/optimizer-rules.js';
import type { KernelArgs, WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';

/** The rule exports: each updates the values [start, start + n) of one variable. */
type RangeKernel = 'sgdUpdate' | 'rmspropUpdate' | 'adamUpdate' | 'torchSgdUpdate' | 'torchRmspropUpdate' | 'torchAdamUpdate';

/**
 * Variables below this many values update on one thread. A step reads and writes 3 to 9 arrays
 * per value, about 2.5 times an elementwise Binary's traffic, so the split starts at about half
 * the Binary kernel's threshold (elementwise.ts, 1 << 17): resnet8's largest weight (9216 values)
 * took longer on two threads than on one on a loaded machine (the dispatch and the wait for the
 * worker's last chunk exceed the few microseconds of work).
 */
export const OPTIMIZER_PAR_ELEMENTS = 1 << 16;

/** Where one update's arrays are: w, g and each slot the rule keeps (0 for one the options leave out). */
interface UpdatePointers {
  w: number; g: number; outW: number; n: number;
  slot(name: string): { now: number; next: number };
}

/** One named call of the rule's export; constants as the reference kernel rounds them. */
function callUpdate(ctx: WasmContext, u: OptimizerUpdate, p: UpdatePointers): void {
  const { w, g, outW, n } = p;
  const run = <K extends RangeKernel>(name: K, args: KernelArgs<K>) => runSplit(ctx, name, args, n);
  switch (u.rule) {
    case 'sgd': {
      const [lr, momentum] = updateConstants(u) as [number, number];
      const m = p.slot('momentum');
      return run('sgdUpdate', { w, g, m: m.now, outW, outM: m.next, start: 0, n, lr, momentum, nesterov: Number(u.nesterov) });
    }
    case 'rmsprop': {
      const [lr, rho, rho1, eps, momentum] = updateConstants(u) as [number, number, number, number, number];
      const [v, a, m] = [p.slot('velocity'), p.slot('average_gradient'), p.slot('momentum')];
      return run('rmspropUpdate', {
        w, g, v: v.now, a: a.now, m: m.now, outW, outV: v.next, outA: a.next, outM: m.next, start: 0, n, lr, rho, rho1, eps, momentum,
      });
    }
    case 'adam': {
      const [lrT, beta1c, beta2c, eps] = updateConstants(u) as [number, number, number, number];
      const [m, v, vh] = [p.slot('momentum'), p.slot('velocity'), p.slot('velocity_hat')];
      return run('adamUpdate', {
        w, g, m: m.now, v: v.now, vh: vh.now, outW, outM: m.next, outV: v.next, outVh: vh.next, start: 0, n, lrT, beta1c, beta2c, eps,
      });
    }
    case 'torchSgd': {
      const [lr, momentum, damp1, wd] = updateConstants(u) as [number, number, number, number];
      const b = p.slot('momentumBuffer');
      return run('torchSgdUpdate', {
        w, g, b: b.now, outW, outB: b.next, start: 0, n, lr, momentum, damp1, wd,
        decay: Number(u.weightDecay !== 0), nesterov: Number(u.nesterov), first: Number(u.firstStep),
      });
    }
    case 'torchRmsprop': {
      const [lr, rho, rho1, eps, momentum, wd] = updateConstants(u) as [number, number, number, number, number, number];
      const [sq, a, b] = [p.slot('squareAvg'), p.slot('gradAvg'), p.slot('momentumBuffer')];
      return run('torchRmspropUpdate', {
        w, g, s: sq.now, a: a.now, b: b.now, outW, outS: sq.next, outA: a.next, outB: b.next, start: 0, n,
        lr, rho, rho1, eps, momentum, wd, decay: Number(u.weightDecay !== 0),
      });
    }
    case 'torchAdam': {
      const [stepSize, b1, b1c, b2, b2c, bias2Sqrt, eps, wd] = updateConstants(u) as [number, number, number, number, number, number, number, number];
      const [m, v, vm] = [p.slot('expAvg'), p.slot('expAvgSq'), p.slot('maxExpAvgSq')];
      return run('torchAdamUpdate', {
        w, g, m: m.now, v: v.now, vm: vm.now, outW, outM: m.next, outV: v.next, outVm: vm.next, start: 0, n,
        stepSize, b1, b1c, b2, b2c, bias2Sqrt, eps, wd, decay: Number(u.weightDecay !== 0),
      });
    }
  }
}

/**
 * Runs `name` over the variable's n values: in one call on the main thread, or in element ranges
 * [start, start + n) across the threads when the variable is large (args: the whole range, start 0).
 */
function runSplit<K extends RangeKernel>(ctx: WasmContext, name: K, args: KernelArgs<K>, n: number): void {
  if (ctx.threads === 1 || n < OPTIMIZER_PAR_ELEMENTS) return ctx.call(name, args);
  const job = { total: n, grain: ctx.grain(n, 2, 1024), chunk: { start: [1, 0], n: [0, 1] }, work: Infinity } as const;
  ctx.parallel(name, Object.assign({}, args, { n: 0 }), job as Parameters<typeof ctx.parallel<K>>[2]);
}

/** One variable's update: new storage for its param and each slot. */
function updateMember(ctx: WasmContext, u: OptimizerUpdate, names: readonly string[], { param, grad, slots }: GroupMember): TensorInfo[] {
  const outs = [param, ...slots].map(() => ctx.heap.output(param.shape));
  callUpdate(ctx, u, {
    w: ptrOf(param), g: ptrOf(grad), outW: outs[0]!.handle.ptr, n: sizeOf(param.shape),
    slot: (name) => {
      const i = names.indexOf(name);
      return i < 0 ? { now: 0, next: 0 } : { now: ptrOf(slots[i]!), next: outs[i + 1]!.handle.ptr };
    },
  });
  return outs;
}

export function makeApplyOptimizer(ctx: WasmContext): KernelFn<'ApplyOptimizer'> {
  return (inputs, u) => {
    const { names, members } = checkApplyOptimizer(inputs, u);
    const outs: TensorInfo[] = [];
    for (const m of members) outs.push(...updateMember(ctx, u, names, m));
    return outs;
  };
}
