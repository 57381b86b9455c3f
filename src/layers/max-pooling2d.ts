/** MaxPooling2D: takes the largest value of each window. Example: `new MaxPooling2D(2)` halves height and width. */
import { BasePooling2D, type Pooling2DOptions } from './base-pooling2d.js';

export class MaxPooling2D extends BasePooling2D {
  constructor(poolSizeOrOptions?: number | [number, number] | Pooling2DOptions, options: Pooling2DOptions = {}) {
    super('max', poolSizeOrOptions, options);
  }

  override get className(): string {
    return 'MaxPooling2D';
  }
}
