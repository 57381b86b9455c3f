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
 * collector watches it (a scoped tensor needs no watching: its scope releases it or hands it on).
 */
export function trackTensor(t: Tensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope === undefined) t.watch();
  else scope.add(t);
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
