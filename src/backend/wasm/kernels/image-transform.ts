/**
 * ImageTransform and its gradient: the reference sampler run over heap views (augmentation runs
 * once per batch on the input, far from the conv layers' cost, so no AssemblyScript kernel yet).
 */
import type { KernelFn, TensorInfo } from '../../kernels.js';
import { samplingGeometry, transformImageGradValues, transformImageValues } from '../../ref/image-sampling.js';
import { sizeOf } from '../../../tensor/shape.js';
import type { WasmContext } from '../context.js';

function floatView(ctx: WasmContext, t: TensorInfo): Float32Array {
  return ctx.heap.view(t.handle, 'float32', sizeOf(t.shape)) as Float32Array;
}

export function makeImageTransform(ctx: WasmContext): KernelFn<'ImageTransform'> {
  return ({ images, transforms }, attrs) => {
    const g = samplingGeometry('ImageTransform', images.shape, transforms.shape, attrs);
    const out = ctx.heap.output([g.batch, g.outHeight, g.outWidth, g.channels], 'float32');
    // Views are taken after the output is allocated, so no allocation can invalidate them.
    transformImageValues(g, floatView(ctx, images), floatView(ctx, transforms), attrs, floatView(ctx, out));
    return out;
  };
}

export function makeImageTransformGrad(ctx: WasmContext): KernelFn<'ImageTransformGrad'> {
  return ({ dy, transforms }, attrs) => {
    const g = samplingGeometry('ImageTransformGrad', attrs.inputShape, transforms.shape, attrs);
    const expected = [g.batch, g.outHeight, g.outWidth, g.channels];
    if (dy.shape.join() !== expected.join()) throw new Error(`ImageTransformGrad: expected dy of shape [${expected.join(', ')}], got [${dy.shape.join(', ')}]`);
    const dx = ctx.heap.output([...attrs.inputShape], 'float32');
    transformImageGradValues(g, floatView(ctx, dy), floatView(ctx, transforms), attrs, floatView(ctx, dx));
    return dx;
  };
}
