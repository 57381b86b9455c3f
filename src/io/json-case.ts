/**
 * camelCase <-> snake_case keys of JSON configs. Fovea's configs are camelCase; Keras and
 * TensorFlow.js files are snake_case; the conversion happens only here, at the file edge.
 * Nesting is capped so a hostile file cannot exhaust the stack.
 */
import { isRecord } from './bytes.js';
import { ModelFormatError } from './model-format-error.js';

const MAX_DEPTH = 64;

export function toSnakeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function toCamelKey(key: string): string {
  return key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function convert(value: unknown, rename: (k: string) => string, depth: number, file: string): unknown {
  if (depth > MAX_DEPTH) throw new ModelFormatError(file, `config is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => convert(v, rename, depth + 1, file));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = rename(k);
    // Assigning '__proto__' would replace the object's prototype instead of adding a key.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new ModelFormatError(file, `config key '${k}' is not allowed`);
    out[key] = convert(v, rename, depth + 1, file);
  }
  return out;
}

/** A deep copy of `value` with every object key in snake_case. */
export function snakeKeys(value: unknown, file = 'config'): unknown {
  return convert(value, toSnakeKey, 0, file);
}

/** A deep copy of `value` with every object key in camelCase. */
export function camelKeys(value: unknown, file = 'config'): unknown {
  return convert(value, toCamelKey, 0, file);
}
