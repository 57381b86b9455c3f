/**
 * RandomFlip (Keras 3): in training each image is flipped left-right ('horizontal'), top-bottom
 * ('vertical') or each independently ('horizontal_and_vertical', the default), each with
 * probability 1/2; in inference the identity.
 *
 * Example: `new RandomFlip('horizontal', { seed: 1 })`.
 */
import { unknownNameError } from '../../names/unknown-name.js';
import { imageTransform } from '../../ops/image-transform.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import type { Transform } from './affine.js';
import { type ImageLayerArgs, ImagePreprocessingLayer } from './image-layer.js';

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';
const MODES: readonly FlipMode[] = ['horizontal', 'vertical', 'horizontal_and_vertical'];

export class RandomFlip extends ImagePreprocessingLayer {
  readonly mode: FlipMode;

  constructor(mode: FlipMode = 'horizontal_and_vertical', options: ImageLayerArgs = {}) {
    super(options);
    if (!MODES.includes(mode)) throw unknownNameError('mode', mode, MODES, this.where);
    this.mode = mode;
  }

  override get className(): string {
    return 'RandomFlip';
  }

  computeOutputShape(s: SymbolicShape): SymbolicShape {
    this.assertInputShape(s);
    return s;
  }

  /** One transform per image: x -> (w - 1 - x) and/or y -> (h - 1 - y) where the coin says so. */
  private flips(n: number, h: number, w: number): Transform[] {
    const rng = this.random;
    return Array.from({ length: n }, (): Transform => {
      const left = this.mode !== 'vertical' && rng.next() < 0.5;
      const up = this.mode !== 'horizontal' && rng.next() < 0.5;
      return [left ? -1 : 1, 0, left ? w - 1 : 0, 0, up ? -1 : 1, up ? h - 1 : 0, 0, 0];
    });
  }

  call(x: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training) return x;
    return this.inNhwc(x, (t) => imageTransform(t, this.flips(t.shape[0], t.shape[1], t.shape[2]), { interpolation: 'nearest' }));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode, seed: this.seed };
  }
}
