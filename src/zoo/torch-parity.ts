/**
 * What the Keras-style zoo models need to compute what their PyTorch definitions in
 * ../shared/peers/torch_zoo.py compute, beyond equal shapes and parameter counts.
 *
 * - BatchNorm: PyTorch's BatchNorm2d uses eps 1e-5 and updates running = 0.9 running + 0.1 batch;
 *   Keras's defaults (epsilon 1e-3, momentum 0.99) would normalise differently, so the zoo passes
 *   PyTorch's values in Keras's terms (momentum = 1 - PyTorch's momentum).
 * - Strided 3x3 convs: PyTorch's padding=1 pads one pixel on every side; Keras's padding 'same'
 *   with stride 2 on an even size pads only bottom and right, which gives the same output size but
 *   shifts every window by a pixel. As Keras Applications do, the zoo writes ZeroPadding2D(1)
 *   followed by a 'valid' conv, which is PyTorch's convolution exactly.
 */
import { BatchNormalization } from '../layers/batch-normalization.js';
import type { Layer } from '../layers/layer.js';
import { ZeroPadding2D } from '../layers/zero-padding2d.js';

export const TORCH_BATCH_NORM = { momentum: 0.9, epsilon: 1e-5 } as const;

export function torchBatchNorm(): BatchNormalization {
  return new BatchNormalization({ ...TORCH_BATCH_NORM });
}

/**
 * The layers of a PyTorch conv with kernel 3 and padding=1 at `stride`: 'same' at stride 1 (equal
 * there), explicit one-pixel zero padding then 'valid' at stride 2. `conv` builds the conv layer
 * from the padding it should use.
 */
export function torchPadded3x3(stride: 1 | 2, conv: (padding: 'same' | 'valid') => Layer): Layer[] {
  return stride === 1 ? [conv('same')] : [new ZeroPadding2D(1), conv('valid')];
}
