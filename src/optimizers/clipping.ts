/**
 * Gradient clipping as Keras 3's optimizers do it, before the update:
 *   clipnorm c:        each gradient g scaled by c / max(||g||, c)
 *   globalClipnorm c:  every gradient scaled by c / max(sqrt(sum ||g||^2), c)
 *   clipvalue v:       each element clipped to [-v, v]
 * Keras applies only one of them (in that precedence); setting several is rejected here so none
 * is silently ignored.
 */
import { maximum, minimum, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { square } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ClipOptions {
  clipnorm?: number | null;
  clipvalue?: number | null;
  globalClipnorm?: number | null;
}

export interface Clipping {
  clipnorm: number | null;
  clipvalue: number | null;
  globalClipnorm: number | null;
}

export function resolveClipping(owner: string, o: ClipOptions): Clipping {
  const c: Clipping = { clipnorm: o.clipnorm ?? null, clipvalue: o.clipvalue ?? null, globalClipnorm: o.globalClipnorm ?? null };
  const set = Object.entries(c).filter(([, v]) => v !== null);
  for (const [k, v] of set) if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new Error(`${owner}: ${k} must be a positive number, got ${v}`);
  if (set.length > 1) throw new Error(`${owner}: only one of clipnorm, clipvalue and globalClipnorm can be set, got ${set.map(([k]) => k).join(' and ')}`);
  return c;
}

const norm = (g: Tensor): number => Math.sqrt(sum(square(g)).item());

export function clipGradients(grads: Tensor[], c: Clipping): Tensor[] {
  if (c.clipnorm !== null) {
    const limit = c.clipnorm;
    return grads.map((g) => mul(g, limit / Math.max(norm(g), limit)));
  }
  if (c.globalClipnorm !== null) {
    const total = Math.sqrt(grads.reduce((n, g) => n + norm(g) ** 2, 0));
    const scale = c.globalClipnorm / Math.max(total, c.globalClipnorm);
    return grads.map((g) => mul(g, scale));
  }
  if (c.clipvalue !== null) {
    const v = c.clipvalue;
    return grads.map((g) => minimum(maximum(g, -v), v));
  }
  return grads;
}
