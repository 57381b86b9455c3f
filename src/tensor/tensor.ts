/**
 * Tensor: an immutable view (shape, dtype) of backend-owned storage, plus its place in the
 * autograd graph. Users never free tensors: storage is released when no tensor can reach it any
 * more (garbage collection) or, inside `fit`/`predict`, when the step's scope ends (scope.ts).
 */
import type { Backend } from '../backend/backend.js';
import type { DataHandle, TensorInfo } from '../backend/kernels.js';
import type { DataArray, DType } from './dtype.js';
import { formatReleased, formatTensor } from './format.js';
import { inversePerm, type Layout, materializeWatch, permBetween, sameOrder, type StoredOrder, storedShape } from './layout.js';
import { forgetUnreachable, onUnreachable } from './reclamation.js';
import { giveToOwner, watchSoon } from './scope.js';
import type { Shape } from './shape.js';
import { shapesEqual, shapeToString, sizeOf } from './shape.js';

/** How a tensor was computed, for the reverse pass. */
export interface GradNode {
  /** The op that produced the tensor, for error messages and debugging. */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Exact gradients for each input given the upstream gradient (null: no gradient flows there). */
  readonly backward: (dy: Tensor) => readonly (Tensor | null)[];
  /**
   * Tensors only this rule reads: an op's private intermediates (a fused op's pre-pool output).
   * Nobody else can reach them, so they are released when `backward()` frees the graph, as
   * reference counting frees them in PyTorch, instead of waiting for the garbage collector.
   */
  readonly owned?: readonly Tensor[];
  /**
   * Optional: the same gradients, but input `into`'s added to `held`, the gradient that input
   * already gathered from its other consumers (a conv's input gradient adds it in its own output
   * pass: Conv2DBackpropInput's `accumulate`). The reverse pass calls it instead of `backward`
   * when such a gradient is waiting, and takes input `into`'s entry as the sum.
   */
  readonly backwardInto?: { readonly into: number; readonly backward: (dy: Tensor, held: Tensor) => readonly (Tensor | null)[] };
  /**
   * Optional, on a view of its one input (a transpose that only relabels axes): a gradient of the
   * input seen as one of this tensor, or null where that would move data. A rule with
   * `backwardInto` whose input is such a view may then take the gradient the view's source
   * already gathered (nn: a conv's NHWC view of a block input that a shortcut also reads).
   */
  readonly view?: (sourceGrad: Tensor) => Tensor | null;
}

/**
 * Backend storage shared by tensors that view the same data (reshape shares, never copies),
 * counted: each tensor viewing it holds one reference, and it is freed when the last one is given
 * back, by a release (step scopes, `using`) or by the collector's callback for a watched tensor
 * that became unreachable (`Tensor.watch`: one registration per tensor covers its storage too).
 * The callbacks hold no reference to the data itself, so JS-heap data (the reference backend's
 * arrays) is reclaimed by the garbage collector right away even in a loop that never yields.
 */
export class Storage {
  /** The reference count, apart from the storage so a collector callback can drop a reference without reaching the data. */
  readonly #count = new StorageCount();

  /**
   * `source`: the storage a borrowed handle (`Backend.subview`, a contiguous slice) lies in. It
   * holds one reference to it, given back with its own last reference, so the source's block
   * outlives every view of it whichever is released first.
   */
  constructor(
    readonly backend: Backend,
    readonly handle: DataHandle,
    readonly bytes: number,
    readonly source: Storage | null = null,
  ) {
    if (source !== null) this.#count.source = source.retain().counted();
  }

  retain(): this {
    this.#count.refs++;
    return this;
  }

  release(): void {
    const c = this.#count;
    if (--c.refs > 0 || c.freed) return;
    c.freed = true;
    this.backend.free(this.handle);
    if (this.source !== null) {
      // The collector's path (StorageCount.drop) must not give the same reference back again.
      c.source = null;
      this.source.release();
    }
  }

