/** The reference backend: plain TypeScript kernels over typed arrays, the executable spec. */
import type { DataArray, DType } from '../../tensor/dtype.js';
import { arrayFor } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';
import type { KernelTable } from '../kernels.js';
import { applyOptimizer } from './ApplyOptimizer.js';
import { argMax } from './ArgMax.js';
import { biasActivationGrad } from './BiasActivationGrad.js';
import { binary } from './Binary.js';
import { cast } from './Cast.js';
import { concat } from './Concat.js';
import { conv2D } from './Conv2D.js';
import { conv2DPool } from './Conv2DPool.js';
import { conv2DPointwise } from './Conv2DPointwise.js';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter.js';
import { conv2DBackpropInput } from './Conv2DBackpropInput.js';
import { imageTransform, imageTransformGrad } from './ImageTransform.js';
import { matMul } from './MatMul.js';
import { oneHot } from './OneHot.js';
import { pad } from './Pad.js';
import { pool2D } from './Pool2D.js';
import { pool2DGrad } from './Pool2DGrad.js';
import { pool2DReluBiasGrad } from './Pool2DReluBiasGrad.js';
import { reduce } from './Reduce.js';
import { slice } from './Slice.js';
import { logSoftmax, softmax } from './Softmax.js';
import { batchNormMovingUpdate } from './BatchNormMovingUpdate.js';
import { batchNormTraining, batchNormTrainingGrad } from './BatchNormTraining.js';
import { softmaxCrossEntropy } from './SoftmaxCrossEntropy.js';
import { softmaxCrossEntropyGrad } from './SoftmaxCrossEntropyGrad.js';
import { sparseSoftmaxCrossEntropy } from './SparseSoftmaxCrossEntropy.js';
import { sparseSoftmaxCrossEntropyGrad } from './SparseSoftmaxCrossEntropyGrad.js';
import { arrayOfHandle, freeHandle, reclaimerOf, refMemory, subviewOf, wrapArray } from './storage.js';
import { transpose } from './Transpose.js';
import { unary } from './Unary.js';
import { unaryGrad } from './UnaryGrad.js';
import { where } from './Where.js';

const kernels: KernelTable = {
  Binary: binary, Unary: unary, UnaryGrad: unaryGrad, Where: where, Reduce: reduce, ArgMax: argMax,
  MatMul: matMul, Transpose: transpose, Slice: slice, Concat: concat, Pad: pad, Cast: cast,
  OneHot: oneHot, Conv2D: conv2D, Conv2DPool: conv2DPool, Conv2DPointwise: conv2DPointwise, Conv2DBackpropInput: conv2DBackpropInput,
  Conv2DBackpropFilter: conv2DBackpropFilter, BiasActivationGrad: biasActivationGrad, Pool2D: pool2D, Pool2DGrad: pool2DGrad,
  Pool2DReluBiasGrad: pool2DReluBiasGrad, ApplyOptimizer: applyOptimizer,
  SoftmaxCrossEntropy: softmaxCrossEntropy, SoftmaxCrossEntropyGrad: softmaxCrossEntropyGrad,
  SparseSoftmaxCrossEntropy: sparseSoftmaxCrossEntropy, SparseSoftmaxCrossEntropyGrad: sparseSoftmaxCrossEntropyGrad, Softmax: softmax, LogSoftmax: logSoftmax,
  ImageTransform: imageTransform, ImageTransformGrad: imageTransformGrad,
  BatchNormTraining: batchNormTraining, BatchNormTrainingGrad: batchNormTrainingGrad, BatchNormMovingUpdate: batchNormMovingUpdate,
};

function copyAs(values: DataArray, dtype: DType): DataArray {
  if (dtype === 'int32') return values instanceof Int32Array ? values.slice() : Int32Array.from(values);
  return values instanceof Float32Array ? values.slice() : Float32Array.from(values);
}

export function createRefBackend(): Backend {
  return {
    name: 'ref',
    kernels,
    threads: 1,
    write: (values: DataArray, dtype: DType) => wrapArray(copyAs(values, dtype)),
    writeWith(size: number, dtype: DType, fill: (view: DataArray) => void) {
      // The array becomes the storage only once filled, so a throwing fill leaves nothing to free.
      const data = arrayFor(dtype, size);
      fill(data);
      return wrapArray(data);
    },
    read: (handle) => arrayOfHandle(handle),
    subview: subviewOf,
    free: freeHandle,
    reclaimer: reclaimerOf,
    memory: refMemory,
  };
}
