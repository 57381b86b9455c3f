/**
 * Turning user-facing conv/pool options (Keras and PyTorch spellings) into the explicit numbers
 * kernels take, with the checks that give users clear errors.
 */
import { convOutputSize, samePadding, type Shape, shapeToString } from '../tensor/shape.js';

export type Padding = 'valid' | 'same' | number | readonly [number, number] | readonly [number, number, number, number];
export type DataFormat = 'channelsLast' | 'channelsFirst' | 'channels_last' | 'channels_first';

export function pair(v: number | readonly number[], name: string, op: string): [number, number] {
  const p = typeof v === 'number' ? [v, v] : [...v];
  if (p.length !== 2 || !p.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

export function isChannelsFirst(format: DataFormat | undefined): boolean {
  return format === 'channelsFirst' || format === 'channels_first';
}

/**
 * [top, bottom, left, right] for input [h, w], window [kh, kw]. A number or [ph, pw] pads both
 * sides symmetrically, as PyTorch's `padding` does.
 */
export function explicitPadding(
  padding: Padding, inHW: readonly [number, number], k: readonly [number, number],
  s: readonly [number, number], d: readonly [number, number],
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') return [...samePadding(inHW[0], k[0], s[0], d[0]), ...samePadding(inHW[1], k[1], s[1], d[1])];
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  return [padding[0], padding[1], padding[2], padding[3]];
}

/** Output [h, w] of a window op, or a clear error when the window does not fit. */
export function windowOutput(
  op: string, xShape: Shape, inHW: readonly [number, number], k: readonly [number, number],
  s: readonly [number, number], d: readonly [number, number], pad: readonly number[],
): [number, number] {
  const oh = convOutputSize(inHW[0], k[0], s[0], pad[0] + pad[1], d[0]);
  const ow = convOutputSize(inHW[1], k[1], s[1], pad[2] + pad[3], d[1]);
  if (oh <= 0 || ow <= 0) {
    const eff = [d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1];
    throw new Error(
      `${op}: window ${eff[0]}x${eff[1]} is larger than the padded input ` +
        `${inHW[0] + pad[0] + pad[1]}x${inHW[1] + pad[2] + pad[3]} (input shape ${shapeToString(xShape)}, padding [${pad.join(', ')}])`,
    );
  }
  return [oh, ow];
}
