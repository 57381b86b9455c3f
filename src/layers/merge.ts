/**
 * The merge layers of Keras 3, called on a list of tensors (symbolic or real):
 *   Add, Multiply, Average: elementwise over inputs of the same shape (size-1 axes broadcast);
 *   Concatenate({ axis = -1 }): joined along `axis`, every other axis equal.
 * Example (a residual connection): `const y = new Add().apply([x, block(x)])`.
 */
import { add, div, mul } from '../ops/binary.js';
import { concat } from '../ops/shape-ops.js';
import { ADD, type Stage } from '../plan/stage.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type LayerInput, type ShapeInput, type SymbolicShape } from './layer.js';

const fmt = (shapes: readonly SymbolicShape[]): string => shapes.map(shapeToString).join(', ');

abstract class Merge extends Layer {
  protected shapesOf(input: ShapeInput): SymbolicShape[] {
    const list = Array.isArray(input[0]) || input.length === 0 ? (input as SymbolicShape[]) : null;
    if (list === null || list.length < 1) {
      throw new Error(`${this.where}: a merge layer must be called on a list of tensors, got one of shape ${shapeToString(input as SymbolicShape)}`);
    }
    return list;
  }

  protected listOf(x: LayerInput): Tensor[] {
    if (!Array.isArray(x)) throw new Error(`${this.where}: a merge layer must be called on a list of tensors, got one of shape ${shapeToString(x.shape)}`);
    return x;
  }
}

/** Shape of an elementwise merge, axes of size 1 broadcasting as in Keras. */
function broadcastShape(shapes: readonly SymbolicShape[], where: string): SymbolicShape {
  if (shapes.some((s) => s.length !== shapes[0].length)) throw new Error(`${where}: inputs must have the same rank, got ${fmt(shapes)}`);
  return shapes[0].map((_, i) => {
    const sizes = shapes.map((s) => s[i]);
    const known = [...new Set(sizes.filter((d): d is number => d !== null && d !== 1))];
    if (known.length > 1) throw new Error(`${where}: inputs must have matching shapes (or size 1 to broadcast), got ${fmt(shapes)}`);
    if (known.length === 1) return known[0];
    return sizes.some((d) => d === null) ? null : 1;
  });
}

abstract class ElementwiseMerge extends Merge {
  override assertInputShape(input: ShapeInput): void {
    broadcastShape(this.shapesOf(input), this.where);
  }

  computeOutputShape(input: ShapeInput): SymbolicShape {
    return broadcastShape(this.shapesOf(input), this.where);
  }
}

export class Add extends ElementwiseMerge {
  override get className(): string {
    return 'Add';
  }
  /** The planner's view: a residual join that a conv or batch norm before it may add in its kernel (src/plan). */
  protected override stage(_training: boolean): Stage {
    return ADD;
  }
  call(x: LayerInput, _options?: CallOptions): Tensor {
    return this.listOf(x).reduce((a, b) => add(a, b));
  }
}

export class Multiply extends ElementwiseMerge {
  override get className(): string {
    return 'Multiply';
  }
  call(x: LayerInput, _options?: CallOptions): Tensor {
    return this.listOf(x).reduce((a, b) => mul(a, b));
  }
}

export class Average extends ElementwiseMerge {
  override get className(): string {
    return 'Average';
  }
  call(x: LayerInput, _options?: CallOptions): Tensor {
    const xs = this.listOf(x);
    return div(xs.reduce((a, b) => add(a, b)), xs.length);
  }
}

export class Concatenate extends Merge {
  readonly axis: number;

  constructor(options: LayerArgs & { axis?: number } = {}) {
    super(options);
    this.axis = options.axis ?? -1;
  }

  override get className(): string {
    return 'Concatenate';
  }

  private resolvedAxis(rank: number, shapes: readonly SymbolicShape[]): number {
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 1 || a >= rank) throw new Error(`${this.where}: axis ${this.axis} is not a feature axis of inputs ${fmt(shapes)}`);
    return a;
  }

  computeOutputShape(input: ShapeInput): SymbolicShape {
    const shapes = this.shapesOf(input);
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) throw new Error(`${this.where}: inputs must have the same rank, got ${fmt(shapes)}`);
    const a = this.resolvedAxis(rank, shapes);
    return shapes[0].map((_, i) => {
      const sizes = shapes.map((s) => s[i]);
      if (i === a) return sizes.some((d) => d === null) ? null : (sizes as number[]).reduce((p, q) => p + q, 0);
      const known = [...new Set(sizes.filter((d) => d !== null))];
      if (known.length > 1 && i > 0) throw new Error(`${this.where}: inputs must match on every axis but ${this.axis}, got ${fmt(shapes)}`);
      return known.length === 1 ? known[0] : null;
    });
  }

  override assertInputShape(input: ShapeInput): void {
    this.computeOutputShape(input);
  }

  call(x: LayerInput, _options?: CallOptions): Tensor {
    const xs = this.listOf(x);
    return concat(xs, this.resolvedAxis(xs[0].rank, xs.map((t) => t.shape)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
