/** Dropout: zeroes values with probability p in training mode; the identity in eval mode. */
import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { dropout } from './dropout.js';
import { defaultGenerator } from './init.js';
import { Module } from './module.js';

export class Dropout extends Module {
  readonly #rng: Random | null;

  constructor(readonly p = 0.5, options: { rng?: Random } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be between 0 and 1, got ${p}`);
    // Without its own generator it draws from the one `manualSeed` last set.
    this.#rng = options.rng ?? null;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.#rng ?? defaultGenerator());
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
