/** Counting the kernels a piece of work runs, by kernel id (what the planner fused shows here). */
import { engine } from '../backend/engine.js';
import type { KernelId } from '../backend/kernels.js';

export type KernelCalls = Partial<Record<KernelId, number>>;

export function countKernels(run: () => void): KernelCalls {
  const counts: KernelCalls = {};
  engine.observer = (id) => { counts[id] = (counts[id] ?? 0) + 1; };
  try {
    run();
  } finally {
    engine.observer = null;
  }
  return counts;
}
