/**
 * Emits the few pickle opcodes (protocol 2) a state dict needs, with the encodings of Python's
 * `pickletools` documentation. Chainable: `w.mark().unicode('storage').tuple()`.
 */
export class PickleWriter {
  readonly #parts: number[] = [];

  #op(code: number, ...payload: number[]): this {
    this.#parts.push(code, ...payload);
    return this;
  }

  #u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }

  proto(version: number): this { return this.#op(0x80, version); }
  mark(): this { return this.#op(0x28); }
  emptyTuple(): this { return this.#op(0x29); }
  tuple(): this { return this.#op(0x74); }
  reduce(): this { return this.#op(0x52); }
  setItems(): this { return this.#op(0x75); }
  persistentId(): this { return this.#op(0x51); }
  stop(): this { return this.#op(0x2e); }
  bool(v: boolean): this { return this.#op(v ? 0x88 : 0x89); }

  /** GLOBAL 'module\nname\n'. */
  global(module: string, name: string): this {
    const text = `${module}\n${name}\n`;
    return this.#op(0x63, ...[...text].map((c) => c.charCodeAt(0)));
  }

  /** BINUNICODE: 4-byte little-endian length, then UTF-8. */
  unicode(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    this.#op(0x58, ...this.#u32(utf8.byteLength));
    for (const b of utf8) this.#parts.push(b);
    return this;
  }

  /** BININT1, BININT2 or BININT (signed 32-bit), the shortest that holds `n`. */
  int(n: number): this {
    if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`PickleWriter.int: ${n} is not a 32-bit integer`);
    if (n >= 0 && n < 256) return this.#op(0x4b, n);
    if (n >= 0 && n < 65536) return this.#op(0x4d, n & 0xff, n >>> 8);
    return this.#op(0x4a, ...this.#u32(n >>> 0));
  }

  intTuple(values: readonly number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}
