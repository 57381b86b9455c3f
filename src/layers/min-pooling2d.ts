/** MinPooling2D: takes the smallest value of each window (not in Keras core; the mirror of MaxPooling2D). Example: `new MinPooling2D(2)` halves height and width. */
import { BasePooling2D, type Pooling2DOptions } from './base-pooling2d.js';

export class MinPooling2D extends BasePooling2D {
  constructor(poolSizeOrOptions?: number | [number, number] | Pooling2DOptions, options: Pooling2DOptions = {}) {
    super('min', poolSizeOrOptions, options);
  }

  override get className(): string {
    return 'MinPooling2D';
  }
}
