/**
 * BatchNorm2d (PyTorch semantics) on NCHW input:
 *   training: y = (x - mean_b) / sqrt(var_b + eps) * weight + bias, statistics over N, H, W;
 *             running = (1 - momentum) * running + momentum * batch (running_var uses the
 *             unbiased batch variance); momentum null gives a cumulative average.
 *   eval:     the running statistics replace the batch's.
 * Defaults: eps 1e-5, momentum 0.1, affine true, trackRunningStats true.
 * Training runs the Keras layer's kernels (BatchNormTraining, BatchNormMovingUpdate) on the
 * channels-last view of x: NCHW activations are NHWC in storage (tensor/layout.ts), so the
 * transposes around the kernel move no values.
 */
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { giveToGraph } from '../autograd/record.js';
import { batchNormMovingUpdate, batchNormTraining, type BatchNormTrainingResult } from '../ops/batch-norm.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { ones, scalar, zeros } from '../ops/create.js';
import { inChannelsLast } from '../ops/channels-last.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import type { FusedActivation } from '../backend/kernels.js';
import { relu as reluOp, relu6 as relu6Op, sqrt } from '../ops/unary.js';
import { FoldedWeightsCache } from '../plan/conv-bn-fold.js';
import { deferNext, isReplayingChain, waitsInOpenChain } from '../plan/deferred-chain.js';
import type { BatchNormStage, Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

const NHWC_OF_NCHW = [0, 2, 3, 1];
const NCHW_OF_NHWC = [0, 3, 1, 2];

export interface BatchNorm2dOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

export class BatchNorm2d extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  readonly #runningMean: Variable | null = null;
  readonly #runningVar: Variable | null = null;
  readonly #numBatchesTracked: Variable | null = null;
  readonly #folded = new FoldedWeightsCache();
  /**
   * An output in training mode whose deferred chain has not run yet: running it updates the
   * running statistics, so it runs before anything reads them or switches the mode.
   */
  #pending: Tensor | null = null;

  constructor(readonly numFeatures: number, options: BatchNorm2dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`BatchNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures])) : null;
    if (this.trackRunningStats) {
      this.#runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
      this.#runningVar = this.registerBuffer('running_var', ones([numFeatures]));
      this.#numBatchesTracked = this.registerBuffer('num_batches_tracked', zeros([], 'int32'));
    }
  }

  /** The running statistics (null without trackRunningStats), updated by every forward in training mode. */
  get runningMean(): Variable | null {
    this.settleBuffers();
    return this.#runningMean;
  }

  get runningVar(): Variable | null {
    this.settleBuffers();
    return this.#runningVar;
  }

  get numBatchesTracked(): Variable | null {
    this.settleBuffers();
    return this.#numBatchesTracked;
  }

  /** Runs the chain of an output still deferred, whose run updates the running statistics. */
  protected override settleBuffers(): void {
    const pending = this.#pending;
    if (pending === null) return;
    this.#pending = null;
    // Inside its own chain's run the chain is no longer open: nothing to do but forget it.
    if (waitsInOpenChain(pending)) pending.compute();
  }

  /** A deferred output runs in the mode it was asked for, before the mode changes. */
  override train(mode = true): this {
    this.settleBuffers();
    return super.train(mode);
  }

  /**
   * A conv's deferred output (plan/deferred-chain.ts) takes the norm as its chain's next step, so a
   * hand-written forward runs the kernels nn.Sequential and Keras models run. In training mode
   * (batch statistics) `relu(bn(conv(x)))` drops the conv's bias pass into the norm (convBnTrain)
   * and the relu into its kernels, and a residual block's `relu(add(bn2(conv2(h)), shortcut))` adds
   * the shortcut there too. In eval mode without a graph the norm folds into the conv's weights.
   */
  forward(x: Tensor): Tensor {
    return this.#deferred(x) ?? this.#normalize(x, 'linear');
  }

  /** The norm as the next step of x's chain, or null where it runs at once. */
  #deferred(x: Tensor): Tensor | null {
    if (x.deferred === null || x.rank !== 4 || x.shape[1] !== this.numFeatures) return null;
    const byBatch = this.#byBatch();
    // Folding running statistics into a conv's weights is for inference only.
    if (!byBatch && isGradEnabled()) return null;
    const operands = byBatch ? [this.weight, this.bias] : [this.weight, this.bias, this.#runningMean, this.#runningVar];
    const run = byBatch ? (h: Tensor) => this.#normalizeByBatch(h, 'linear', null, null) : (h: Tensor) => this.#normalize(h, 'linear');
    if (byBatch) this.settleBuffers(); // an earlier output's update comes first
    const out = deferNext(x, { stage: this.planStage(), shape: x.shape, run, operands });
    if (out !== null && byBatch && this.#runningMean !== null) this.#pending = out;
    return out;
  }

  /** Whether the norm uses the batch's statistics (training mode, or no running statistics). */
  #byBatch(): boolean {
    return this.training || this.#runningMean === null;
  }

  #checkInput(x: Tensor): void {
    const c = this.numFeatures;
    if (x.rank !== 4 || x.shape[1] !== c) throw new Error(`BatchNorm2d(${c}): expected input [N, ${c}, H, W], got shape [${x.shape.join(', ')}]`);
  }

  /** The module's output, then the activation (fused into the kernels when batch statistics are used). */
  #normalize(x: Tensor, activation: FusedActivation, meanShift: Tensor | null = null): Tensor {
    if (this.#byBatch()) return this.#normalizeByBatch(x, activation, meanShift, null);
    this.#checkInput(x);
    const c = this.numFeatures;
    if (meanShift !== null) x = add(x, reshape(meanShift, [1, c, 1, 1]));
    const stored = transpose(x, NHWC_OF_NCHW);
    const y = stored.storedOrder === null ? transpose(this.#evalChannelsLast(stored), NCHW_OF_NHWC) : this.#evalGeneral(x);
    return activation === 'relu' ? reluOp(y) : activation === 'relu6' ? relu6Op(y) : y;
  }

  /**
   * activation(norm(x) + residual) with the batch's statistics, in one BatchNormTraining kernel on
   * the channels-last views; updates the running statistics in training mode, except where a
   * deferred chain computes a handed-back value again (the update happened when it first ran).
   * A meanShift (convBnTrain: the conv's bias) changes only the statistics the running mean follows.
   */
  #normalizeByBatch(x: Tensor, activation: FusedActivation, meanShift: Tensor | null, residual: Tensor | null): Tensor {
    this.#checkInput(x);
    this.settleBuffers(); // an earlier output still waiting updates first
    let result: BatchNormTrainingResult | null = null;
    const y = inChannelsLast(x, true, (xl, rl) => (result = batchNormTraining(xl, this.weight, this.bias, this.eps, activation, rl, meanShift)).y, residual);
    const { y: stored, mean, variance } = result!;
    if (this.training && this.#runningMean !== null && !isReplayingChain()) this.#updateRunningStats(mean, variance, x.size / this.numFeatures, meanShift);
    // The batch statistics are the op's own: its gradient rule reads them, or nothing does.
    if (!giveToGraph(stored, [mean, variance])) {
      mean.release();
      variance.release();
    }
    return y;
  }

  /** Eval mode on any stored order: the running statistics through NCHW broadcasts. */
  #evalGeneral(x: Tensor): Tensor {
    const c = this.numFeatures;
    const m = reshape(this.#runningMean as Variable, [1, c, 1, 1]);
    const v = reshape(this.#runningVar as Variable, [1, c, 1, 1]);
    const y = div(sub(x, m), sqrt(add(v, this.eps)));
    if (this.weight === null || this.bias === null) return y;
    return add(mul(y, reshape(this.weight, [1, c, 1, 1])), reshape(this.bias, [1, c, 1, 1]));
  }

  /**
   * Eval mode on an activation stored NHWC (what nn convs and pools make): y = x * s + t per
   * channel, s = weight / sqrt(running_var + eps), t = bias - running_mean * s, with the channel
   * as the fast axis. Two passes over x instead of four, and no reordering (the NCHW broadcasts of
   * the general path reorder the values first).
   */
  #evalChannelsLast(x: Tensor): Tensor {
    const inverseStd = div(1, sqrt(add(this.#runningVar as Variable, this.eps)));
    const affine = this.weight !== null && this.bias !== null;
    const scale = affine ? mul(this.weight!, inverseStd) : inverseStd;
    const shift = sub(affine ? this.bias! : 0, mul(this.#runningMean as Variable, scale));
    return add(mul(x, scale), shift);
  }

  /**
   * The planner's view (src/plan): a relu after it may run in its training kernels
   * (batchNormRelu); in eval mode with running statistics, a conv before it may fold it into its
   * weights (convBnFold, plan/conv-bn-fold.ts).
   */
  override planStage(): Stage {
    if (this.training) return (this.#trainStage ??= this.#trainingStage(null));
    const { weight, bias } = this;
    const kept = this.#evalStage;
    if (kept !== null && kept.weight === weight && kept.bias === bias) return kept.stage;
    this.#evalStage = { weight, bias, stage: this.#inferenceStage() };
    return this.#evalStage.stage;
  }

  /**
   * The stages, kept across calls so plans of them are kept too (plan/kept-plan.ts): the training
   * one reads every field when it runs; the eval one holds the weight and bias Parameters it folds
   * (running statistics are read-only fields), so it is made again when either is replaced.
   */
  #trainStage: BatchNormStage | null = null;
  #evalStage: { weight: Parameter | null; bias: Parameter | null; stage: BatchNormStage } | null = null;

  /** The stage in eval mode: with running statistics, a conv before it may fold it (convBnFold). */
  #inferenceStage(): BatchNormStage {
    const runWithRelu = (x: Tensor, _training: boolean, activation: FusedActivation): Tensor => this.#normalize(x, activation);
    const [runningMean, runningVar] = [this.#runningMean, this.#runningVar];
    if (runningMean === null || runningVar === null) return { kind: 'batchNorm', runWithRelu };
    // forward applies the affine only when it has both halves.
    const affine = this.weight !== null && this.bias !== null;
    const statistics = { gamma: affine ? this.weight : null, beta: affine ? this.bias : null, mean: runningMean, variance: runningVar, epsilon: this.eps };
    return { kind: 'batchNorm', runWithRelu, dataFormat: 'channelsFirst', fold: (weights) => this.#folded.fold(weights, statistics) };
  }

  /**
   * The stage in train mode (batch statistics), normalizing x + meanShift when one is given: the
   * same output, the running mean following the batch mean + meanShift (convBnTrain takes a conv's
   * bias into it through `withMeanShift`).
   */
  #trainingStage(meanShift: Tensor | null): BatchNormStage {
    const stage: BatchNormStage = {
      kind: 'batchNorm',
      runWithRelu: (x, _training, activation) => this.#normalizeByBatch(x, activation, meanShift, null),
      runWithResidual: (x, _training, activation, residual) => this.#normalizeByBatch(x, activation, meanShift, residual),
    };
    if (meanShift !== null) return stage;
    return { ...stage, dataFormat: 'channelsFirst', withMeanShift: (shift) => this.#trainingStage(shift) };
  }

  #updateRunningStats(batchMean: Tensor, batchVar: Tensor, count: number, meanShift: Tensor | null): void {
    noGrad(() => {
      const tracked = this.#numBatchesTracked as Variable;
      const n = tracked.item() + 1;
      const f = this.momentum ?? 1 / n;
      const [runMean, runVar] = [this.#runningMean as Variable, this.#runningVar as Variable];
      const rule = { keep: 1 - f, blend: f, varianceScale: count / Math.max(count - 1, 1) };
      const [m, v] = batchNormMovingUpdate(runMean, runVar, batchMean, batchVar, rule, meanShift);
      // The variables take the storage; the new values' own tensors are released, not left to the collector.
      for (const [variable, value] of [[tracked, scalar(n, 'int32')], [runMean, m!], [runVar, v!]] as const) {
        variable.assign(value);
        value.release();
      }
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? 'None'}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}
