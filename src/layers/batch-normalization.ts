/**
 * BatchNormalization (Keras 3): normalizes each feature along `axis` (default -1, the channels).
 *   training:  y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta, with the batch's mean and
 *              (biased) variance over every other axis; then
 *              moving = moving * momentum + batch_statistic * (1 - momentum)
 *   inference: the same with the moving mean and variance.
 * Defaults as Keras: momentum 0.99, epsilon 1e-3. Weights gamma, beta (trainable) and movingMean,
 * movingVariance (non-trainable): 4 * C parameters, 2 * C of them non-trainable. A frozen layer
 * (trainable = false) always runs in inference mode, as in Keras 3.
 *
 * Example: `new BatchNormalization()` on [None, 26, 26, 32] has 128 params (64 non-trainable).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { batchNormMovingUpdate, batchNormTraining } from '../ops/batch-norm.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape-ops.js';
import type { FusedActivation } from '../backend/kernels.js';
import { relu as reluOp, relu6 as relu6Op, sqrt, square } from '../ops/unary.js';
import { FoldedWeightsCache } from '../plan/conv-bn-fold.js';
import type { BatchNormStage, Stage } from '../plan/stage.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import type { ConstraintSpec } from './constraints.js';
import { type InitializerArg, weightConfig, type WeightSpec, weightSpec } from './conv-options.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import type { RegularizerSpec } from './regularizers.js';

export interface BatchNormalizationOptions extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerArg;
  gammaInitializer?: InitializerArg;
  movingMeanInitializer?: InitializerArg;
  movingVarianceInitializer?: InitializerArg;
  betaRegularizer?: RegularizerSpec | null;
  gammaRegularizer?: RegularizerSpec | null;
  betaConstraint?: ConstraintSpec | null;
  gammaConstraint?: ConstraintSpec | null;
}

export class BatchNormalization extends Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly specs: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', WeightSpec>;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private rank = 0;
  readonly #folded = new FoldedWeightsCache();

  constructor(options: BatchNormalizationOptions = {}) {
    super(options);
    this.axis = options.axis ?? -1;
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${this.where}: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new Error(`${this.where}: epsilon must be positive, got ${this.epsilon}`);
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    const o = options;
    this.specs = {
      beta: weightSpec(o.betaInitializer, 'zeros', o.betaRegularizer, o.betaConstraint, this.where),
      gamma: weightSpec(o.gammaInitializer, 'ones', o.gammaRegularizer, o.gammaConstraint, this.where),
      movingMean: weightSpec(o.movingMeanInitializer, 'zeros', null, null, this.where),
      movingVariance: weightSpec(o.movingVarianceInitializer, 'ones', null, null, this.where),
    };
  }

  override get className(): string {
    return 'BatchNormalization';
  }

  override assertInputShape(shape: SymbolicShape): void {
    if (shape.length < 2) throw this.shapeError('a rank >= 2 input', shape);
    const a = normalizeAxis(this.axis, shape.length, this.where);
    const built = this.movingMean?.shape[0];
    if (shape[a] === null || (built !== undefined && shape[a] !== built)) {
      throw this.shapeError(`a known size ${built ?? ''} on axis ${this.axis}`.replace('  ', ' '), shape);
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.assertInputShape(inputShape);
    this.rank = inputShape.length;
    const c = [inputShape[normalizeAxis(this.axis, this.rank, this.where)] as number];
    const s = this.specs;
    if (this.scale) this.gamma = this.addWeight('gamma', c, s.gamma.initializer, { regularizer: s.gamma.regularizer, constraint: s.gamma.constraint });
    if (this.center) this.beta = this.addWeight('beta', c, s.beta.initializer, { regularizer: s.beta.regularizer, constraint: s.beta.constraint });
    this.movingMean = this.addWeight('moving_mean', c, s.movingMean.initializer, false);
    this.movingVariance = this.addWeight('moving_variance', c, s.movingVariance.initializer, false);
    super.build(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.assertInputShape(inputShape);
    return inputShape;
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    return this.normalize(x, options.training === true, 'linear');
  }

  /**
   * The layer's output, plus `residual` (a residual block's shortcut) when given, then the
   * activation (all fused into the kernels on the channels-last training path).
   */
  private normalize(x: Tensor, training: boolean, activation: FusedActivation, residual: Tensor | null = null, meanShift: Tensor | null = null): Tensor {
    if (this.movingMean === null || this.movingVariance === null) throw new Error(`${this.where} is not built`);
    const a = normalizeAxis(this.axis, x.rank, this.where);
    if (training && this.trainable && a === x.rank - 1) {
      // Channels-last (the usual case): one kernel each way instead of a chain of elementwise ops.
      // A meanShift (convBnTrain: the conv's bias) changes only the statistics the moving mean follows.
      const { y, mean: batchMean, variance: batchVariance } = batchNormTraining(x, this.gamma, this.beta, this.epsilon, activation, residual, meanShift);
      this.updateMoving(batchMean, batchVariance, meanShift);
      return y;
    }
    if (meanShift !== null) x = add(x, reshape(meanShift, x.shape.map((d, i) => (i === a ? d : 1))));
    const normalized = this.composed(x, a, training && this.trainable);
    const y = residual === null ? normalized : add(normalized, residual);
    return activation === 'relu' ? reluOp(y) : activation === 'relu6' ? relu6Op(y) : y;
  }

  /** Any axis, from elementwise ops: batch statistics in training, the moving ones otherwise. */
  private composed(x: Tensor, a: number, training: boolean): Tensor {
    const broadcast = x.shape.map((d, i) => (i === a ? d : 1));
    const view = (t: Tensor): Tensor => reshape(t, broadcast);
    let centered: Tensor;
    let variance: Tensor;
    if (training) {
      const axes = x.shape.map((_, i) => i).filter((i) => i !== a);
      const batchMean = mean(x, axes, true);
      centered = sub(x, batchMean);
      variance = mean(square(centered), axes, true);
      this.updateMoving(batchMean, variance);
    } else {
      centered = sub(x, view(this.movingMean as Variable));
      variance = view(this.movingVariance as Variable);
    }
    let y = div(centered, sqrt(add(variance, this.epsilon)));
    if (this.gamma !== null) y = mul(y, view(this.gamma));
    if (this.beta !== null) y = add(y, view(this.beta));
    return y;
  }

  /**
   * The planner's view (src/plan): a relu after it may run in its training kernels
   * (batchNormRelu); in inference (not training, or frozen) on a 4-D input normalized over its
   * channels, a conv before it may take it into its weights (convBnFold, plan/conv-bn-fold.ts).
   */
  protected override stage(training: boolean): Stage {
    const { movingMean, movingVariance } = this;
    const inference = !(training && this.trainable);
    if (!inference || this.rank !== 4 || movingMean === null || movingVariance === null) return this.trainingStage(null, !inference);
    const runWithRelu = (x: Tensor, t: boolean, activation: FusedActivation): Tensor => this.normalize(x, t, activation);
    const a = normalizeAxis(this.axis, this.rank, this.where);
    if (a !== 1 && a !== 3) return { kind: 'batchNorm', runWithRelu };
    const statistics = { gamma: this.gamma, beta: this.beta, mean: movingMean, variance: movingVariance, epsilon: this.epsilon };
    return { kind: 'batchNorm', runWithRelu, dataFormat: a === 3 ? 'channelsLast' : 'channelsFirst', fold: (weights) => this.#folded.fold(weights, statistics) };
  }

  /**
   * The stage in training (batch statistics), normalizing x + meanShift when one is given: the
   * output is the same (the norm subtracts each channel's batch mean), the moving mean follows
   * mean + meanShift. In training on a 4-D channels-last input (the kernels' path) it also offers
   * `withMeanShift` (convBnTrain).
   */
  private trainingStage(meanShift: Tensor | null, training: boolean): BatchNormStage {
    const stage: BatchNormStage = {
      kind: 'batchNorm',
      runWithRelu: (x, t, activation) => this.normalize(x, t, activation, null, meanShift),
      runWithResidual: (x, t, activation, residual) => this.normalize(x, t, activation, residual, meanShift),
    };
    if (meanShift !== null || !training || this.rank !== 4 || normalizeAxis(this.axis, 4, this.where) !== 3) return stage;
    return Object.assign(stage, { dataFormat: 'channelsLast', withMeanShift: (shift: Tensor) => this.trainingStage(shift, true) } as const);
  }

  private updateMoving(batchMean: Tensor, batchVariance: Tensor, meanShift: Tensor | null = null): void {
    const [movingMean, movingVariance] = [this.movingMean as Variable, this.movingVariance as Variable];
    const C = movingMean.shape;
    const rule = { keep: this.momentum, blend: 1 - this.momentum, varianceScale: 1 };
    noGrad(() => {
      const [m, v] = batchNormMovingUpdate(movingMean, movingVariance, reshape(batchMean, C), reshape(batchVariance, C), rule, meanShift === null ? null : reshape(meanShift, C));
      movingMean.assign(m);
      movingVariance.assign(v);
    });
  }

  override getConfig(): Record<string, unknown> {
    const s = this.specs;
    return {
      ...super.getConfig(), axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      ...weightConfig('beta', s.beta), ...weightConfig('gamma', s.gamma),
      movingMeanInitializer: weightConfig('m', s.movingMean).mInitializer, movingVarianceInitializer: weightConfig('m', s.movingVariance).mInitializer,
    };
  }
}
