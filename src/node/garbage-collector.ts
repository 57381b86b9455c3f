/**
 * The garbage collector Node lets a library drive (see tensor/reclamation.ts for why Fovea needs
 * to): V8's `gc` function and, on engines that still have it, a FinalizationRegistry with
 * `cleanupSome`, both taken from a fresh `vm` context created while the flags that expose them
 * are set. The flags are reset at once, so no other context (the program's own `vm` uses, its
 * global object) sees `gc` or `cleanupSome`. Without this, storage still comes back, at the
 * program's next event-loop turn after the engine decides to collect.
 */
import { setFlagsFromString } from 'node:v8';
import { createContext, runInContext } from 'node:vm';
import type { GarbageCollector } from '../tensor/reclamation.js';

/**
 * V8 versions known to have the `--harmony-weak-refs-with-cleanup-some` flag (Node 16 to 24). On
 * others it is not tried, since an unknown flag prints an error line on stderr, and storage comes
 * back at the next event-loop turn instead.
 */
const CLEANUP_SOME_V8 = /^(9|1[0-3])\./;

export function nodeGarbageCollector(): GarbageCollector | null {
  const cleanupSome = CLEANUP_SOME_V8.test(process.versions.v8);
  try {
    setFlagsFromString('--expose-gc');
    if (cleanupSome) setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    const context = createContext({});
    const gc = runInContext('gc', context) as unknown;
    const Registry = runInContext('FinalizationRegistry', context) as FinalizationRegistryConstructor;
    if (typeof gc !== 'function') return null;
    const hasCleanupSome = typeof (Registry.prototype as { cleanupSome?: unknown }).cleanupSome === 'function';
    return { collectNow: () => gc(), Registry: hasCleanupSome ? Registry : undefined };
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
    if (cleanupSome) setFlagsFromString('--no-harmony-weak-refs-with-cleanup-some');
  }
}
