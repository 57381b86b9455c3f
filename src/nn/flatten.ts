/**
 * Flatten: merges axes startDim..endDim (default 1..-1), so [N, 20, 4, 4] becomes [N, 320] in
 * PyTorch's (channel-major) order, because nn tensors are NCHW.
 */
import type { Tensor } from '../tensor/tensor.js';
import { flatten } from './functional.js';
import { Module } from './module.js';

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
