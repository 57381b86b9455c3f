/** Kernel input helpers: float32 pointers for inputs that the reference accepts as int32 too. */
import type { TensorInfo } from '../../kernels.js';
import { sizeOf } from '../../../tensor/shape.js';
import type { WasmContext } from '../context.js';
import { ptrOf } from '../heap.js';

/** Scratch blocks of one kernel call, released together. */
export class Temps {
  private readonly blocks: { ptr: number; size: number }[] = [];
  constructor(private readonly ctx: WasmContext) {}

  alloc(bytes: number): number {
    const s = this.ctx.heap.scratch(bytes);
    this.blocks.push(s);
    return s.ptr;
  }

  /** Pointer to t's values as float32 (int32 tensors are converted into a temporary). */
  f32(t: TensorInfo): number {
    if (t.dtype === 'float32') return ptrOf(t);
    const n = sizeOf(t.shape);
    const p = this.alloc(n * 4);
    const heap = this.ctx.heap;
    heap.f32.set(heap.view(t.handle, 'int32', n), p >> 2);
    return p;
  }

  release(): void {
    for (const b of this.blocks) this.ctx.heap.releaseScratch(b);
    this.blocks.length = 0;
  }
}
