/**
 * A conv, then a pointwise (1x1, stride 1) conv of its output, as one op: the pattern the planner
 * (src/plan) picks for a MobileNet block's depthwise -> pointwise pair at inference (after both
 * batch norms are folded), when nothing else reads the depthwise output. The Conv2DPointwise
 * kernel may keep each image's intermediate in cache (the wasm backend does for depthwise convs).
 *
 *   conv2dPointwise(x, dw, { groups: C, bias: b, activation: 'relu6' }, { filter: pw, bias: c, activation: 'relu6' })
 *   equals conv2d(conv2d(x, dw, { groups: C, bias: b, activation: 'relu6' }), pw, { bias: c, activation: 'relu6' })
 *
 * pw is [1, 1, C_mid, K] (HWIO). With `globalAverage`, the op is also the mean over height and
 * width that follows (GlobalAveragePooling2D): the kernel may average each image's output while it
 * is in cache instead of writing it. While a graph is recorded and an operand needs a gradient, the op
 * runs as those two conv ops, so its gradients are theirs exactly (the fused kernel keeps no
 * intermediate to differentiate through).
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { engine } from '../backend/engine.js';
import type { FusedActivation } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { isChannelsFirst } from './conv-geometry.js';
import { type Conv2DOptions, conv2d, conv2dAttrs, convKernelArgs } from './conv2d.js';
import { inChannelsLast } from './channels-last.js';
import { mean } from './reduce.js';
import { reshape, transpose } from './shape-ops.js';

/** The pointwise conv that follows: its [1, 1, C, K] filter, bias and fused activation. */
export interface PointwiseConv {
  filter: Tensor;
  bias?: Tensor | null;
  activation?: FusedActivation;
}

/** The mean over height and width that follows (GlobalAveragePooling2D): [N, K], or kept as size-1 axes. */
export interface GlobalAverage {
  keepdims: boolean;
}

export function conv2dPointwise(x: Tensor, filter: Tensor, options: Conv2DOptions, pointwise: PointwiseConv, globalAverage?: GlobalAverage): Tensor {
  const [kh, kw] = pointwise.filter.shape;
  if (pointwise.filter.rank !== 4 || kh !== 1 || kw !== 1) {
    throw new Error(`conv2dPointwise: expected a pointwise filter [1, 1, C, K], got [${pointwise.filter.shape.join(', ')}]`);
  }
  if (options.residual != null) throw new Error('conv2dPointwise: the first conv takes no residual');
  const operands = [x, filter, options.bias ?? null, pointwise.filter, pointwise.bias ?? null];
  const channelsFirst = isChannelsFirst(options.dataFormat);
  if (isGradEnabled() && operands.some((t) => t !== null && t.needsGrad)) return unfused(x, filter, options, pointwise, globalAverage);
  if (globalAverage === undefined) return inChannelsLast(x, channelsFirst, (xl) => fusedNHWC(xl, filter, options, pointwise, false));
  // The mean is [N, K] in either format (the pixels are gone); keepdims puts the size-1 axes back.
  let xl = x;
  if (channelsFirst) xl = transpose(x, [0, 2, 3, 1]);
  const y = fusedNHWC(xl, filter, options, pointwise, true);
  if (xl !== x) xl.release();
  if (!globalAverage.keepdims) return y;
  const [n, k] = y.shape as [number, number];
  return reshape(y, channelsFirst ? [n, k, 1, 1] : [n, 1, 1, k]);
}

/** The two conv ops and the mean (the op's definition, and its gradient). */
function unfused(x: Tensor, filter: Tensor, options: Conv2DOptions, pointwise: PointwiseConv, globalAverage: GlobalAverage | undefined): Tensor {
  const h = conv2d(x, filter, options);
  const y = conv2d(h, pointwise.filter, { dataFormat: options.dataFormat, bias: pointwise.bias ?? null, activation: pointwise.activation ?? 'linear' });
  if (globalAverage === undefined) return y;
  return mean(y, isChannelsFirst(options.dataFormat) ? [2, 3] : [1, 2], globalAverage.keepdims);
}

function fusedNHWC(x: Tensor, filter: Tensor, options: Conv2DOptions, pointwise: PointwiseConv, globalAverage: boolean): Tensor {
  const { attrs, bias, activation, outShape } = convKernelArgs(x, filter, options, 'conv2dPointwise');
  // The pointwise conv's channels and bias, checked as conv2d checks them.
  conv2dAttrs(outShape, pointwise.filter.shape, {}, 'conv2dPointwise');
  const k = pointwise.filter.shape[3]!;
  if (pointwise.bias != null && (pointwise.bias.rank !== 1 || pointwise.bias.shape[0] !== k)) {
    throw new Error(`conv2dPointwise: the pointwise bias must have shape [${k}], got [${pointwise.bias.shape.join(', ')}]`);
  }
  const inputs = { x, filter, bias: bias ?? undefined, pointwiseFilter: pointwise.filter, pointwiseBias: pointwise.bias ?? undefined };
  return engine.runKernel('Conv2DPointwise', inputs, Object.assign({}, attrs, { activation, pointwiseActivation: pointwise.activation ?? 'linear', globalAverage }));
}
