/**
 * Option handling shared by the conv and pooling layers: Keras spellings in, one canonical
 * camelCase form out (what configs store), and channels-first shapes seen as channels-last for
 * shape inference (the ops work in NHWC).
 */
import type { SymbolicShape } from './layer.js';
import { unknownNameError } from '../names/unknown-name.js';

export type LayerPadding = 'valid' | 'same';
export type LayerDataFormat = 'channelsLast' | 'channelsFirst';

/** Accepts 'channels_last' / 'channelsLast' (default) and the channels-first spellings. */
export function normalizeDataFormat(format: string | undefined, layer: string): LayerDataFormat {
  if (format === undefined || format === 'channelsLast' || format === 'channels_last') return 'channelsLast';
  if (format === 'channelsFirst' || format === 'channels_first') return 'channelsFirst';
  throw unknownNameError('dataFormat', format, ['channelsLast', 'channelsFirst', 'channels_last', 'channels_first'], layer);
}

export function normalizePadding(padding: string | undefined, layer: string): LayerPadding {
  const p = padding === undefined ? 'valid' : typeof padding === 'string' ? padding.toLowerCase() : padding;
  if (p !== 'valid' && p !== 'same') throw unknownNameError('padding', padding, ['valid', 'same'], layer);
  return p;
}

/** A positive integer or a pair of them, as [a, b]. */
export function normalizePair(value: number | readonly number[], name: string, layer: string): [number, number] {
  const p = typeof value === 'number' ? [value, value] : [...value];
  if (p.length !== 2 || !p.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`${layer}: ${name} must be a positive integer or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [p[0], p[1]];
}

/** [batch, h, w, c] from a shape in `format`, with an unknown batch taken as 1 for inference. */
export function toChannelsLast(shape: SymbolicShape, format: LayerDataFormat): [number, number, number, number] {
  const s = shape.map((d) => d ?? 1);
  return format === 'channelsLast' ? [s[0], s[1], s[2], s[3]] : [s[0], s[2], s[3], s[1]];
}

/** Output shape in `format` from NHWC numbers, with the batch axis of `inputShape` kept. */
export function fromChannelsLast(nhwc: readonly number[], format: LayerDataFormat, inputShape: SymbolicShape): SymbolicShape {
  const [, h, w, c] = nhwc;
  return format === 'channelsLast' ? [inputShape[0], h, w, c] : [inputShape[0], c, h, w];
}

/** Spatial size [h, w] and channels of a rank-4 shape in `format`. */
export function spatialAndChannels(shape: SymbolicShape, format: LayerDataFormat): { hw: [number | null, number | null]; channels: number | null } {
  return format === 'channelsLast' ? { hw: [shape[1], shape[2]], channels: shape[3] } : { hw: [shape[2], shape[3]], channels: shape[1] };
}
