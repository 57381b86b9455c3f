/**
 * imageTransform: resamples NHWC images under projective transforms (one per image, or one for the
 * batch), the op behind Resizing and the geometric augmentation layers. Differentiable w.r.t. the
 * images (each output pixel is a weighted sum of at most four input pixels); the transforms are
 * data, not differentiated (Keras does not differentiate its random parameters either).
 *
 * A transform [a0, a1, a2, b0, b1, b2, c0, c1] maps output pixel (x, y) to input point
 * ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with k = c0 x + c1 y + 1, as TensorFlow's
 * `ImageProjectiveTransformV3`. Example: the identity is [1, 0, 0, 0, 1, 0, 0, 0]; a shift right by
 * 2 pixels is [1, 0, -2, 0, 1, 0, 0, 0].
 */
import { record } from '../autograd/record.js';
import { engine } from '../backend/engine.js';
import type { FillMode, ImageTransformAttrs, Interpolation } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './create.js';

export interface ImageTransformOptions {
  /** [height, width] of the output; default the input's. */
  outputSize?: [number, number];
  /** Default 'bilinear'. */
  interpolation?: Interpolation;
  /** How points outside the input are filled; default 'constant'. */
  fillMode?: FillMode;
  /** The value of 'constant' fill (and of neighbours outside the image); default 0. */
  fillValue?: number;
}

/** Resamples `images` [N, H, W, C] under `transforms` ([N, 8] or [1, 8], a tensor or rows of numbers). */
export function imageTransform(images: Tensor, transforms: Tensor | readonly (readonly number[])[], options: ImageTransformOptions = {}): Tensor {
  if (images.rank !== 4) throw new Error(`imageTransform: expected NHWC images of rank 4, got shape [${images.shape.join(', ')}]`);
  if (images.dtype !== 'float32') throw new Error(`imageTransform: expected float32 images, got ${images.dtype}`);
  const t = Array.isArray(transforms) ? tensor(Float32Array.from((transforms as number[][]).flat()), [transforms.length, 8]) : (transforms as Tensor);
  const attrs: ImageTransformAttrs = {
    outputSize: options.outputSize ?? [images.shape[1], images.shape[2]],
    interpolation: options.interpolation ?? 'bilinear',
    fillMode: options.fillMode ?? 'constant',
    fillValue: options.fillValue ?? 0,
  };
  const y = engine.runKernel('ImageTransform', { images, transforms: t }, attrs);
  const inputShape = images.shape as unknown as [number, number, number, number];
  return record('imageTransform', y, [images], (dy) => [engine.runKernel('ImageTransformGrad', { dy, transforms: t }, { ...attrs, inputShape })]);
}
