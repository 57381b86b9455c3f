/**
 * The engine: which backend is active, how tensors are made from values, and `runKernel`, the one
 * door from ops to kernels. Ops never touch storage; backends never see Tensor objects.
 */
import { composePerms, inversePerm, materializeWatch, movesNothing, sameOrder, type StoredOrder } from '../tensor/layout.js';
import type { DataArray, DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { shapesEqual, shapeToString, sizeOf } from '../tensor/shape.js';
import { trackTensor } from '../tensor/scope.js';
import { reclaimIfImmediate } from '../tensor/reclamation.js';
import { liveTensorCount, Storage, Tensor } from '../tensor/tensor.js';
import type { Backend } from './backend.js';
import { installDefaultBackendNotice } from './default-notice.js';
import { createRefBackend } from './ref/ref-backend.js';
import type { KernelAttrs, KernelId, KernelOutput, KernelSpecs, MultiOutputKernelId, TensorInfo } from './kernels.js';

type BackendFactory = () => Backend;

/** Tensors by kernel input name: what an op passes to `runKernel`. */
export type TensorInputs<K extends KernelId> = {
  [P in keyof KernelSpecs[K]['inputs']]: KernelSpecs[K]['inputs'][P] extends TensorInfo[]
    ? Tensor[]
    : undefined extends KernelSpecs[K]['inputs'][P]
      ? Tensor | undefined
      : Tensor;
};

export interface MemoryInfo {
  /**
   * Live tensors made through the engine that hold a value (not yet released or collected): a
   * deferred one (a fused chain's intermediate not computed yet, or handed back) holds none and is not counted.
   */
  tensors: number;
  /** Live storage handles and bytes on the active backend. */
  handles: number;
  bytes: number;
}

/** The typed array that holds a dtype's values: what `makeTensorWith` hands to its fill callback. */
export type DataArrayOf<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

/** Optional observer of every kernel call (benchmarks and profilers). */
export type KernelObserver = (id: KernelId, ms: number) => void;

class Engine {
  private factories = new Map<string, { factory: BackendFactory; priority: number }>();
  private instances = new Map<string, Backend>();
  private active: Backend | null = null;
  /** Set while a `makeTensorWith` fill runs: making tensors then is an error (see there). */
  private filling = false;
  private kernelObserver: KernelObserver | null = null;
  /** True while the active backend is the default one, taken because no program chose one. */
  private chosenByDefault = false;
  /**
   * Shown each kernel run on a backend taken by default, until it returns true (the browser's
   * one-time notice that 'ref' runs because the wasm setup was never called; see default-notice.ts).
   */
  defaultBackendWatch: ((backend: string, id: KernelId) => boolean) | null = null;

  /** Told of every kernel call, the reorderings of permuted tensors (Transpose) included. */
  get observer(): KernelObserver | null {
    return this.kernelObserver;
  }

  set observer(observer: KernelObserver | null) {
    this.kernelObserver = observer;
    materializeWatch.observer = observer === null ? null : (ms) => observer('Transpose', ms);
  }

  registerBackend(name: string, factory: BackendFactory, priority = 0): void {
    this.factories.set(name, { factory, priority });
  }

  backendNames(): string[] {
    return [...this.factories.keys()];
  }

  setBackend(name: string): Backend {
    this.active = this.instance(name);
    this.chosenByDefault = false;
    return this.active;
  }

  get backend(): Backend {
    if (this.active === null) {
      const best = [...this.factories.entries()].sort((a, b) => b[1].priority - a[1].priority)[0];
      if (best === undefined) throw new Error('no backend registered: import fovea (or fovea/backend/ref) first');
      this.active = this.instance(best[0]);
      this.chosenByDefault = true;
    }
    return this.active;
  }

  /** A tensor holding a copy of `values`. */
  makeTensor(values: DataArray, shape: Shape, dtype: DType): Tensor {
    this.checkNotFilling('makeTensor');
    if (values.length !== sizeOf(shape)) {
      throw new Error(`tensor: ${values.length} values do not fill shape ${shapeToString(shape)} (${sizeOf(shape)} needed)`);
    }
    const backend = this.backend;
    return this.wrap(backend, { handle: backend.write(values, dtype), shape, dtype });
  }

  /**
   * A tensor whose storage the active backend allocates and `fill` writes in place, with no
   * full-size JS array in between: loaders of large data sets use it so the data exists once, in
   * backend memory (`makeTensor` needs it in a JS array first: twice the bytes at the peak).
   *
   * `fill` gets a writable view of the new storage, `sizeOf(shape)` elements (Float32Array for
   * float32, Int32Array for int32), whose contents are undefined (not necessarily zero): it must
   * set every element. The view is valid only during the call. `fill` must not keep it, make
   * tensors or run ops: an allocation may grow the wasm heap, and a view taken before the growth
   * no longer covers the whole heap (or is detached, for an unshared memory). Trying throws. If
   * `fill` throws, the storage is released and the error passes through.
   *
   * Example: `engine.makeTensorWith([n], 'float32', (v) => { for (let i = 0; i < n; i++) v[i] = bytes[i] / 255; })`
   */
  makeTensorWith<D extends DType>(shape: Shape, dtype: D, fill: (view: DataArrayOf<D>) => void): Tensor {
    this.checkNotFilling('makeTensorWith');
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`makeTensorWith: shape ${shapeToString(shape)} must have non-negative integer dimensions`);
    }
    const size = sizeOf(shape);
    if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`makeTensorWith: dtype must be 'float32' or 'int32', got '${String(dtype)}'`);
    const backend = this.backend;
    this.filling = true;
    try {
      const handle = backend.writeWith(size, dtype, fill as (view: DataArray) => void);
      return this.wrap(backend, { handle, shape: [...shape], dtype });
    } finally {
      this.filling = false;
    }
  }

  /**
   * A tensor that views `source`'s storage with another shape of the same size. A permuted source
   * stays permuted (row-major order is the same in any shape of the values): the view keeps the
   * stored order over the source's dims, so a flatten of an NHWC-stored NCHW tensor moves nothing.
   */
  makeView(source: Tensor, shape: Shape): Tensor {
    const storage = source.storage;
    if (storage === null) throw new Error(`${source.toString()} was released`);
    const t = new Tensor(storage, shape, source.dtype);
    t.setStoredOrder(source.storedOrder);
    this.track(t);
    return t;
  }

  /**
   * A tensor of `shape` over the values of `source`'s storage that start at element `offset`,
   * with no copy, or null when the backend cannot share a range (`Backend.subview`). The caller
   * checked that the range is contiguous in stored order (ops/slice-view.ts). The new storage
   * holds a reference to the source's, so the block lives as long as either tensor.
   */
  rangeView(source: Tensor, offset: number, shape: Shape): Tensor | null {
    const storage = source.storage;
    if (storage === null) throw new Error(`${source.toString()} was released`);
    const backend = storage.backend;
    if (backend.subview === undefined) return null;
    const size = sizeOf(shape);
    const view = new Storage(backend, backend.subview(storage.handle, offset, size), size * 4, storage);
    const t = new Tensor(view, shape, source.dtype);
    this.track(t);
    return t;
  }

  /**
   * `source` transposed by `perm` without moving values: a tensor over the same storage whose
   * layout (tensor/layout.ts) records the order. Values move only when something reads them in
   * order (`materialize`); a permutation that undoes the storage's order gives a plain view. A
   * source whose order permutes other dims (a kept reshape) is put in order first.
   */
  permuteView(source: Tensor, perm: readonly number[]): Tensor {
    if (source.storage === null) throw new Error(`${source.toString()} was released`);
    const order = source.storedOrder;
    const composable = order === null || shapesEqual(order.dims, source.shape);
    const storage = composable ? source.storage : source.orderedStorage();
    const shape = perm.map((axis) => source.shape[axis]!);
    const base = composable && order !== null ? order.layout : source.shape.map((_, i) => i);
    const layout = composePerms(base, inversePerm(perm));
    const t = new Tensor(storage, shape, source.dtype);
    if (!movesNothing(shape, layout)) t.layout = layout;
    this.track(t);
    return t;
  }

  /** Runs a single-output kernel (runKernelOutputs runs the others). */
  runKernel<K extends KernelId>(id: K, inputs: TensorInputs<K>, attrs: KernelAttrs<K>): Tensor {
    const backend = this.backend;
    const out = this.call(backend, id, inputs, attrs) as TensorInfo | TensorInfo[];
    // Typed callers cannot get here (KernelSpecs says which kernels return lists); untyped ones can.
    if (Array.isArray(out)) {
      for (const o of out) backend.free(o.handle);
      throw new Error(`runKernel: ${id} returns ${out.length} tensors; run it with runKernelOutputs`);
    }
    return this.wrap(backend, out);
  }

  /**
   * Runs an elementwise kernel on the stored values of inputs that all hold `like`'s stored order
   * (tensor/layout.ts) on the active backend; the output, of `like`'s shape, holds that order too.
   * No values are reordered and no view tensors are made.
   */
  runElementwiseInLayout<K extends KernelId>(id: K, inputs: TensorInputs<K>, attrs: KernelAttrs<K>, like: Tensor): Tensor {
    const infos: Record<string, TensorInfo> = {};
    for (const [name, t] of Object.entries(inputs as Record<string, Tensor>)) infos[name] = t.storedInfo();
    return this.wrapInOrder(this.runStored(id, infos, attrs) as TensorInfo, like.shape, like.storedOrder);
  }

  /**
   * Runs kernel `id` on inputs given as they are stored (`Tensor.storedInfo`, or a tensor's own
   * info), with no reordering and no move between backends: every input must be on the active
   * backend. Observed as any kernel call. The caller wraps the raw outputs (`wrapInOrder`).
   */
  runStored<K extends KernelId>(id: K, infos: Record<string, TensorInfo | TensorInfo[] | undefined>, attrs: KernelAttrs<K>): KernelOutput<K> {
    this.checkNotFilling(id);
    const backend = this.backend;
    const kernel = backend.kernels[id] as (i: typeof infos, a: KernelAttrs<K>) => KernelOutput<K>;
    if (this.observer === null) return kernel(infos, attrs);
    const t0 = performance.now();
    const out = kernel(infos, attrs);
    this.observer(id, performance.now() - t0);
    return out;
  }

  /**
   * `t`'s values on the active backend, stored in `order` (null: logical order), for `runStored`:
   * moved between backends and reordered (one Transpose) only when needed.
   */
  storedInfoIn(t: Tensor, order: StoredOrder | null): TensorInfo {
    if (order === null) return this.onBackend(t, this.backend);
    this.moveTo(t, this.backend);
    return this.inStoredOrder(t, order).storedInfo();
  }

  /** `t`'s values as a tensor whose storage holds `order`: `t` itself when it does, else a reordered copy (one Transpose). */
  inStoredOrder(t: Tensor, order: StoredOrder): Tensor {
    if (sameOrder(t.storedOrder, order)) return t;
    const copy = new Tensor(t.storageIn(order), t.shape, t.dtype);
    copy.setStoredOrder(order);
    this.track(copy);
    return copy;
  }

  /** A tensor of `shape` over a kernel's raw output, whose values are stored in `order`. */
  wrapInOrder(out: TensorInfo, shape: Shape, order: StoredOrder | null): Tensor {
    const t = new Tensor(new Storage(this.backend, out.handle, sizeOf(out.shape) * 4), shape, out.dtype);
    t.setStoredOrder(order);
    this.track(t);
    return t;
  }

  /** Runs a kernel whose KernelSpecs entry declares several outputs: one tensor per output, in order. */
  runKernelOutputs<K extends MultiOutputKernelId>(id: K, inputs: TensorInputs<K>, attrs: KernelAttrs<K>): Tensor[] {
    const backend = this.backend;
    const outs = this.call(backend, id, inputs, attrs) as TensorInfo[];
    return outs.map((o) => this.wrap(backend, o));
  }

  /** Moves the inputs to `backend` and runs kernel `id` there (timed when observed): its raw output. */
  private call<K extends KernelId>(backend: Backend, id: K, inputs: TensorInputs<K>, attrs: KernelAttrs<K>): KernelOutput<K> {
    this.checkNotFilling(id);
    if (this.chosenByDefault && this.defaultBackendWatch?.(backend.name, id) === true) this.defaultBackendWatch = null;
    const infos: Record<string, TensorInfo | TensorInfo[] | undefined> = {};
    for (const [name, value] of Object.entries(inputs as Record<string, Tensor | Tensor[] | undefined>)) {
      infos[name] = Array.isArray(value) ? value.map((t) => this.onBackend(t, backend)) : value && this.onBackend(value, backend);
    }
    const kernel = backend.kernels[id] as (i: typeof infos, a: KernelAttrs<K>) => KernelOutput<K>;
    if (this.observer === null) return kernel(infos, attrs);
    const t0 = performance.now();
    const out = kernel(infos, attrs);
    this.observer(id, performance.now() - t0);
    return out;
  }

  memory(): MemoryInfo {
    reclaimIfImmediate();
    const m = this.backend.memory();
    return { tensors: liveTensorCount(), handles: m.handles, bytes: m.bytes };
  }

  private wrap(backend: Backend, info: TensorInfo): Tensor {
    const bytes = sizeOf(info.shape) * 4;
    const t = new Tensor(new Storage(backend, info.handle, bytes), info.shape, info.dtype);
    this.track(t);
    return t;
  }

  private checkNotFilling(what: string): void {
    if (this.filling) {
      throw new Error(`makeTensorWith: the fill callback must not make tensors or run ops (it called ${what}); its view of backend memory is invalidated by allocations`);
    }
  }

  private track(t: Tensor): void {
    trackTensor(t);
  }

  /** A kernel input on the active backend: tensors made before a backend switch are moved once. */
  private onBackend(t: Tensor, backend: Backend): TensorInfo {
    this.moveTo(t, backend);
    // Before the kernel runs: reordering inside it would allocate within its call.
    return { handle: t.orderedStorage().handle, shape: t.shape, dtype: t.dtype };
  }

  /** Moves `t`'s storage to `backend` if it is elsewhere; the stored values move as they are, so the tensor keeps its order. */
  private moveTo(t: Tensor, backend: Backend): void {
    if (t.backend === backend) return;
    const s = t.storage!;
    const moved = backend.write(s.backend.read(s.handle, t.dtype, t.size).slice(), t.dtype);
    t.replaceStorage(new Storage(backend, moved, t.size * 4));
  }

  private instance(name: string): Backend {
    let b = this.instances.get(name);
    if (b === undefined) {
      const entry = this.factories.get(name);
      if (entry === undefined) {
        throw new Error(`unknown backend '${name}'; registered: ${this.backendNames().join(', ') || 'none'}`);
      }
      b = entry.factory();
      this.instances.set(name, b);
    }
    return b;
  }
}

/** The process-wide engine. */
export const engine = new Engine();
// 'ref', the specification, is always there: registered with the engine itself rather than by a
// module imported for its effect, which bundlers may drop from a package with "sideEffects" set.
// Node adds 'wasm' on top (node/wasm/register.ts), browsers through useWasmBackendInBrowser.
engine.registerBackend('ref', createRefBackend, 1);
installDefaultBackendNotice();

export function setBackend(name: string): void {
  engine.setBackend(name);
}

export function getBackend(): string {
  return engine.backend.name;
}

/**
 * Live tensors and backend bytes: tests assert this stays flat across epochs. Where unreachable
 * tensors can be reclaimed at once (Node), they are first, so the figures are what the program
 * still holds; elsewhere they include tensors awaiting collection.
 */
export function memory(): MemoryInfo {
  return engine.memory();
}
