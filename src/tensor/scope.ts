/**
 * Step scopes: the training loop, `predict` and `evaluate` run each batch inside `withScope`, and
 * every tensor made during the batch is released when it ends, except those returned or kept.
 * This is how memory stays flat without users ever calling dispose/tidy; tensors made outside any
 * scope are left to garbage collection.
 */
import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

/**
 * Called for every new tensor: the innermost scope takes it, or, outside every scope, the garbage
 * collector will watch it (a scoped tensor needs no watching: its scope releases it or hands it on).
 */
export function trackTensor(t: Tensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope === undefined) watchSoon(t);
  else scope.add(t);
}

/**
 * Tensors made outside every scope and not watched yet. A PyTorch-style step (no scope) releases
 * about half the tensors it makes within a few ops (an op's own views, a chain's handed-back
 * outputs, what backward() frees): registering each with the collector (~0.5 us, and ~1 us more
 * to unregister it from each registry, plus a WeakCell in V8's old space) was work for nothing.
 * So they wait here, a few at a time, and only those still alive when the list is full, when the
 * backend needs memory, or at the next event-loop turn get watched. The list holds at most
 * UNWATCHED_TENSORS tensors and UNWATCHED_BYTES of their storage past their last use.
 */
const unwatched: Tensor[] = [];
let unwatchedBytes = 0;
/** Whether a flush at the next event-loop turn is pending (one timer at a time). */
let turnFlushPending = false;
// Sized so that an nn training step's forward (seed CNN: ~45 tensors, a 5.5 MB map) waits here
// until backward() releases it: 32 tensors / 8 MB registered 3 of its maps per step.
const UNWATCHED_TENSORS = 48;
const UNWATCHED_BYTES = 16 << 20;

export function watchSoon(t: Tensor): void {
  if (unwatched.length >= UNWATCHED_TENSORS || unwatchedBytes >= UNWATCHED_BYTES) makeRoom();
  unwatched.push(t);
  // Only blocks the list alone could keep alive: a view's block is its source's (counted with it
  // or held elsewhere) and a deferred tensor has none yet. Counting views flushed the list every
  // few tensors in an nn forward (each conv's NCHW view of its 5.5 MB map counted again).
  unwatchedBytes += t.soleBytes;
  if (!turnFlushPending) scheduleFlush();
}

/**
 * Empties half the list: released tensors leave it (nothing to watch), then the oldest still alive
 * are watched until at most half the tensors and half the bytes wait. The newest stay: they are
 * the ones most likely to be released within the next few ops. Flushing the whole list registered
 * every tensor alive at that moment, e.g. half of an nn forward's maps, which backward() releases.
 */
function makeRoom(): void {
  let alive = 0;
  let bytes = 0;
  for (let i = 0; i < unwatched.length; i++) {
    const t = unwatched[i]!;
    if (t.discarded) continue;
    unwatched[alive++] = t;
    bytes += t.soleBytes;
  }
  let oldest = 0;
  while (oldest < alive && (alive - oldest > UNWATCHED_TENSORS / 2 || bytes > UNWATCHED_BYTES / 2)) {
    const t = unwatched[oldest++]!;
    bytes -= t.soleBytes;
    t.watch();
  }
  unwatched.copyWithin(0, oldest, alive);
  unwatched.length = alive - oldest;
  unwatchedBytes = bytes;
}

/** A program that stops making tensors must not keep the last few: they are watched at the next turn. */
function scheduleFlush(): void {
  turnFlushPending = true;
  const timer: unknown = setTimeout(() => {
    turnFlushPending = false;
    watchUnwatched();
  }, 0);
  // In Node the flush must not keep a finished program alive.
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Watches every tensor still waiting (a released one is skipped: `watch` ignores it) and forgets
 * them, so the collector can find the unreachable ones. Called before a forced collection.
 */
export function watchUnwatched(): void {
  for (let i = 0; i < unwatched.length; i++) unwatched[i]!.watch();
  unwatched.length = 0;
  unwatchedBytes = 0;
}

/** Whether a step scope is running (its tensors are released when it ends). */
export function insideScope(): boolean {
  return scopes.length > 0;
}

/** Keeps a tensor alive past the current scope (e.g. a metric accumulator). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  t.watch();
  return t;
}

/**
 * Takes `t` out of every scope without watching it: its owner (a leaf holding it as its gradient,
 * tensor.ts) releases it when it replaces it, and watches it once it escapes to user code.
 */
export function giveToOwner(t: Tensor): void {
  for (const s of scopes) s.delete(t);
}

/**
 * Runs `fn`; releases every tensor it made except those in its result (a tensor, or an array or
 * object of tensors), which move to the enclosing scope.
 */
export function withScope<R>(fn: () => R): R {
  const mine = new Set<Tensor>();
  scopes.push(mine);
  let result: R;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  const survivors = collectTensors(result);
  for (const t of mine) {
    if (survivors.has(t)) trackTensor(t);
    else t.release();
  }
  return result;
}

function collectTensors(value: unknown, out = new Set<Tensor>()): Set<Tensor> {
  if (value === null || typeof value !== 'object') return out;
  if (isTensor(value)) {
    out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out);
  }
  return out;
}

function isTensor(value: object): value is Tensor {
  return 'storage' in value && 'shape' in value && 'dtype' in value && 'release' in value;
}
