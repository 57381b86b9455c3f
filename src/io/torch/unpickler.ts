/**
 * A restricted unpickler: a stack machine over the pickle opcodes (protocol 2) that a PyTorch
 * state dict uses, and nothing else. It never imports or calls anything named in the file: GLOBAL
 * asks the caller's `findGlobal` (an allowlist that refuses by throwing), REDUCE and BUILD ask the
 * caller's `reduce` and `build`, persistent ids go to `persistentLoad`. Any other opcode is refused
 * by name. It is a loop, not a recursion, so nesting depth cannot overflow the JS stack; each
 * opcode consumes at least one byte and does work proportional to what it pops, so time is linear
 * in the pickle's size.
 *
 * Opcodes and their encodings follow Python's `pickletools` documentation (protocol 2).
 */
import { ModelFormatError } from '../model-format-error.js';
import { describePy, isDict, isTuple, pyDict, pyTuple, type PyTuple, type PyValue } from './pickle-values.js';

export interface UnpicklerHooks {
  /** The value of global `module.name`; throws to refuse it. */
  findGlobal(module: string, name: string): PyValue;
  /** The object a persistent id (BINPERSID) stands for. */
  persistentLoad(pid: PyValue): PyValue;
  /** `callable(*args)` for an allowed callable; throws to refuse. */
  reduce(callable: PyValue, args: PyTuple): PyValue;
  /** `target.__setstate__(state)` or its `__dict__.update(state)`; throws to refuse. */
  build(target: PyValue, state: PyValue): void;
}

/** Largest number of values on the stack at once (a state dict needs a few dozen). */
const MAX_STACK = 1_000_000;

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Names of the opcodes refused by this unpickler, for a clear message. */
const KNOWN_REFUSED: Record<number, string> = {
  0x69: 'INST', 0x6f: 'OBJ', 0x81: 'NEWOBJ', 0x92: 'NEWOBJ_EX', 0x93: 'STACK_GLOBAL', 0x50: 'PERSID',
  0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x95: 'FRAME', 0x94: 'MEMOIZE', 0x8c: 'SHORT_BINUNICODE',
  0x53: 'STRING', 0x56: 'UNICODE', 0x49: 'INT', 0x4c: 'LONG', 0x46: 'FLOAT', 0x64: 'DICT', 0x6c: 'LIST',
};

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array, readonly file: string) {}

  fail(message: string): never {
    throw new ModelFormatError(this.file, `pickle byte ${this.at}: ${message}`);
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.at + n > this.bytes.byteLength) this.fail(`needs ${n} more bytes, the pickle has ${this.bytes.byteLength - this.at} left (truncated?)`);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0];
  }

  u16(): number {
    const b = this.take(2);
    return b[0] | (b[1] << 8);
  }

  u32(): number {
    const b = this.take(4);
    return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 2 ** 24;
  }

  i32(): number {
    const b = this.take(4);
    return b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
  }

  /** A newline-terminated ASCII line (GLOBAL's module and name). */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.at);
    if (end < 0 || end - this.at > 256) this.fail('GLOBAL needs a newline-terminated name of at most 256 bytes');
    const raw = this.take(end - this.at);
    this.at += 1;
    if (!raw.every((c) => c >= 0x20 && c < 0x7f)) this.fail('GLOBAL name is not printable ASCII');
    return String.fromCharCode(...raw);
  }

  utf8(n: number): string {
    const raw = this.take(n);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return this.fail('BINUNICODE string is not valid UTF-8');
    }
  }

  /** LONG1: a little-endian two's-complement integer of n bytes. */
  long(n: number): number | bigint {
    const raw = this.take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
    if (n > 0 && raw[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
}

class Machine {
  readonly stack: Slot[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, PyValue>();

  constructor(readonly r: Reader, readonly hooks: UnpicklerHooks) {}

  push(v: Slot): void {
    if (this.stack.length >= MAX_STACK) this.r.fail(`stack grows past ${MAX_STACK} values`);
    this.stack.push(v);
  }

  pop(): PyValue {
    const v = this.stack.pop();
    if (v === undefined) this.r.fail('pops an empty stack');
    if (v === MARK) this.r.fail('pops a MARK where a value was expected');
    return v;
  }

  top(): PyValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) this.r.fail('needs a value on the stack');
    return v;
  }

  /** The values pushed since the last MARK, which is removed. */
  popMark(): PyValue[] {
    const at = this.marks.pop();
    if (at === undefined) this.r.fail('needs a MARK on the stack');
    const items = this.stack.splice(at) as Slot[];
    if (items.shift() !== MARK) this.r.fail('MARK was consumed by another opcode');
    return items as PyValue[];
  }

  memoGet(key: number): void {
    const v = this.memo.get(key);
    if (v === undefined) this.r.fail(`memo key ${key} was never stored`);
    this.push(v);
  }

  setItems(target: PyValue, items: PyValue[]): void {
    if (!isDict(target)) this.r.fail(`SETITEM(S) on a ${describePy(target)}, expected a dict`);
    if (items.length % 2 !== 0) this.r.fail(`SETITEMS has ${items.length} values, expected key/value pairs`);
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i];
      if (typeof key !== 'string' && typeof key !== 'number') this.r.fail(`dict key is a ${describePy(key)}, expected str or int`);
      target.entries.set(key, items[i + 1]);
    }
  }

  append(target: PyValue, items: PyValue[]): void {
    if (!Array.isArray(target)) this.r.fail(`APPEND(S) on a ${describePy(target)}, expected a list`);
    for (const item of items) target.push(item);
  }
}

