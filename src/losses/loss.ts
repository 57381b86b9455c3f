/**
 * A loss maps (yTrue, yPred) to a scalar tensor: the mean over the batch. Either a function
 * (`categoricalCrossentropy`) or an object of a Loss class that holds its options, as Keras 3's
 * `keras.losses.CategoricalCrossentropy(from_logits=True)`:
 *
 *   model.compile({ optimizer: 'adam', loss: new losses.CategoricalCrossentropy({ fromLogits: true }) });
 */
import type { Tensor } from '../tensor/tensor.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * A loss before its reduction: one value per sample (per sample and position for maps), whose
 * mean is the loss. Sample and class weights scale these values (Keras's `reduction=None` output).
 */
export type UnreducedLossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * A loss as `compile` holds it: its Keras name, the batch loss, and its unreduced values when it
 * has them (null for a user's function, which weighted training then calls once per sample).
 */
export interface ResolvedLoss {
  name: string;
  fn: LossFn;
  unreduced: UnreducedLossFn | null;
}

/**
 * How per-sample losses become one number. Fovea's losses average over the batch, which is
 * Keras 3's default; the other Keras reductions are refused rather than silently ignored.
 */
export type Reduction = 'sum_over_batch_size';

/** The options every Loss class takes (Keras 3's, in camelCase). */
export interface LossOptions {
  /** Keras uses it for name scopes; Fovea keeps it for `getConfig()`. */
  name?: string;
  reduction?: Reduction;
}

export abstract class Loss {
  readonly name: string;
  readonly reduction: Reduction;

  /**
   * @param builtin the Keras name of the loss function this class applies ('categorical_crossentropy'),
   *   which `compile` logs, saves, and reads to choose what 'accuracy' means.
   */
  protected constructor(readonly builtin: string, options: LossOptions) {
    this.name = options.name ?? builtin;
    const reduction = options.reduction ?? 'sum_over_batch_size';
    if (reduction !== 'sum_over_batch_size') {
      throw new Error(`${this.constructor.name}: reduction ${JSON.stringify(reduction)} is not supported; Fovea's losses use 'sum_over_batch_size' (the mean over the batch, Keras's default)`);
    }
    this.reduction = reduction;
  }

  /** The loss of a batch: a scalar tensor. */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /**
   * The values `call` averages, when the class can give them (the built-in losses do): weighted
   * training scales them instead of calling `call` once per sample. A subclass of a built-in
   * loss that changes only `call` is weighted through `call` (getLoss sees the override).
   */
  unreduced?(yTrue: Tensor, yPred: Tensor): Tensor;

  /** The constructor options, with Keras's names in camelCase. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }
}
