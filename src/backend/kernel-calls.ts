/**
 * Which kernels an action runs: tests check that an op fuses as planned, `fovea bench` prints the
 * kernels of a training step.
 */
import { engine } from './engine.js';
import type { KernelId } from './kernels.js';

/** Kernel ids run by `fn`, with counts (the engine's observer is restored afterwards). */
export function kernelCalls(fn: () => void): Map<KernelId, number> {
  const calls = new Map<KernelId, number>();
  const previous = engine.observer;
  engine.observer = (id, ms) => {
    calls.set(id, (calls.get(id) ?? 0) + 1);
    previous?.(id, ms);
  };
  try {
    fn();
  } finally {
    engine.observer = previous;
  }
  return calls;
}
