/**
 * Resizing NHWC batches as Keras 3's `image.resize` does (tf.image.resize: half-pixel centres, edge
 * pixels repeated at the border), optionally first cropping or padding to the target's aspect
 * ratio (`cropToAspectRatio`: the largest centred window of that ratio; `padToAspectRatio`:
 * centred in `fillValue` bands). One imageTransform does the resampling.
 */
import type { Interpolation } from '../../backend/kernels.js';
import { imageTransform } from '../../ops/image-transform.js';
import { pad, slice } from '../../ops/shape-ops.js';
import type { Tensor } from '../../tensor/tensor.js';
import { resizeTransform } from './affine.js';

export interface ResizeOptions {
  interpolation?: Interpolation;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
  fillValue?: number;
}

/** The centred window of the target's aspect ratio inside an h x w image (Keras's integer rounding). */
export function aspectCropBox(h: number, w: number, targetH: number, targetW: number): { top: number; left: number; height: number; width: number } {
  const height = Math.max(Math.min(h, Math.trunc((w * targetH) / targetW)), 1);
  const width = Math.max(Math.min(w, Math.trunc((h * targetW) / targetH)), 1);
  return { top: Math.trunc((h - height) / 2), left: Math.trunc((w - width) / 2), height, width };
}

function padToAspect(x: Tensor, targetH: number, targetW: number, fillValue: number): Tensor {
  const [, h, w] = x.shape;
  const padH = Math.max(h, Math.trunc((w * targetH) / targetW));
  const padW = Math.max(w, Math.trunc((h * targetW) / targetH));
  const top = Math.trunc((padH - h) / 2);
  const left = Math.trunc((padW - w) / 2);
  if (padH === h && padW === w) return x;
  return pad(x, [[0, 0], [top, padH - h - top], [left, padW - w - left], [0, 0]], fillValue);
}

/** `x` [N, H, W, C] resized to [N, height, width, C]. */
export function resizeImages(x: Tensor, height: number, width: number, options: ResizeOptions = {}): Tensor {
  let source = x;
  if (options.cropToAspectRatio) {
    const box = aspectCropBox(x.shape[1], x.shape[2], height, width);
    source = slice(x, [0, box.top, box.left, 0], [-1, box.height, box.width, -1]);
  } else if (options.padToAspectRatio) {
    source = padToAspect(x, height, width, options.fillValue ?? 0);
  }
  const [, h, w] = source.shape;
  if (h === height && w === width) return source;
  const transform = resizeTransform({ top: 0, left: 0, height: h, width: w }, height, width);
  return imageTransform(source, [transform], { outputSize: [height, width], interpolation: options.interpolation ?? 'bilinear', fillMode: 'nearest' });
}
