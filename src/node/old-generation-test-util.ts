/**
 * What a loop leaves in V8's old generation, for tests that the long-lived machinery of a training
 * step (the wasm heap's indexes, the decoding path) makes no garbage there. Old-generation garbage
 * stays until the next full collection, so the longer an epoch the larger V8's heap settles: peak
 * memory then grows with the folder's size (issue 14). A count of bytes, never a timing.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { createContext, runInContext } from 'node:vm';

type FullCollection = (options: { type: 'major'; execution: 'sync' }) => void;

/** V8's gc function from a fresh context, the flag reset at once (as src/node/garbage-collector.ts does). */
function exposedGc(): FullCollection {
  setFlagsFromString('--expose-gc');
  try {
    return runInContext('gc', createContext({})) as FullCollection;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

const collect = exposedGc();

const oldSpaceUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;

/**
 * Bytes per call of `step` that entered the old generation: allocated there (a Map's table rebuilt
 * for a Map that lives there, a FinalizationRegistry cell, an object V8 pretenures) or promoted
 * there. `warmUp` calls first (code compiled, caches settled); then `windows` windows of `calls`
 * calls, each after two full collections so that what the loop keeps is old, as it is in a long
 * run. Only growth counts: a drop (a collection or sweeping finishing meanwhile) is not subtracted
 * from what entered. The least window is returned: what a step's own structures put there shows in
 * every window, while a scavenge promoting the few blocks that happen to be live when it runs moves
 * with the machine's load (the allocator test read 130 B a call in one full-suite run, 0-2 B in most windows).
 */
export function oldGenerationBytesPerCall(step: () => void, calls: number, warmUp = calls, windows = 3): number {
  for (let i = 0; i < warmUp; i++) step();
  let least = Infinity;
  for (let w = 0; w < windows; w++) least = Math.min(least, bytesPerCallInWindow(step, calls));
  return least;
}

function bytesPerCallInWindow(step: () => void, calls: number): number {
  collect({ type: 'major', execution: 'sync' });
  collect({ type: 'major', execution: 'sync' });
  let entered = 0;
  for (let i = 0; i < calls; i++) {
    const before = oldSpaceUsed();
    step();
    entered += Math.max(0, oldSpaceUsed() - before);
  }
  return entered / calls;
}
