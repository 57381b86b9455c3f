/**
 * Reads a layer stack from untrusted JSON (localStorage can hold anything: an older Lab, another
 * page, a hand edit). Every field is checked; a bad stack is an error naming the layer and field,
 * never a silently repaired one.
 */
import { ACTIVATIONS, type LayerKind, type LayerSpec, PADDINGS, POOL_KINDS } from './layer-spec.js';

/** More layers than anyone builds by hand; bounds the work a corrupted entry can cause. */
export const MAX_LAYERS = 64;

type Fields = Record<string, unknown>;

function positiveInt(fields: Fields, key: string, where: string, max: number): number {
  const v = fields[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new Error(`${where}: ${key} must be an integer from 1 to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(fields: Fields, key: string, where: string, allowed: readonly T[]): T {
  const v = fields[key];
  if (!allowed.includes(v as T)) throw new Error(`${where}: ${key} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

function rate(fields: Fields, where: string): number {
  const v = fields['rate'];
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${where}: rate must be a number in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

/** One layer's spec from a parsed JSON value. */
export function parseLayerSpec(value: unknown, index: number): LayerSpec {
  const where = `layer ${index + 1}`;
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: expected an object, got ${JSON.stringify(value)}`);
  const f = value as Fields;
  const kind = f['kind'] as LayerKind;
  switch (kind) {
    case 'conv2d':
      return { kind, filters: positiveInt(f, 'filters', where, 4096), kernel: positiveInt(f, 'kernel', where, 64), stride: positiveInt(f, 'stride', where, 64), padding: oneOf(f, 'padding', where, PADDINGS), activation: oneOf(f, 'activation', where, ACTIVATIONS) };
    case 'pool':
      return { kind, pool: oneOf(f, 'pool', where, POOL_KINDS), size: positiveInt(f, 'size', where, 64), stride: positiveInt(f, 'stride', where, 64), padding: oneOf(f, 'padding', where, PADDINGS) };
    case 'dropout':
      return { kind, rate: rate(f, where) };
    case 'dense':
      return { kind, units: positiveInt(f, 'units', where, 65536), activation: oneOf(f, 'activation', where, ACTIVATIONS) };
    case 'batchnorm':
    case 'flatten':
      return { kind };
    default:
      throw new Error(`${where}: unknown kind ${JSON.stringify(f['kind'])}`);
  }
}

/** A whole stack from JSON text. */
export function parseStack(text: string): LayerSpec[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`the layer stack must be a JSON array, got ${typeof value}`);
  if (value.length > MAX_LAYERS) throw new Error(`the layer stack has ${value.length} layers; at most ${MAX_LAYERS} are kept`);
  return value.map(parseLayerSpec);
}
