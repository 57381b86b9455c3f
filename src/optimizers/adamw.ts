/**
 * AdamW: Adam plus decoupled weight decay (Loshchilov & Hutter), as in Keras 3: each step first
 * shrinks w -= lr * weightDecay * w (see Optimizer.weightDecay), then takes the Adam step.
 * Example: `new AdamW({ learningRate: 1e-3, weightDecay: 0.004 })`.
 */
import { Adam } from './adam.js';
import type { AdamOptions } from './adam.js';

export interface AdamWOptions extends AdamOptions {
  /** Default 0.004, Keras' default; unlike Adam it cannot be switched off with null. */
  weightDecay?: number;
}

export class AdamW extends Adam {
  override readonly className: string = 'AdamW';

  constructor(options: AdamWOptions = {}) {
    super({ ...options, weightDecay: options.weightDecay ?? 0.004 }, 'AdamW');
  }
}
