/**
 * The order of each pass over a subset of an image folder, in a buffer kept between passes: a new
 * Int32Array per pass would free one as large as the subset every epoch, and freeing a block of
 * 128 KiB or more raises glibc's mmap threshold for every thread for good (file-list.ts). A pass
 * that starts while another one holds the buffer gets its own.
 */
import { Random } from '../../tensor/random.js';

export class PassOrders {
  private spare: Int32Array | null = null;

  constructor(private readonly n: number) {}

  /** The positions 0..n-1 shuffled by `Random(seed)` (as its `permutation(n)`); `give` it back when the pass ends. */
  take(seed: number): Int32Array {
    const order = this.spare ?? new Int32Array(this.n);
    this.spare = null;
    return new Random(seed).permutationInto(order);
  }

  give(order: Int32Array): void {
    this.spare = order;
  }
}
