/** One fused optimizer step of one variable: the equations of optimizer-rules.ts over typed arrays. */
import type { KernelFn, KernelInputs, OptimizerUpdate, TensorInfo } from '../kernels.js';
import { optimizerSlots } from '../kernels.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { applyUpdate } from './optimizer-rules.js';
import { dataOf, output } from './storage.js';

/**
 * Checks what every backend's ApplyOptimizer needs (float32 param, grad and slots of one shape, the
 * rule's slot count); returns the slot names in kernel order.
 */
export function checkApplyOptimizer({ param, grad, slots }: KernelInputs<'ApplyOptimizer'>, u: OptimizerUpdate): string[] {
  const names = optimizerSlots(u);
  const what = `ApplyOptimizer(${u.rule})`;
  if (slots.length !== names.length) {
    throw new Error(`${what}: expected ${names.length} slots [${names.join(', ')}], got ${slots.length}`);
  }
  const tensors: [string, TensorInfo][] = [['param', param], ['grad', grad], ...slots.map((s, i): [string, TensorInfo] => [`slot ${names[i]}`, s])];
  for (const [name, t] of tensors) {
    if (t.dtype !== 'float32') throw new Error(`${what}: ${name} must be float32, got ${t.dtype}`);
    if (!shapesEqual(t.shape, param.shape)) {
      throw new Error(`${what}: ${name} must have the param's shape ${shapeToString(param.shape)}, got ${shapeToString(t.shape)}`);
    }
  }
  return names;
}

export const applyOptimizer: KernelFn<'ApplyOptimizer'> = (inputs, u) => {
  const names = checkApplyOptimizer(inputs, u);
  const outs = [inputs.param, ...inputs.slots].map(() => output(inputs.param.shape, 'float32'));
  const byName = (list: TensorInfo[]) => Object.fromEntries(names.map((n, i) => [n, dataOf(list[i]) as Float32Array]));
  applyUpdate(u, {
    w: dataOf(inputs.param) as Float32Array,
    g: dataOf(inputs.grad) as Float32Array,
    slots: byName(inputs.slots),
    out: { w: dataOf(outs[0]) as Float32Array, slots: byName(outs.slice(1)) },
  });
  return outs;
};
