/**
 * What CenterCrop and RandomCrop share: an image at least as large as the target is cut to a
 * height x width window at a given corner; a smaller one is resized, after cropping to the
 * target's aspect ratio, so the output always has the target size (Keras 3).
 */
import { slice } from '../../ops/shape-ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { resizeImages } from './resize-images.js';

/** `x` [N, H, W, C] cut to height x width at (top, left), or resized when it is smaller. */
export function cropOrResize(x: Tensor, height: number, width: number, corner: (h: number, w: number) => [number, number]): Tensor {
  const [, h, w] = x.shape;
  if (h < height || w < width) return resizeImages(x, height, width, { cropToAspectRatio: true });
  if (h === height && w === width) return x;
  const [top, left] = corner(h, w);
  return slice(x, [0, top, left, 0], [-1, height, width, -1]);
}
