/**
 * PyTorch's `padding` and `padding_mode` for NCHW tensors. Zero padding is left to the conv kernel;
 * 'reflect', 'replicate' and 'circular' are built from slices and concatenations, so their
 * gradients come from those ops.
 */
import { pad as constantPad } from '../ops/shape-ops.js';
import { concat, slice } from '../ops/shape-ops.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { unknownNameError } from '../names/unknown-name.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export type ModulePadding = number | [number, number] | 'same' | 'valid';

export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * [top, bottom, left, right] for a window op. 'same' keeps the size at stride 1 (PyTorch puts the
 * odd extra row at the bottom/right and refuses 'same' with stride > 1, so do we).
 */
export function explicitPadding(padding: ModulePadding, kernel: [number, number], stride: [number, number], dilation: [number, number], where: string): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`${where}: padding='same' needs stride 1, got stride (${stride.join(', ')})`);
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    return [Math.floor(total[0] / 2), total[0] - Math.floor(total[0] / 2), Math.floor(total[1] / 2), total[1] - Math.floor(total[1] / 2)];
  }
  if (typeof padding === 'string') throw unknownNameError('padding', padding, ['same', 'valid'], where);
  const [ph, pw] = typeof padding === 'number' ? [padding, padding] : padding;
  if (![ph, pw].every((p) => Number.isInteger(p) && p >= 0)) throw new Error(`${where}: padding must be a non-negative integer, a pair of them, 'same' or 'valid', got ${JSON.stringify(padding)}`);
  return [ph, ph, pw, pw];
}

/** Pads axis `axis` of `x` by `before` and `after` cells in `mode`. */
function padAxis(x: Tensor, axis: number, before: number, after: number, mode: Exclude<PaddingMode, 'zeros'>): Tensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis];
  const limit = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : Infinity;
  if (before > limit || after > limit) {
    throw new Error(`pad: ${mode} padding of ${Math.max(before, after)} is too large for size ${n} (axis ${axis} of ${shapeToString(x.shape)}; at most ${limit})`);
  }
  const at = (i: number, len = 1) => slice(x, x.shape.map((_, a) => (a === axis ? i : 0)), x.shape.map((d, a) => (a === axis ? len : d)));
  const range = (count: number, f: (k: number) => Tensor) => Array.from({ length: count }, (_, k) => f(k));
  let left: Tensor[];
  let right: Tensor[];
  if (mode === 'replicate') {
    left = range(before, () => at(0));
    right = range(after, () => at(n - 1));
  } else if (mode === 'reflect') {
    left = range(before, (k) => at(before - k));
    right = range(after, (k) => at(n - 2 - k));
  } else {
    left = before > 0 ? [at(n - before, before)] : [];
    right = after > 0 ? [at(0, after)] : [];
  }
  return concat([...left, x, ...right], axis);
}

/**
 * Pads the last two axes of an NCHW tensor by [top, bottom, left, right] in `mode`
 * ('zeros' pads with `value`).
 */
export function pad2d(x: Tensor, p: readonly [number, number, number, number], mode: PaddingMode = 'zeros', value = 0): Tensor {
  if (x.rank !== 4) throw new Error(`pad: expected an NCHW tensor, got shape ${shapeToString(x.shape)}`);
  if (mode === 'zeros') return constantPad(x, [[0, 0], [0, 0], [p[0], p[1]], [p[2], p[3]]], value);
  if (!PADDING_MODES.includes(mode)) throw unknownNameError('padding mode', mode, PADDING_MODES, 'pad');
  return padAxis(padAxis(x, 2, p[0], p[1], mode), 3, p[2], p[3], mode);
}
