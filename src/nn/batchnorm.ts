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
import { noGrad } from '../autograd/grad-mode.js';
import { batchNormMovingUpdate, batchNormTraining } from '../ops/batch-norm.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { ones, scalar, zeros } from '../ops/create.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import { relu as reluOp, sqrt } from '../ops/unary.js';
import type { Stage } from '../plan/stage.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../tensor/variable.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

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
  readonly runningMean: Variable | null = null;
  readonly runningVar: Variable | null = null;
  readonly numBatchesTracked: Variable | null = null;

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
      this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures]));
      this.runningVar = this.registerBuffer('running_var', ones([numFeatures]));
      this.numBatchesTracked = this.registerBuffer('num_batches_tracked', zeros([], 'int32'));
    }
  }

  forward(x: Tensor): Tensor {
    return this.#normalize(x, false);
  }

  /** The planner's BatchNorm2d -> ReLU (src/plan): the relu in the training kernels. */
  override planStage(): Stage {
    return { kind: 'batchNorm', runWithRelu: (x) => this.#normalize(x, true) };
  }

  /** The module's output, then max(., 0) when relu (fused into the kernels when batch statistics are used). */
  #normalize(x: Tensor, relu: boolean): Tensor {
    const c = this.numFeatures;
    if (x.rank !== 4 || x.shape[1] !== c) throw new Error(`BatchNorm2d(${c}): expected input [N, ${c}, H, W], got shape [${x.shape.join(', ')}]`);
    if (this.training || this.runningMean === null) {
      const { y, mean, variance } = batchNormTraining(transpose(x, [0, 2, 3, 1]), this.weight, this.bias, this.eps, relu);
      if (this.training && this.runningMean !== null) this.#updateRunningStats(mean, variance, x.size / c);
      return transpose(y, [0, 3, 1, 2]);
    }
    const m = reshape(this.runningMean, [1, c, 1, 1]);
    const v = reshape(this.runningVar as Variable, [1, c, 1, 1]);
    let y = div(sub(x, m), sqrt(add(v, this.eps)));
    if (this.weight !== null && this.bias !== null) y = add(mul(y, reshape(this.weight, [1, c, 1, 1])), reshape(this.bias, [1, c, 1, 1]));
    return relu ? reluOp(y) : y;
  }

  #updateRunningStats(batchMean: Tensor, batchVar: Tensor, count: number): void {
    noGrad(() => {
      const tracked = this.numBatchesTracked as Variable;
      const n = tracked.item() + 1;
      tracked.assign(scalar(n, 'int32'));
      const f = this.momentum ?? 1 / n;
      const [runMean, runVar] = [this.runningMean as Variable, this.runningVar as Variable];
      const rule = { keep: 1 - f, blend: f, varianceScale: count / Math.max(count - 1, 1) };
      const [m, v] = batchNormMovingUpdate(runMean, runVar, batchMean, batchVar, rule);
      runMean.assign(m);
      runVar.assign(v);
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum ?? 'None'}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}