type Handler = (m: Machine) => void;

function tuple(m: Machine, n: number): void {
  const items: PyValue[] = [];
  for (let i = 0; i < n; i++) items.unshift(m.pop());
  m.push(pyTuple(items));
}

function long1(m: Machine): void {
  const n = m.r.u8();
  if (n > 16) m.r.fail(`LONG1 of ${n} bytes; a state dict's integers fit in 8`);
  m.push(m.r.long(n));
}

function binfloat(m: Machine): void {
  const b = m.r.take(8);
  m.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false)); // big-endian double
}

function reduce(m: Machine): void {
  const args = m.pop();
  const callable = m.pop();
  if (!isTuple(args)) m.r.fail(`REDUCE arguments are a ${describePy(args)}, expected a tuple`);
  m.push(m.hooks.reduce(callable, args));
}

function proto(m: Machine): void {
  const version = m.r.u8();
  if (version > 2) m.r.fail(`pickle protocol ${version}; PyTorch state dicts use protocol 2`);
}

/** Every opcode but STOP, by byte (names and encodings as in `pickletools`). */
const HANDLERS: Record<number, Handler> = {
  0x80: proto, // PROTO
  0x28: (m) => { m.marks.push(m.stack.length); m.push(MARK); }, // MARK
  0x63: (m) => { const module = m.r.line(); m.push(m.hooks.findGlobal(module, m.r.line())); }, // GLOBAL
  0x29: (m) => m.push(pyTuple([])), // EMPTY_TUPLE
  0x7d: (m) => m.push(pyDict()), // EMPTY_DICT
  0x5d: (m) => m.push([]), // EMPTY_LIST
  0x4e: (m) => m.push(null), // NONE
  0x88: (m) => m.push(true), // NEWTRUE
  0x89: (m) => m.push(false), // NEWFALSE
  0x71: (m) => { m.memo.set(m.r.u8(), m.top()); }, // BINPUT
  0x72: (m) => { m.memo.set(m.r.u32(), m.top()); }, // LONG_BINPUT
  0x68: (m) => m.memoGet(m.r.u8()), // BINGET
  0x6a: (m) => m.memoGet(m.r.u32()), // LONG_BINGET
  0x58: (m) => m.push(m.r.utf8(m.r.u32())), // BINUNICODE
  0x4a: (m) => m.push(m.r.i32()), // BININT
  0x4b: (m) => m.push(m.r.u8()), // BININT1
  0x4d: (m) => m.push(m.r.u16()), // BININT2
  0x8a: long1, // LONG1
  0x47: binfloat, // BINFLOAT
  0x74: (m) => m.push(pyTuple(m.popMark())), // TUPLE
  0x85: (m) => tuple(m, 1), // TUPLE1
  0x86: (m) => tuple(m, 2), // TUPLE2
  0x87: (m) => tuple(m, 3), // TUPLE3
  0x52: reduce, // REDUCE
  0x62: (m) => { const state = m.pop(); m.hooks.build(m.top(), state); }, // BUILD
  0x51: (m) => m.push(m.hooks.persistentLoad(m.pop())), // BINPERSID
  0x73: (m) => { const v = m.pop(); const k = m.pop(); m.setItems(m.top(), [k, v]); }, // SETITEM
  0x75: (m) => { const items = m.popMark(); m.setItems(m.top(), items); }, // SETITEMS
  0x61: (m) => { const v = m.pop(); m.append(m.top(), [v]); }, // APPEND
  0x65: (m) => { const items = m.popMark(); m.append(m.top(), items); }, // APPENDS
};

const STOP = 0x2e;

function refuse(m: Machine, op: number): never {
  const name = KNOWN_REFUSED[op];
  m.r.at -= 1;
  return m.r.fail(name !== undefined ? `opcode ${name} is not used by PyTorch state dicts and is refused` : `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
}

/** Unpickles `bytes` (the whole pickle must be consumed) with the given hooks. */
export function unpickle(bytes: Uint8Array, hooks: UnpicklerHooks, file = 'data.pkl'): PyValue {
  const m = new Machine(new Reader(bytes, file), hooks);
  while (m.r.at < bytes.byteLength) {
    const op = m.r.u8();
    if (op === STOP) {
      const result = m.pop();
      if (m.r.at !== bytes.byteLength) m.r.fail(`STOP before the end of the pickle (${bytes.byteLength - m.r.at} bytes follow)`);
      if (m.stack.length !== 0) m.r.fail(`STOP leaves ${m.stack.length} values on the stack`);
      return result;
    }
    const handler = Object.hasOwn(HANDLERS, op) ? HANDLERS[op] : undefined;
    if (handler === undefined) refuse(m, op);
    handler(m);
  }
  return m.r.fail('the pickle ends without STOP (truncated?)');
}
