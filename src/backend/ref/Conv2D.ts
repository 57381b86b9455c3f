/**
 * Reference Conv2D: y = act(conv(x, filter) + bias), x NHWC, filter HWIO (I = inChannels/groups).
 *
 *   outH = floor((H + padTop + padBottom - dilH*(KH-1) - 1) / strideH) + 1   (likewise outW)
 *
 * Lowered to GEMM per group: y_g[rows, Og] = im2col(x)_g[rows, KH*KW*Cg] · W_g[KH*KW*Cg, Og],
 * chunked over output rows; a 1x1 stride-1 unpadded conv skips im2col (x already is the matrix).
 * Example: a 5x5 image, valid 3x3 filter, stride 1 -> a 3x3 output.
 */
import type { KernelFn, TensorInfo } from '../kernels.js';
import { shapeToString } from '../../tensor/shape.js';
import { biasActivation, gemm } from './gemm.js';
import type { MatrixView } from './gemm.js';
import { colsBuffer, convGeometry, forEachRowChunk, im2col } from './im2col.js';
import type { ConvGeometry } from './im2col.js';
import { f32Of, output } from './storage.js';

export const conv2D: KernelFn<'Conv2D'> = ({ x, filter, bias, residual }, attrs) => {
  const geo = convGeometry('Conv2D', x.shape, filter.shape, attrs);
  const biasData = bias === undefined ? null : checkedBias(bias, geo.outC, filter);
  const outShape = [geo.batch, geo.outH, geo.outW, geo.outC];
  const y = new Float32Array(geo.rows * geo.outC);
  const xd = f32Of(x);
  const wd = f32Of(filter);
  for (let g = 0; g < geo.groups; g++) convGroup(xd, wd, y, geo, g);
  if (residual === undefined) {
    biasActivation(y, geo.outC, biasData, attrs.activation);
  } else {
    // Each step rounded to float32 as the unfused chain rounds it: conv + bias, + residual, activation.
    const r = f32Of(checkedResidual(residual, outShape));
    biasActivation(y, geo.outC, biasData, 'linear');
    for (let i = 0; i < y.length; i++) y[i] += r[i]!;
    biasActivation(y, geo.outC, null, attrs.activation);
  }
  return output(outShape, 'float32', y);
};

/** A residual added to an output of shape `outShape` must have that shape (no broadcasting). */
export function checkedResidual(residual: TensorInfo, outShape: readonly number[], kernel = 'Conv2D', input = 'residual'): TensorInfo {
  if (residual.shape.length !== outShape.length || residual.shape.some((d, i) => d !== outShape[i])) {
    throw new Error(`${kernel}: expected ${input} of the output's shape ${shapeToString(outShape)}, got ${shapeToString(residual.shape)}`);
  }
  return residual;
}

function checkedBias(bias: TensorInfo, outC: number, filter: TensorInfo): Float32Array {
  if (bias.shape.length !== 1 || bias.shape[0] !== outC) {
    throw new Error(`Conv2D: expected bias of shape [${outC}] for filter ${shapeToString(filter.shape)}, got ${shapeToString(bias.shape)}`);
  }
  return f32Of(bias);
}

/**
 * y[:, g*Og : (g+1)*Og] = patches of group g times the group's filter slice. Array-level, so the
 * wasm backend's interim path for grouped convs runs the same code over heap views.
 */
export function convGroup(x: Float32Array, w: Float32Array, y: Float32Array, geo: ConvGeometry, g: number): void {
  const { inC, outC, cg, og, patch } = geo;
  const b: MatrixView = { data: w, offset: g * og, ld: outC };
  if (geo.pointwise) {
    const a: MatrixView = { data: x, offset: g * cg, ld: inC };
    const c: MatrixView = { data: y, offset: g * og, ld: outC };
    gemm({ transA: false, transB: false, m: geo.rows, n: og, k: patch, alpha: 1, a, b, beta: 0, c });
    return;
  }
  forEachRowChunk(geo, (rowStart, rowCount) => {
    const cols = colsBuffer(rowCount * patch);
    im2col(x, geo, g, rowStart, rowCount, cols);
    const a: MatrixView = { data: cols, offset: 0, ld: patch };
    const c: MatrixView = { data: y, offset: rowStart * outC + g * og, ld: outC };
    gemm({ transA: false, transB: false, m: rowCount, n: og, k: patch, alpha: 1, a, b, beta: 0, c });
  });
}
