/** One fused optimizer step of a group of variables: the equations of optimizer-rules.ts over typed arrays. */
import type { KernelFn, KernelInputs, OptimizerUpdate, TensorInfo } from '../kernels.js';
import { optimizerSlots } from '../kernels.js';
import { shapesEqual, shapeToString } from '../../tensor/shape.js';
import { applyUpdate } from './optimizer-rules.js';
import { dataOf, output } from './storage.js';

/** One variable of the group: its param, grad and slots (in `optimizerSlots` order). */
export interface GroupMember {
  param: TensorInfo;
  grad: TensorInfo;
  slots: TensorInfo[];
}

/**
 * Checks what every backend's ApplyOptimizer needs (as many grads as params, the rule's slot
 * count per variable, float32 param, grad and slots of one shape per variable); returns the slot
 * names in kernel order and the group's variables.
 */
export function checkApplyOptimizer({ params, grads, slots }: KernelInputs<'ApplyOptimizer'>, u: OptimizerUpdate): { names: string[]; members: GroupMember[] } {
  const names = optimizerSlots(u);
  const what = `ApplyOptimizer(${u.rule})`;
  if (grads.length !== params.length) throw new Error(`${what}: expected one grad per param (${params.length}), got ${grads.length}`);
  const k = names.length;
  if (slots.length !== params.length * k) {
    throw new Error(`${what}: expected ${k} slots [${names.join(', ')}] per param (${params.length * k}), got ${slots.length}`);
  }
  const members = params.map((param, i) => ({ param, grad: grads[i]!, slots: slots.slice(i * k, i * k + k) }));
  members.forEach((m, i) => checkMember(m, names, params.length === 1 ? -1 : i, what));
  return { names, members };
}

/** `at`: the variable's index in the group, named in errors (-1: the only one, not named). */
function checkMember({ param, grad, slots }: GroupMember, names: readonly string[], at: number, what: string): void {
  checkLikeParam(param, param, 'param', at, what);
  checkLikeParam(grad, param, 'grad', at, what);
  for (let j = 0; j < slots.length; j++) checkLikeParam(slots[j]!, param, names[j]!, at, what, true);
}

/** Names are made only for an error: this runs for every variable at every step. */
function checkLikeParam(t: TensorInfo, param: TensorInfo, role: string, at: number, what: string, slot = false): void {
  if (t.dtype === 'float32' && shapesEqual(t.shape, param.shape)) return;
  const name = `${slot ? 'slot ' : ''}${role}${at < 0 ? '' : `[${at}]`}`;
  if (t.dtype !== 'float32') throw new Error(`${what}: ${name} must be float32, got ${t.dtype}`);
  throw new Error(`${what}: ${name} must have the param's shape ${shapeToString(param.shape)}, got ${shapeToString(t.shape)}`);
}

export const applyOptimizer: KernelFn<'ApplyOptimizer'> = (inputs, u) => {
  const { names, members } = checkApplyOptimizer(inputs, u);
  const outs: TensorInfo[] = [];
  for (const { param, grad, slots } of members) {
    const own = [param, ...slots].map(() => output(param.shape, 'float32'));
    const byName = (list: TensorInfo[]) => Object.fromEntries(names.map((n, i) => [n, dataOf(list[i]) as Float32Array]));
    applyUpdate(u, {
      w: dataOf(param) as Float32Array,
      g: dataOf(grad) as Float32Array,
      slots: byName(slots),
      out: { w: dataOf(own[0]) as Float32Array, slots: byName(own.slice(1)) },
    });
    outs.push(...own);
  }
  return outs;
};
