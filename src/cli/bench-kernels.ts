/** Counting the kernels a piece of work runs, by kernel id (what the planner fused shows here). */
import { kernelCalls } from '../backend/kernel-calls.js';
import type { KernelId } from '../backend/kernels.js';

export type KernelCalls = Partial<Record<KernelId, number>>;

/** The kernels `run` calls, as a JSON-ready record. */
export function countKernels(run: () => void): KernelCalls {
  return Object.fromEntries(kernelCalls(run)) as KernelCalls;
}