  /**
   * @internal The count, for a collector callback to give a reference back with (`StorageCount.drop`):
   * the backend's reclaimer it carries holds no reference to the data (the reference backend's
   * arrays are collected with their handle, even in a loop that never yields).
   */
  counted(): StorageCount {
    this.#count.reclaim ??= this.backend.reclaimer(this.handle);
    return this.#count;
  }

  /** Whether another tensor or storage shares this block (a view: more than one reference, or a range of another block). */
  get shared(): boolean {
    return this.#count.refs > 1 || this.source !== null;
  }
}

/** A Storage's references, and how its block is given back when the last goes at garbage collection. */
class StorageCount {
  refs = 0;
  freed = false;
  reclaim: (() => void) | null = null;
  /** The count of the storage a view's handle lies in (see `Storage`'s `source`). */
  source: StorageCount | null = null;

  drop(): void {
    if (--this.refs > 0 || this.freed) return;
    this.freed = true;
    this.reclaim?.();
    this.source?.drop();
  }
}

/**
 * The storage references a watched tensor holds, given back by its collector callback if the
 * tensor is collected unreleased (see `Tensor.watch`). It reaches neither the tensor (a reachable
 * tensor is never collected) nor the data (counts only).
 */
class HeldStorage {
  storage: StorageCount | null = null;
  ordered: StorageCount | null = null;
  /** Whether the tensor is in the live count (it holds a value: see `liveTensorCount`). */
  counted = true;
  readonly reclaim = (): void => {
    if (this.counted) liveTensors--;
    this.storage?.drop();
    this.ordered?.drop();
  };
}

/**
 * How a deferred tensor's value will be computed (src/plan defers the intermediates of fusable
 * chains): `resolve` must give `t` its value with `fulfil` before returning. Any read of the
 * tensor's storage, layout, logits or gradient node resolves it first, so a deferred tensor behaves
 * exactly as one computed at once; one that nothing reads is never computed.
 */
export interface Deferred {
  resolve(t: Tensor): void;
}

type LogitsOrigin = { readonly kind: 'softmax' | 'logSoftmax' | 'sigmoid'; readonly logits: Tensor; readonly axis: number };

// Counts tensors for memory(), through the same registry callback as their storage, so the count is as fresh.
let liveTensors = 0;

/**
 * Tensors holding a value, neither released nor garbage collected yet. A deferred tensor (a fused
 * chain's intermediate not computed yet, or handed back) holds no storage and is counted only
 * while it has its value: so it needs no registration with the collector while it has none (a
 * prediction's handed-back chain outputs were registered for nothing but this count).
 */
export function liveTensorCount(): number {
  return liveTensors;
}

let nextTensorId = 0;

/** A plain array copy of `shape`, by index: a spread allocated an iterator per tensor. */
function copyShape(shape: Shape): number[] {
  const out = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) out[i] = shape[i]!;
  return out;
}

/** Node's hook for `console.log` / `util.inspect`: a registered symbol, so no Node import. */
const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

