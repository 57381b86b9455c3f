/**
 * Reclaiming the storage of tensors nobody can reach any more, without users calling dispose.
 *
 * Every tensor that can outlive its step scope is registered with a FinalizationRegistry (once,
 * through a small token: tensor.ts `watch`) whose callback gives back its references to its
 * storage; the last reference frees the block. Two facts of JavaScript engines shape the rest of this file:
 * - V8 finds dead registered objects only in a full (mark-compact) collection, and it runs the
 *   registry's callbacks later, as a task: only when the program yields to the event loop.
 * - A tensor's JS object is a few hundred bytes while its storage (in a WebAssembly heap the
 *   engine does not see) may be megabytes, so the engine's own heuristics collect far too rarely.
 *
 * So a backend under memory pressure (its heap would have to grow) calls `reclaimUnreachable()`.
 * Where the host lets us drive the collector (Node: src/node/garbage-collector.ts installs one),
 * that runs a full collection and then, where the engine offers `cleanupSome`, the pending
 * callbacks at once, so even a loop that never yields runs in flat memory. Elsewhere (browsers)
 * `externalPressureCollector` makes the engine collect, and storage comes back at the program's
 * next turn of the event loop; `eventLoopTurn()` lets a backend say how much is held by tensors
 * made since the last turn when it does run out.
 */

import { watchUnwatched } from './scope.js';

/** A FinalizationRegistry that can also run its pending callbacks on demand (a V8 extension). */
interface CleanupSomeRegistry<T> extends FinalizationRegistry<T> {
  cleanupSome?(): void;
}

export interface GarbageCollector {
  /** Runs a full garbage collection now (synchronously). */
  collectNow(): void;
  /**
   * A FinalizationRegistry constructor whose instances have `cleanupSome()`, where the engine has
   * it; storage registered from then on can be reclaimed without waiting for the event loop.
   */
  readonly Registry?: FinalizationRegistryConstructor;
}

/**
 * The nudge for engines that let nobody run the collector (browsers): allocating and dropping
 * large ArrayBuffers reports that much external memory, which V8 weighs when it schedules a full
 * collection. Best effort, measured in Node: it starts one the first time, not every time (V8
 * raises its external-memory limit after each collection), so browsers rely on the program
 * yielding and on the engine's own schedule too. The buffers are never written, so their pages
 * are never touched: they cost address space for an instant, not memory.
 */
export const externalPressureCollector: GarbageCollector = {
  collectNow(): void {
    try {
      let reported = 0;
      for (let i = 0; i < PRESSURE_BUFFERS; i++) reported += new ArrayBuffer(PRESSURE_BYTES).byteLength;
      if (reported !== PRESSURE_BYTES * PRESSURE_BUFFERS) throw new Error('unreachable');
    } catch {
      // No address space for the nudge (a 32-bit engine): the engine collects on its own schedule.
    }
  },
};
const PRESSURE_BYTES = 64 << 20;
const PRESSURE_BUFFERS = 4;

let collector: GarbageCollector | null = externalPressureCollector;
/** Registries in use: the default one, and the collector's once one is installed. */
const registries: CleanupSomeRegistry<() => void>[] = [new FinalizationRegistry<() => void>((reclaim) => reclaim())];

/**
 * Lets `reclaimUnreachable` run `gc` (called once by the host's entry point; null: none). Storage
 * made from then on is registered with a registry of `gc.Registry` where given.
 */
export function installGarbageCollector(gc: GarbageCollector | null): void {
  collector = gc;
  const Registry = gc?.Registry ?? FinalizationRegistry;
  registries.push(new Registry<() => void>((reclaim) => reclaim()));
}

/** How storage will come back: at once ('now'), at the next event-loop turn, or whenever the engine collects. */
export function reclamationMode(): 'now' | 'next-turn' | 'engine' {
  if (collector === null) return 'engine';
  return registries[registries.length - 1].cleanupSome !== undefined ? 'now' : 'next-turn';
}

let registrations = 0;

/** Runs `reclaim` when `owner` becomes unreachable (unless unregistered first). */
export function onUnreachable(owner: object, reclaim: () => void): void {
  registries[registries.length - 1].register(owner, reclaim, owner);
  registrations++;
}

/** @internal Registrations made so far (tests count what a loop registers). */
export function registrationCount(): number {
  return registrations;
}

export function forgetUnreachable(owner: object): void {
  // The token is the owner itself, so this finds it in whichever registry holds it: the newest
  // first, where every registration since the collector was installed went (each unregister ~0.6 us).
  for (let i = registries.length - 1; i >= 0; i--) if (registries[i]!.unregister(owner)) return;
}

/**
 * Under memory pressure: a full collection, then the reclaim callbacks it made due, where the host
 * allows either. Returns false when nothing could be done synchronously.
 */
export function reclaimUnreachable(): boolean {
  // Tensors not yet watched (scope.ts) could not be reclaimed, nor collected while the list holds them.
  watchUnwatched();
  if (collector === null) return false;
  collector.collectNow();
  let ran = false;
  for (const r of registries) {
    if (r.cleanupSome === undefined) continue;
    r.cleanupSome();
    ran = true;
  }
  return ran;
}

/**
 * Reclaims unreachable tensors where that can be done at once (Node), so that a count taken next
 * (memory()) is of what the program still holds, not of garbage the heap had no reason to collect.
 */
export function reclaimIfImmediate(): void {
  if (reclamationMode() === 'now') reclaimUnreachable();
}

let turn = 0;
let tickScheduled = false;

/**
 * A counter that advances each time the program yields to the event loop (a macrotask ran), read
 * by backends to know which storage was made since the last yield. Reading it schedules the tick.
 */
export function eventLoopTurn(): number {
  if (!tickScheduled) {
    tickScheduled = true;
    const timer: unknown = setTimeout(() => {
      turn++;
      tickScheduled = false;
    }, 0);
    // In Node the tick must not keep a finished program alive.
    (timer as { unref?: () => void }).unref?.();
  }
  return turn;
}
