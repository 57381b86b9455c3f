/**
 * A Variable is a tensor whose values change in place (weights, optimizer slots): the same object
 * stays the graph leaf and the key of optimizer state while `assign` swaps its storage.
 *
 * A variable may hold its values in a permuted order (`holdLayout`, tensor/layout.ts): PyTorch-style
 * conv weights are OIHW to the user and HWIO in storage, the kernels' order. It keeps that order:
 * reading it in order (dataSync, saving, a kernel that needs it) reads a reordered copy, and
 * assigning a value stores it in the variable's order.
 */
import type { StoredOrder } from './layout.js';
import { onUnreachable } from './reclamation.js';
import { shapeToString, shapesEqual, sizeOf } from './shape.js';
import { type Storage, Tensor } from './tensor.js';

let nextVariableId = 0;

export class Variable extends Tensor {
  readonly name: string;
  trainable: boolean;

  constructor(initial: Tensor, name = `variable_${nextVariableId++}`, trainable = true) {
    if (initial.storage === null) throw new Error(`Variable ${name}: initial value was released`);
    super(initial.orderedStorage(), initial.shape, initial.dtype);
    this.keepsLayout = true;
    this.name = name;
    this.trainable = trainable;
    this.requiresGrad = trainable;
    // Weights and optimizer slots outlive any step scope they are made in.
    this.watch();
  }

  #version = 0;

  /**
   * The storage this variable holds, released by the variable's one registration with the garbage
   * collector (tensor/reclamation.ts) when the variable becomes unreachable. Every optimizer step
   * swaps a variable's storage: registering each new storage on its own (and unregistering the
   * old) cost a WeakCell and a registry entry in V8's old space per variable per step, garbage
   * until the next full collection, and young objects those dead cells pointed to were promoted
   * with them. Other tensors viewing the same storage still watch it themselves.
   */
  readonly #held: { storage: Storage | null; grad: Tensor | null } = { storage: null, grad: null };
  #registered = false;

  protected override watchStorage(storage: Storage): void {
    this.#held.storage = storage;
    if (this.#registered) return;
    this.#registered = true;
    const held = this.#held;
    onUnreachable(this, () => {
      held.storage?.release();
      held.grad?.release();
    });
  }

  /**
   * The gradient backward() gave this variable, until it is replaced or user code reads it: freed
   * by the one registration above if the variable is collected, so the gradients of a
   * PyTorch-style step need none of their own (16 fewer per LeNet-5 step).
   */
  protected override holdOwnGrad(g: Tensor | null): void {
    this.#held.grad = g;
  }

  /**
   * Counts the times the values were replaced (assign, optimizer steps, setWeights, a move to
   * another backend): what a cache of values derived from this variable (a folded conv weight,
   * src/plan/conv-bn-fold.ts) keys on, so it is never read stale.
   */
  get version(): number {
    return this.#version;
  }

  override replaceStorage(storage: Storage): void {
    super.replaceStorage(storage);
    this.#version++;
  }

  /** Takes the values of `value` (same shape and dtype), in this variable's stored order: no copy when `value` holds that order. */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new Error(`Variable ${this.name}: assign expected ${shapeToString(this.shape)} ${this.dtype}, got ${shapeToString(value.shape)} ${value.dtype}`);
    }
    if (value.storage === null) throw new Error(`Variable ${this.name}: assigned value was released`);
    this.replaceStorage(value.storageIn(this.storedOrder));
  }

  /**
   * @internal Stores the values in `order` from now on (null: row-major): a deliberate relayout,
   * one Transpose now so that kernels read the storage as it is at every later step.
   */
  holdLayout(order: StoredOrder | null): void {
    if (order !== null && (sizeOf(order.dims) !== this.size || order.layout.length !== order.dims.length)) {
      throw new Error(`Variable ${this.name}: stored order over dims ${shapeToString(order.dims)} does not fit shape ${shapeToString(this.shape)}`);
    }
    const storage = this.storageIn(order);
    this.replaceStorage(storage);
    this.setStoredOrder(order);
  }
}
