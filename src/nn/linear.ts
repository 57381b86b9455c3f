/**
 * Linear: y = x W^T + b with PyTorch's layout, weight [outFeatures, inFeatures], bias [outFeatures],
 * both initialised U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)).
 *
 * Example: `new Linear(320, 500)` maps [N, 320] to [N, 500] with 160,500 parameters.
 */
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DenseStage, Stage } from '../plan/stage.js';
import { deferFirst } from '../plan/deferred-chain.js';
import { linear, linearWith } from './functional.js';
import { defaultGenerator, defaultUniform } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { noGrad } from '../autograd/grad-mode.js';
import { columnOrder, sameOrder, withColumnOrder } from '../tensor/layout.js';

export interface LinearOptions {
  bias?: boolean;
  rng?: Random;
}

export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions | boolean = {}) {
    super();
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`Linear: ${name} must be a positive integer, got ${v}`);
    }
    const o = typeof options === 'boolean' ? { bias: options } : options;
    const rng = o.rng ?? defaultGenerator();
    this.weight = new Parameter(defaultUniform([outFeatures, inFeatures], inFeatures, rng));
    this.bias = o.bias ?? true ? new Parameter(defaultUniform([outFeatures], inFeatures, rng)) : null;
  }

  /**
   * A dense stage: a following ReLU runs in the MatMul's epilogue (src/plan). One object for the
   * module's life (it reads the weight and bias when it runs), so plans of it are kept across calls.
   */
  readonly #stage: DenseStage = {
    kind: 'dense', activation: 'linear',
    runWith: (x, activation) => {
      this.#checkInput(x);
      return linearWith(x, this.weight, this.bias, activation);
    },
  };

  /** The unfused product, as a deferred chain runs it alone. */
  readonly #runAlone = (h: Tensor): Tensor => linear(h, this.weight, this.bias);

  override planStage(): Stage {
    return this.#stage;
  }

  /** x W^T + b. Its output is deferred (plan/deferred-chain.ts), so a relu that follows may run in the MatMul's epilogue. */
  forward(x: Tensor): Tensor {
    this.#checkInput(x);
    if (x.rank !== 2) return this.#runAlone(x);
    return deferFirst(x, { stage: this.#stage, shape: [x.shape[0]!, this.outFeatures], run: this.#runAlone, operands: [this.weight, this.bias], site: this }) ?? this.#runAlone(x);
  }

  #checkInput(x: Tensor): void {
    if (x.shape[x.rank - 1] !== this.inFeatures) {
      throw new Error(`Linear(${this.inFeatures}, ${this.outFeatures}): expected input [N, ${this.inFeatures}], got shape [${x.shape.join(', ')}]`);
    }
    this.#followColumnOrder(x);
  }

  /**
   * Stores the weight's input columns in the order the input holds its features. A flatten of a
   * conv output (NCHW to the user, NHWC in storage) holds them HWC-ordered: permuting the weight's
   * columns once, here, instead of the activations at every step, lets the MatMul read both as
   * stored (ops/matmul.ts). The weight's shape, values and state dict stay PyTorch's.
   */
  #followColumnOrder(x: Tensor): void {
    const columns = x.rank === 2 ? columnOrder(x.shape, x.storedOrder) : null;
    const w = this.weight;
    if (sameOrder(columns, columnOrder(w.shape, w.storedOrder)) && (columns !== null || w.layout === null)) return;
    if (columns !== null && x.backend !== w.backend) return;
    noGrad(() => w.holdLayout(columns === null ? null : withColumnOrder(this.outFeatures, columns)));
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}
