/** AveragePooling2D: takes the mean of each window; padded cells are not counted. Example: `new AveragePooling2D(2)` halves height and width. */
import { BasePooling2D, type Pooling2DOptions } from './base-pooling2d.js';

export class AveragePooling2D extends BasePooling2D {
  constructor(poolSizeOrOptions?: number | [number, number] | Pooling2DOptions, options: Pooling2DOptions = {}) {
    super('avg', poolSizeOrOptions, options);
  }

  override get className(): string {
    return 'AveragePooling2D';
  }
}
