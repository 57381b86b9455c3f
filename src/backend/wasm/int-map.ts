/**
 * A hash map from non-negative int32 keys to non-negative int32 values, held in two typed arrays:
 * open addressing, linear probing, deletion by backward shift (no tombstones). `set`, `get` and
 * `delete` never allocate; the arrays are replaced only when the live count passes half the
 * capacity, so a map whose size stays bounded stops allocating after its first growth.
 *
 * Why not a Map: V8 rebuilds a Map's hash table every time its deleted and live entries fill it,
 * and the table of a Map that lives in the old generation is allocated there. The wasm heap's
 * block indexes (alloc.ts, heap.ts) live for the whole program and see hundreds of set/delete pairs
 * per training step: as Maps they left 10-30 KB of old-space garbage per step, so V8's old space
 * grew over an epoch until its next full collection, and its heap settled larger the longer the run.
 */

const EMPTY = -1;
/** Fibonacci hashing: the key's product with 2^32 / phi, top bits. Keys here are multiples of 64. */
const GOLDEN = 0x9e3779b1;
const MIN_CAPACITY = 16;

export class IntMap {
  private keys: Int32Array;
  private values: Int32Array;
  private shift: number;
  /** Live entries. */
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    const bits = Math.max(4, Math.ceil(Math.log2(Math.max(capacity, MIN_CAPACITY))));
    this.shift = 32 - bits;
    this.keys = new Int32Array(1 << bits).fill(EMPTY);
    this.values = new Int32Array(1 << bits);
  }

  /** Slots in the table (a power of two); `keyAt(i)` for i below it walks every entry. */
  get capacity(): number {
    return this.keys.length;
  }

  /** The key in slot `i`, or -1 when the slot is empty. */
  keyAt(i: number): number {
    return this.keys[i]!;
  }

  /** The value in slot `i` (meaningful where `keyAt(i)` is not -1). */
  valueAt(i: number): number {
    return this.values[i]!;
  }

  /** The value of `key`, or -1 when absent. */
  get(key: number): number {
    const i = this.slotOf(key);
    return i < 0 ? EMPTY : this.values[i]!;
  }

  has(key: number): boolean {
    return this.slotOf(key) >= 0;
  }

  set(key: number, value: number): void {
    if (!(key >= 0 && key <= 0x7fffffff && value >= 0 && value <= 0x7fffffff) || key !== (key | 0) || value !== (value | 0)) {
      throw new Error(`IntMap: keys and values are int32 >= 0, got ${key} -> ${value}`);
    }
    const mask = this.keys.length - 1;
    let i = this.home(key);
    for (; this.keys[i] !== EMPTY; i = (i + 1) & mask) {
      if (this.keys[i] === key) {
        this.values[i] = value;
        return;
      }
    }
    if (2 * (this.size + 1) > this.keys.length) {
      this.grow();
      return this.set(key, value);
    }
    this.keys[i] = key;
    this.values[i] = value;
    this.size++;
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: number): boolean {
    let hole = this.slotOf(key);
    if (hole < 0) return false;
    const mask = this.keys.length - 1;
    // Backward shift: an entry after the hole moves into it unless its home lies cyclically in
    // (hole, j], where a lookup starting from the home would not pass the hole.
    for (let j = (hole + 1) & mask; this.keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(this.keys[j]!);
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      this.keys[hole] = this.keys[j]!;
      this.values[hole] = this.values[j]!;
      hole = j;
    }
    this.keys[hole] = EMPTY;
    this.size--;
    return true;
  }

  /** Empties the map (keeps its capacity). */
  clear(): void {
    this.keys.fill(EMPTY);
    this.size = 0;
  }

  private home(key: number): number {
    return Math.imul(key, GOLDEN) >>> this.shift;
  }

  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    for (let i = this.home(key); this.keys[i] !== EMPTY; i = (i + 1) & mask) {
      if (this.keys[i] === key) return i;
    }
    return -1;
  }

  private grow(): void {
    const { keys, values } = this;
    this.shift--;
    this.keys = new Int32Array(keys.length * 2).fill(EMPTY);
    this.values = new Int32Array(keys.length * 2);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i]!, values[i]!);
  }
}
