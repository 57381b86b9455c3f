/**
 * The parameterised activation layers of Keras 3 (no weights; output shape = input shape):
 *   ReLU({ maxValue, negativeSlope = 0, threshold = 0 }):
 *       maxValue if x >= maxValue; x if threshold <= x; negativeSlope * (x - threshold) otherwise
 *   LeakyReLU({ negativeSlope = 0.3 }), ELU({ alpha = 1 }), Softmax({ axis = -1 })
 * Example: `new LeakyReLU({ negativeSlope: 0.1 })` after a Conv2D without activation.
 */
import { greaterEqual, minimum, mul, sub } from '../ops/binary.js';
import { where } from '../ops/shape-ops.js';
import { softmax } from '../ops/softmax.js';
import { elu, leakyRelu, relu, relu6 } from '../ops/unary.js';
import { OPAQUE, RELU, RELU6, type Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/** Shared body: elementwise, shape-preserving, no weights. */
abstract class ElementwiseLayer extends Layer {
  computeOutputShape(s: SymbolicShape): SymbolicShape {
    return s;
  }
}

function finite(v: number, name: string, where: string, min = -Infinity): number {
  if (!Number.isFinite(v) || v < min) throw new Error(`${where}: ${name} must be a finite number >= ${min}, got ${v}`);
  return v;
}

export interface ReLUOptions extends LayerArgs {
  maxValue?: number | null;
  negativeSlope?: number;
  threshold?: number;
}

export class ReLU extends ElementwiseLayer {
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(options: ReLUOptions = {}) {
    super(options);
    this.maxValue = options.maxValue === undefined || options.maxValue === null ? null : finite(options.maxValue, 'maxValue', this.where, 0);
    this.negativeSlope = finite(options.negativeSlope ?? 0, 'negativeSlope', this.where, 0);
    this.threshold = finite(options.threshold ?? 0, 'threshold', this.where);
  }

  override get className(): string {
    return 'ReLU';
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    // Keras 3 takes its native relu6 for maxValue 6 without threshold or slope: one kernel each
    // way (relu then minimum ran four, with the gradient 0 at x = 6 as relu6's, not minimum's 1).
    if (this.maxValue === 6 && this.threshold === 0 && this.negativeSlope === 0) return relu6(x);
    let y: Tensor;
    if (this.threshold === 0 && this.negativeSlope === 0) y = relu(x);
    else if (this.threshold === 0) y = leakyRelu(x, this.negativeSlope);
    else y = where(greaterEqual(x, this.threshold), x, mul(sub(x, this.threshold), this.negativeSlope));
    return this.maxValue === null ? y : minimum(y, this.maxValue);
  }

  /** Plain max(x, 0) (the defaults) and relu6 (maxValue 6) are relu stages the planner may fuse into a conv. */
  protected override stage(): Stage {
    if (this.negativeSlope !== 0 || this.threshold !== 0) return OPAQUE;
    return this.maxValue === null ? RELU : this.maxValue === 6 ? RELU6 : OPAQUE;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}

export class LeakyReLU extends ElementwiseLayer {
  readonly negativeSlope: number;

  constructor(options: LayerArgs & { negativeSlope?: number } = {}) {
    super(options);
    this.negativeSlope = finite(options.negativeSlope ?? 0.3, 'negativeSlope', this.where, 0);
  }

  override get className(): string {
    return 'LeakyReLU';
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}

export class ELU extends ElementwiseLayer {
  readonly alpha: number;

  constructor(options: LayerArgs & { alpha?: number } = {}) {
    super(options);
    this.alpha = finite(options.alpha ?? 1, 'alpha', this.where);
  }

  override get className(): string {
    return 'ELU';
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return elu(x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export class Softmax extends ElementwiseLayer {
  readonly axis: number;

  constructor(options: LayerArgs & { axis?: number } = {}) {
    super(options);
    this.axis = options.axis ?? -1;
  }

  override get className(): string {
    return 'Softmax';
  }

  override assertInputShape(s: SymbolicShape): void {
    if (this.axis >= s.length || this.axis < -s.length || this.axis === 0 || this.axis === -s.length) {
      throw this.shapeError(`a feature axis ${this.axis} (not the batch axis)`, s);
    }
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return softmax(x, this.axis);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
