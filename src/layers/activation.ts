/**
 * Activation: applies a named activation elementwise; the output shape is the input shape.
 * Example: `new Activation('softmax')` after a Dense without activation.
 */
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationName, getActivation, type ResolvedActivation } from './activations.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { OPAQUE, RELU, RELU6, type Stage } from '../plan/stage.js';

export class Activation extends Layer {
  readonly activation: ResolvedActivation;

  constructor(activation: ActivationName, options: LayerArgs = {}) {
    super(options);
    this.activation = getActivation(activation, this.where);
  }

  override get className(): string {
    return 'Activation';
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return this.activation.fn(x);
  }

  protected override stage(): Stage {
    const name = this.activation.name;
    return name === 'relu' ? RELU : name === 'relu6' ? RELU6 : OPAQUE;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
}