export class Tensor implements TensorInfo {
  readonly id = nextTensorId++;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  /** Set on leaves whose gradient the user (or an optimizer) wants. */
  requiresGrad = false;
  /** @internal Set by `backward()` on a result whose graph it freed: a second pass through it throws (autograd/backward.ts). */
  graphFreed = false;
  #grad: Tensor | null = null;
  /** Whether `#grad` was read or given through the public `grad` (then only the collector may free it). */
  #gradShared = false;
  #gradNode: GradNode | null = null;
  #storage: Storage | null = null;
  #layout: Layout | null = null;
  #layoutDims: Shape | null = null;
  #logitsOrigin: LogitsOrigin | null = null;
  /** How this tensor's value will be computed, until it is (null: it has its value). */
  #deferred: Deferred | null = null;
  /**
   * @internal Whether the storage keeps its layout when values are read in order: parameters and
   * optimizer slots, which kernels and the optimizer read in stored order every step. Readers then
   * get a reordered copy (kept until the storage changes) instead of reordering the storage itself.
   */
  keepsLayout = false;
  /** The reordered copy readers of a `keepsLayout` tensor share, until the storage changes. */
  #ordered: Storage | null = null;
  /**
   * @internal The logits this tensor is the softmax or sigmoid of (Keras's `_keras_logits`), for
   * cross-entropy to start from them (ops/logits-origin.ts).
   */
  get logitsOrigin(): LogitsOrigin | null {
    // A deferred value that declared its logits (ops/lazy.ts) answers without being computed.
    if (this.#logitsOrigin === null) this.resolve();
    return this.#logitsOrigin;
  }

  set logitsOrigin(origin: LogitsOrigin | null) {
    this.#logitsOrigin = origin;
  }

  /**
   * @internal Use the creation functions (`tensor`, `zeros`, ops) instead. A tensor made with a
   * `Deferred` instead of storage gets its value when first read (`fulfil`).
   */
  constructor(storage: Storage | Deferred, shape: Shape, dtype: DType) {
    this.shape = Object.freeze(copyShape(shape));
    this.dtype = dtype;
    this.size = sizeOf(shape);
    if (storage instanceof Storage) {
      this.#storage = storage.retain();
      liveTensors++;
    } else {
      this.#deferred = storage;
    }
    // Not watched yet: the engine hands every tensor it makes to tensor/scope.ts (a step scope
    // releases it or watches it when it leaves; outside every scope it is watched at once), and
    // Variable watches itself. A tensor made otherwise must be released or watched by its maker.
  }

  /** Accumulated gradient of a leaf after `backward()` (PyTorch style). */
  get grad(): Tensor | null {
    if (!this.#gradShared) {
      // From now on user code may hold it past this tensor: the collector watches it on its own.
      this.#gradShared = true;
      this.holdOwnGrad(null);
      this.#grad?.watch();
    }
    return this.#grad;
  }

  /** Sets or clears (null) the gradient; a tensor given here stays the caller's. */
  set grad(g: Tensor | null) {
    this.replaceGrad(g, true);
  }

  /**
   * @internal A gradient Fovea made (backward) and nobody else holds: when it is replaced or
   * cleared (zeroGrad) before anyone read `grad`, its storage is released at once, as reference
   * counting frees it in PyTorch, instead of waiting for the garbage collector. A PyTorch-style
   * step leaves its weights' gradients behind each time: 0.7 MB for LeNet-5.
   */
  setOwnGrad(g: Tensor | null): void {
    this.replaceGrad(g, false);
  }

  /**
   * @internal Set on a tensor no user code can reach (an intermediate inside nn.Sequential between
   * two of Fovea's own modules): only the graph holds it, so `backward()` releases it when it frees
   * the graph, as it releases a rule's private tensors, instead of leaving it to the collector.
   */
  internal = false;

  /**
   * How the gradient this tensor owns (null: none, or one user code may hold) is given back if
   * this tensor is collected without being released: here it is watched on its own; a Variable,
   * registered with the collector anyway, releases it with its storage (no registration per step).
   */
  protected holdOwnGrad(g: Tensor | null): void {
    g?.watch();
  }

  /** @internal The gradient, for optimizers and backward: reading it here does not share it. */
  peekGrad(): Tensor | null {
    return this.#grad;
  }

  private replaceGrad(g: Tensor | null, shared: boolean): void {
    const old = this.#grad;
    if (old !== null && old !== g && !this.#gradShared) old.release();
    this.#grad = g;
    this.#gradShared = shared;
    if (g !== null && !shared) giveToOwner(g);
    this.holdOwnGrad(shared ? null : g);
  }

  /**
   * Stands for this tensor in the collector's registry (see `watch`): set once watched. A small
   * object of its own rather than the tensor, because V8's young-generation collector keeps every
   * registered object alive with all it references: a registered tensor would keep its gradient
   * graph (inputs, closures, other tensors) through each scavenge until a full collection, which
   * made an unscoped training step (a PyTorch-style loop) pay several ms per scavenge and promote
   * megabytes. The token dies with the tensor and costs a few bytes.
   */
  #liveToken: object | null = null;
  /** What the token's callback gives back: the storage references this tensor holds (null until watched). */
  #held: HeldStorage | null = null;
  /** Asked to be watched while deferred (no storage): watched once it gets its value. */
  #watchOnValue = false;

  /**
   * @internal Lets the garbage collector reclaim this tensor and its storage once unreachable:
   * for tensors that can outlive every step scope (tensor/scope.ts calls it). One registration
   * per tensor: its callback gives back the tensor's references to its storage (and reordered
   * copy), and storage is freed when its last reference goes. Each registration is a WeakCell in
   * V8's old space until a full collection; an nn step registered two per tensor before (the
   * tensor's token and its storage), 38 per seed-CNN step.
   */
  watch(): void {
    // The fields, not the getters: watching must not compute a deferred value.
    if (this.#liveToken !== null || this.#storage === null) {
      // Deferred: nothing to give back until it has a value; `fulfil` watches it then.
      this.#watchOnValue = this.#liveToken === null && this.#deferred !== null;
      return;
    }
    this.#liveToken = {};
    this.#held = new HeldStorage();
    onUnreachable(this.#liveToken, this.#held.reclaim);
    if (this.#storage !== null) this.watchStorage(this.#storage);
    this.#held.ordered = this.#ordered?.counted() ?? null;
  }

  /**
   * @internal Who gives a watched tensor's own storage reference back (at `watch` and each
   * `replaceStorage`, `fulfil`) if the tensor is collected: its token's callback. Variable
   * overrides it (its own registration releases all the storage it swaps in).
   */
  protected watchStorage(storage: Storage): void {
    if (this.#held !== null) this.#held.storage = storage.counted();
  }

  /** Points the token's callback at the storage this tensor now holds (null: none). */
  #holdForCollector(storage: Storage | null): void {
    if (this.#liveToken === null) return;
    if (storage === null) {
      if (this.#held !== null) this.#held.storage = null;
    } else {
      this.watchStorage(storage);
    }
  }

  /** @internal The node that produced this tensor, while a graph is being recorded. */
  get gradNode(): GradNode | null {
    this.resolve();
    return this.#gradNode;
  }

  set gradNode(node: GradNode | null) {
    this.#gradNode = node;
  }

  /** @internal null once released. */
  get storage(): Storage | null {
    this.resolve();
    return this.#storage;
  }

  set storage(storage: Storage | null) {
    this.#storage = storage;
  }

  /**
   * @internal The axis order the storage holds the values in (layout.ts): null for row-major in
   * `shape`'s order. Readers never see it: `handle`, `dataSync` and views put the values in order first.
   */
  get layout(): Layout | null {
    this.resolve();
    return this.#layout;
  }

  set layout(layout: Layout | null) {
    this.#layout = layout;
  }

  /**
   * @internal The shape `layout` permutes, when a reshape kept the stored order (layout.ts
   * `StoredOrder`): null for `shape` itself.
   */
  get layoutDims(): Shape | null {
    this.resolve();
    return this.#layoutDims;
  }

  set layoutDims(dims: Shape | null) {
    this.#layoutDims = dims;
  }

  /** @internal Released (no storage and no value to come): read without computing a deferred value. */
  get discarded(): boolean {
    return this.#storage === null && this.#deferred === null;
  }

  /**
   * @internal The bytes of storage only this tensor keeps alive: none for a view (the block is
   * shared) or a deferred tensor (no block yet). Read without computing a deferred value.
   */
  get soleBytes(): number {
    const storage = this.#storage;
    return storage === null || storage.shared ? 0 : storage.bytes;
  }

  /** @internal How this tensor's value will be computed, while it is deferred (null once it has its value). */
  get deferred(): Deferred | null {
    return this.#deferred;
  }

  /**
   * @internal Gives a deferred tensor the value of `value` (same shape and dtype): its storage,
   * stored order, logits and gradient node. A tensor that has its value, or was released, is left
   * as it is.
   */
  fulfil(value: Tensor): void {
    if (this.#deferred === null) return;
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new Error(`fulfil: a value of shape ${shapeToString(value.shape)} ${value.dtype} for ${this.describe()}`);
    }
    this.#deferred = null;
    const storage = value.storage;
    if (storage === null) throw new Error(`fulfil: the value for ${this.describe()} was released`);
    this.#storage = storage.retain();
    liveTensors++;
    if (this.#held !== null) this.#held.counted = true;
    // A handed-back tensor watched before: its token gives this reference back. One asked to be
    // watched while deferred waits with the tensors made outside scopes (released soon, never registered).
    this.#holdForCollector(storage);
    if (this.#watchOnValue) {
      this.#watchOnValue = false;
      watchSoon(this);
    }
    this.setStoredOrder(value.storedOrder);
    this.#logitsOrigin = value.logitsOrigin;
    this.#gradNode = value.gradNode;
  }

  /** @internal Computes a deferred value now (nothing to do when the tensor has its value). */
  compute(): void {
    this.resolve();
  }

  /** How to compute the value again once handed back (a deferred chain's output), or null. */
  #recompute: Deferred | null = null;
  /** The tensor this one took its value from (`fulfil`), which only the graph's rules hold. */
  #valueSource: Tensor | null = null;
  /** Whether the values were read out (dataSync and everything built on it). */
  #valuesRead = false;

  /** The handed-back map this tensor is a view of (a reshape), handed back with it. */
  #viewOf: Tensor | null = null;

  /**
   * @internal Lets `handBack` give the value back, to be computed again by `deferred` if read;
   * `source` is the tensor the value came from, released with it. `viewOf`: the map this tensor
   * views (a reshape of a chain's output), handed back with it: the consumer that hands the view
   * back consumed the map through it (the slide's `x = x.view(-1, 320)` before a Linear, where
   * `x`, the pooled map, was otherwise left to the collector: 320 KB per LeNet-5 batch of 256).
   */
  recomputable(deferred: Deferred, source: Tensor | null, viewOf: Tensor | null = null): void {
    this.#recompute = deferred;
    this.#valueSource = source;
    this.#viewOf = viewOf;
  }

  /** @internal Whether `handBack` may give this tensor's value back (it can compute it again). */
  get handsBack(): boolean {
    return this.#recompute !== null;
  }

  /**
   * @internal When `backward()` frees the graph, or (without a graph) when the next block consumed
   * it: a deferred chain's output (plan/deferred-chain.ts) whose values nobody read out gives its
   * storage back and becomes deferred again, so a forward's feature maps do not wait for the garbage
   * collector. Reading it later computes it again, exactly
   * (or throws, as any late first read of a fused intermediate does, once the weights changed).
   */
  handBack(): void {
    if (this.#recompute === null || this.#valuesRead || this.#deferred !== null || this.#storage === null || this.#gradNode !== null) return;
    this.forgetOrdered();
    this.#storage.release();
    this.#storage = null;
    liveTensors--;
    if (this.#held !== null) this.#held.counted = false;
    this.#holdForCollector(null);
    this.#valueSource?.release();
    this.#valueSource = null;
    this.#layout = null;
    this.#layoutDims = null;
    this.#logitsOrigin = null;
    this.#deferred = this.#recompute;
    this.#viewOf?.handBack();
  }

  /** Computes a deferred value now. */
  private resolve(): void {
    const deferred = this.#deferred;
    if (deferred === null) return;
    deferred.resolve(this);
    if (this.#deferred !== null) throw new Error(`${this.describe()}: its deferred value was not computed`);
  }

  get rank(): number {
    return this.shape.length;
  }

  get handle(): DataHandle {
    return this.orderedStorage().handle;
  }

  /** @internal The stored order (layout and the shape it permutes), or null for row-major in `shape`. */
  get storedOrder(): StoredOrder | null {
    return this.layout === null ? null : { layout: this.layout, dims: this.layoutDims ?? this.shape };
  }

  /** @internal Labels the storage as holding `order` (no values move): the caller knows it does. */
  setStoredOrder(order: StoredOrder | null): void {
    this.layout = order === null ? null : order.layout;
    this.layoutDims = order === null || shapesEqual(order.dims, this.shape) ? null : order.dims;
  }

  /** @internal The stored values as a row-major tensor of `shape` (the stored shape by default): no reordering. */
  storedInfo(shape?: Shape): TensorInfo {
    const order = this.storedOrder;
    return { handle: this.liveStorage().handle, shape: shape ?? (order === null ? this.shape : storedShape(order.dims, order.layout)), dtype: this.dtype };
  }

  /**
   * @internal Puts permuted values (`layout`) in logical order, once: one Transpose kernel into new
   * storage, which then replaces the permuted one. A tensor that `keepsLayout` is left as it is.
   */
  materialize(): void {
    const order = this.storedOrder;
    if (order === null || this.keepsLayout) return;
    const ordered = this.reordered(order, null);
    this.setStoredOrder(null);
    this.replaceStorage(ordered);
  }

  /** @internal Storage holding the values in logical order: this tensor's own, or a reordered copy when it `keepsLayout`. */
  orderedStorage(): Storage {
    const order = this.storedOrder;
    if (order === null) return this.liveStorage();
    if (!this.keepsLayout) {
      this.materialize();
      return this.liveStorage();
    }
    if (this.#ordered === null) {
      this.#ordered = this.reordered(order, null).retain();
      if (this.#held !== null) this.#held.ordered = this.#ordered.counted();
    }
    return this.#ordered;
  }

  /**
   * @internal Storage holding the values in `order` (null: logical): the tensor's own when it
   * already does, else a reordered copy (one Transpose); the tensor itself is not changed.
   */
  storageIn(order: StoredOrder | null): Storage {
    const mine = this.storedOrder;
    if (sameOrder(mine, order)) return this.liveStorage();
    if (order === null) return mine === null ? this.liveStorage() : this.reordered(mine, null);
    // From the same dims one Transpose reaches `order`; from others, through logical order.
    const from = mine !== null && shapesEqual(mine.dims, order.dims) ? mine : null;
    const source = from === null ? this.orderedStorage() : this.liveStorage();
    return this.reordered({ layout: from?.layout ?? order.dims.map((_, i) => i), dims: order.dims }, order.layout, source);
  }

  /**
   * Values held in `from` reordered into `to` (null: logical order) by one Transpose kernel, into
   * new storage; reported to `engine.observer` so kernel counts stay honest.
   */
  private reordered(from: StoredOrder, to: Layout | null, source: Storage = this.liveStorage()): Storage {
    const stored: TensorInfo = { handle: source.handle, shape: storedShape(from.dims, from.layout), dtype: this.dtype };
    const perm = to === null ? inversePerm(from.layout) : permBetween(from.layout, to);
    const t0 = materializeWatch.observer === null ? 0 : performance.now();
    const out = source.backend.kernels.Transpose({ x: stored }, { perm }) as TensorInfo;
    materializeWatch.observer?.(performance.now() - t0);
    return new Storage(source.backend, out.handle, this.size * 4);
  }

  get backend(): Backend {
    return this.liveStorage().backend;
  }

  /** True when gradients flow through this tensor (a leaf that wants them, or a recorded result). */
  get needsGrad(): boolean {
    return this.requiresGrad || this.gradNode !== null;
  }

  get isReleased(): boolean {
    return this.storage === null;
  }

  /** A copy of the values, row-major. */
  dataSync(): DataArray {
    this.#valuesRead = true;
    const s = this.orderedStorage();
    return s.backend.read(s.handle, this.dtype, this.size).slice();
  }

  async data(): Promise<DataArray> {
    return this.dataSync();
  }

  /** Nested JS arrays (a number for a rank-0 tensor). */
  arraySync(): unknown {
    const values = Array.from(this.dataSync());
    if (this.rank === 0) return values[0];
    const build = (axis: number, offset: number): unknown[] => {
      const n = this.shape[axis];
      const inner = sizeOf(this.shape.slice(axis + 1));
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) {
        out.push(axis === this.rank - 1 ? values[offset + i] : build(axis + 1, offset + i * inner));
      }
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item(): tensor of shape ${shapeToString(this.shape)} has ${this.size} values, expected 1`);
    return this.dataSync()[0];
  }

  /**
   * The values as PyTorch prints them (`tensor([[1., 2.], [3., 4.]])` over lines, summarised with
   * '...' past 1000 elements, `dtype=int32` when not float32); see format.ts. A released tensor
   * says so instead of throwing, so printing never fails.
   */
  toString(): string {
    if (this.storage === null) return formatReleased(this.shape, this.dtype);
    const suffixes = this.gradNode !== null ? [`gradFn=<${this.gradNode.op}>`] : this.requiresGrad ? ['requiresGrad=true'] : [];
    return formatTensor({ shape: this.shape, dtype: this.dtype, values: this.dataSync(), suffixes });
  }

  /** Writes `toString()` to the console. */
  print(): void {
    console.log(this.toString());
  }

  /** `console.log(t)` and `util.inspect(t)` in Node print the values, not the internals. */
  [inspectCustom](): string {
    return this.toString();
  }

  /** Shape and dtype only, for error messages (which must not read or print the values). */
  private describe(): string {
    return `Tensor(shape=${shapeToString(this.shape)}, dtype=${this.dtype})`;
  }

  /** @internal Gives back this tensor's storage reference now instead of at garbage collection. */
  release(): void {
    if (this.#deferred !== null) {
      // Released before anything read it (or after it was handed back): it is never computed, and was not counted.
      this.#deferred = null;
      this.#watchOnValue = false;
      this.#forgetToken();
      return;
    }
    if (this.storage === null) return;
    this.#forgetToken();
    // A gradient nobody else holds goes with its leaf.
    if (!this.#gradShared) this.replaceGrad(null, true);
    this.forgetOrdered();
    this.storage.release();
    this.storage = null;
    this.gradNode = null;
    liveTensors--;
  }

  /** Unregisters the token: released explicitly, this tensor's references are given back here, not by the collector. */
  #forgetToken(): void {
    if (this.#liveToken === null) return;
    forgetUnreachable(this.#liveToken);
    this.#held = null;
  }

  /**
   * Releases the storage when a `using` declaration's block ends (`using y = add(x, x);`): for
   * synchronous hot loops that must not wait for the garbage collector. Reading y afterwards throws.
   */
  [Symbol.dispose](): void {
    this.release();
  }

  /** @internal Points this tensor at other storage (variables, optimizer updates). */
  replaceStorage(storage: Storage): void {
    storage.retain();
    if (this.storage === null) throw new Error(`${this.describe()} was released and cannot take new values`);
    this.#holdForCollector(storage);
    this.forgetOrdered();
    this.storage.release();
    this.storage = storage;
  }

  private forgetOrdered(): void {
    this.#ordered?.release();
    this.#ordered = null;
    if (this.#held !== null) this.#held.ordered = null;
  }

  private liveStorage(): Storage {
    if (this.storage === null) {
      throw new Error(`${this.describe()} was released: it belonged to a finished training or prediction step; copy what you need with dataSync() inside the step`);
    }
    return this.storage;
  }
}
