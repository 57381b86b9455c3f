/**
 * The Python values a restricted unpickler can produce. Only data: no Python object is ever
 * constructed from a name in the file; a global is a name that the caller's allowlist turned into
 * one of these values (or refused).
 */

/** A Python tuple (immutable, so it is kept apart from a list). */
export interface PyTuple {
  readonly kind: 'tuple';
  readonly items: readonly PyValue[];
}

/** A Python dict or OrderedDict: keys are strings or integers, in insertion order. */
export interface PyDict {
  readonly kind: 'dict';
  readonly entries: Map<string | number, PyValue>;
  /** Attributes set by BUILD (an OrderedDict's `_metadata`). */
  readonly attributes: Map<string, PyValue>;
}

/** A global the allowlist admitted, by its dotted name ('torch._utils._rebuild_tensor_v2'). */
export interface PyGlobal {
  readonly kind: 'global';
  readonly name: string;
}

/** A value made by the caller's hooks (a storage, a tensor); opaque to the unpickler. */
export interface PyOpaque {
  readonly kind: 'opaque';
  readonly value: unknown;
}

export type PyValue = null | boolean | number | bigint | string | PyValue[] | PyTuple | PyDict | PyGlobal | PyOpaque;

export function pyTuple(items: readonly PyValue[]): PyTuple {
  return { kind: 'tuple', items };
}

export function pyDict(): PyDict {
  return { kind: 'dict', entries: new Map(), attributes: new Map() };
}

export function isTuple(v: PyValue): v is PyTuple {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'tuple';
}

export function isDict(v: PyValue): v is PyDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict';
}

export function isGlobal(v: PyValue): v is PyGlobal {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'global';
}

export function isOpaque(v: PyValue): v is PyOpaque {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'opaque';
}

/** A short, data-free description for error messages ('tuple of 3', 'str', 'global os.system'). */
export function describePy(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return `list of ${v.length}`;
  switch (v.kind) {
    case 'tuple': return `tuple of ${v.items.length}`;
    case 'dict': return `dict of ${v.entries.size}`;
    case 'global': return `global ${v.name}`;
    case 'opaque': return 'object';
  }
}
