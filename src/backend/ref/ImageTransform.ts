/** ImageTransform and its gradient on the reference backend: the shared sampler over plain arrays. */
import type { KernelFn } from '../kernels.js';
import { samplingGeometry, transformImageGradValues, transformImageValues } from './image-sampling.js';
import { dataOf, output } from './storage.js';

export const imageTransform: KernelFn<'ImageTransform'> = ({ images, transforms }, attrs) => {
  const g = samplingGeometry('ImageTransform', images.shape, transforms.shape, attrs);
  const out = new Float32Array(g.batch * g.outHeight * g.outWidth * g.channels);
  transformImageValues(g, dataOf(images), dataOf(transforms), attrs, out);
  return output([g.batch, g.outHeight, g.outWidth, g.channels], 'float32', out);
};

export const imageTransformGrad: KernelFn<'ImageTransformGrad'> = ({ dy, transforms }, attrs) => {
  const g = samplingGeometry('ImageTransformGrad', attrs.inputShape, transforms.shape, attrs);
  const expected = [g.batch, g.outHeight, g.outWidth, g.channels];
  if (dy.shape.join() !== expected.join()) throw new Error(`ImageTransformGrad: expected dy of shape [${expected.join(', ')}], got [${dy.shape.join(', ')}]`);
  const dx = new Float32Array(g.batch * g.height * g.width * g.channels);
  transformImageGradValues(g, dataOf(dy), dataOf(transforms), attrs, dx);
  return output([...attrs.inputShape], 'float32', dx);
};
