/**
 * MaxPool2d and AvgPool2d on NCHW input. The stride defaults to the kernel size, as in PyTorch.
 *
 *   H_out = floor((H + 2*padding - kH) / stride) + 1
 *
 * Example: `new MaxPool2d(2)` maps [N, 20, 24, 24] to [N, 20, 12, 12].
 */
import type { Tensor } from '../tensor/tensor.js';
import type { PoolMode } from '../backend/kernels.js';
import { OPAQUE, type Stage } from '../plan/stage.js';
import { avgPool2d, type IntPair, maxPool2d } from './functional.js';
import { Module } from './module.js';

export interface Pool2dOptions {
  stride?: IntPair | null;
  padding?: IntPair;
  /** Only 1 (no dilation) is supported. */
  dilation?: IntPair;
  /** Only false (floor) is supported. */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count padded zeros in the mean (PyTorch's default true). */
  countIncludePad?: boolean;
}

const show = (v: IntPair) => (typeof v === 'number' ? String(v) : `(${v.join(', ')})`);

abstract class Pool2d extends Module {
  readonly stride: IntPair;
  readonly padding: IntPair;

  constructor(readonly kernelSize: IntPair, strideOrOptions: IntPair | null | Pool2dOptions | undefined, where: string) {
    super();
    const o: Pool2dOptions = typeof strideOrOptions === 'object' && strideOrOptions !== null && !Array.isArray(strideOrOptions) ? strideOrOptions : { stride: strideOrOptions };
    const dilation = o.dilation ?? 1;
    if (dilation !== 1 && !(Array.isArray(dilation) && dilation.every((d) => d === 1))) throw new Error(`${where}: only dilation 1 is supported, got ${JSON.stringify(dilation)}`);
    if (o.ceilMode === true) throw new Error(`${where}: ceilMode true is not supported; output sizes are floored`);
    this.stride = o.stride ?? kernelSize;
    this.padding = o.padding ?? 0;
  }

  /** The stage, made once: the window is read-only (nn.Sequential's kept plan sees the same object). */
  #stage: Stage | null = null;

  /** Unpadded pooling, where the module's and the op's windows agree, is a pool stage. */
  protected poolStage(mode: PoolMode): Stage {
    if (this.#stage !== null) return this.#stage;
    const unpadded = this.padding === 0 || (Array.isArray(this.padding) && this.padding.every((p) => p === 0));
    this.#stage = unpadded ? { kind: 'pool', pool: { mode, poolSize: this.kernelSize, strides: this.stride }, dataFormat: 'channelsFirst' } : OPAQUE;
    return this.#stage;
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

export class MaxPool2d extends Pool2d {
  /** The second argument is the stride (PyTorch's positional order) or an options object. */
  constructor(kernelSize: IntPair, strideOrOptions?: IntPair | null | Pool2dOptions) {
    super(kernelSize, strideOrOptions, 'MaxPool2d');
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.stride, this.padding);
  }

  override planStage(): Stage {
    return this.poolStage('max');
  }
}

export class AvgPool2d extends Pool2d {
  readonly countIncludePad: boolean;

  constructor(kernelSize: IntPair, strideOrOptions?: IntPair | null | AvgPool2dOptions) {
    super(kernelSize, strideOrOptions, 'AvgPool2d');
    const o = typeof strideOrOptions === 'object' && strideOrOptions !== null && !Array.isArray(strideOrOptions) ? strideOrOptions : {};
    this.countIncludePad = o.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.stride, this.padding, this.countIncludePad);
  }

  override planStage(): Stage {
    return this.poolStage('avg');
  }
}
