/**
 * InputLayer: declares the shape of one sample for a Sequential model; passes data through.
 * Like Keras 3, a Sequential model keeps it out of `layers` and `summary()`.
 *
 * Example: `model.add(new InputLayer({ shape: [28, 28, 1] }))`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

export interface InputLayerOptions extends LayerArgs {
  /** Keras 3's name for `inputShape`: the shape of one sample, without the batch axis. */
  shape?: readonly number[];
  batchInputShape?: SymbolicShape;
}

function sampleShape(o: InputLayerOptions): { inputShape: readonly number[]; batchSize?: number } {
  if (o.batchInputShape !== undefined) {
    const [batch, ...rest] = o.batchInputShape;
    if (rest.some((d) => d === null)) throw new Error(`InputLayer: only the batch axis may be unknown, got ${JSON.stringify(o.batchInputShape)}`);
    return { inputShape: rest as number[], batchSize: batch ?? undefined };
  }
  const inputShape = o.shape ?? o.inputShape;
  if (inputShape === undefined) throw new Error('InputLayer: needs `shape` (the shape of one sample, e.g. [28, 28, 1])');
  return { inputShape, batchSize: o.batchSize };
}

export class InputLayer extends Layer {
  constructor(options: InputLayerOptions) {
    super({ ...options, ...sampleShape(options) });
  }

  override get className(): string {
    return 'InputLayer';
  }

  /** The full input shape, batch axis first (null when unknown). */
  get shape(): SymbolicShape {
    return this.batchInputShape as SymbolicShape;
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  call(x: Tensor, _options?: CallOptions): Tensor {
    return x;
  }
}
