/**
 * Reference Conv2DBackpropFilter: dfilter (HWIO, shape `filterShape`) of Conv2D given x and the
 * upstream dy. Per group: dW_g[KH*KW*Cg, Og] = Σ over row chunks of im2col(x)_gᵀ · dy_g, one GEMM
 * with transA and beta = 1 per chunk (so the patch buffer stays small whatever the batch).
 * A 1x1 stride-1 unpadded conv is a single xᵀ · dy.
 */
import type { KernelFn } from '../kernels.js';
import { gemm } from './gemm.js';
import type { MatrixView } from './gemm.js';
import { checkDy, colsBuffer, convGeometry, forEachRowChunk, im2col } from './im2col.js';
import type { ConvGeometry } from './im2col.js';
import { f32Of, output } from './storage.js';

export const conv2DBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = ({ x, dy }, attrs) => {
  const geo = convGeometry('Conv2DBackpropFilter', x.shape, attrs.filterShape, attrs);
  checkDy('Conv2DBackpropFilter', geo, dy.shape);
  const dw = new Float32Array(geo.patch * geo.outC);
  const xd = f32Of(x);
  const dyd = f32Of(dy);
  for (let g = 0; g < geo.groups; g++) convFilterGradGroup(xd, dyd, dw, geo, g);
  return output([...attrs.filterShape], 'float32', dw);
};

/** Array-level body, shared with the wasm backend's interim path for grouped convs. */
export function convFilterGradGroup(x: Float32Array, dy: Float32Array, dw: Float32Array, geo: ConvGeometry, g: number): void {
  const { inC, outC, cg, og, patch } = geo;
  const c: MatrixView = { data: dw, offset: g * og, ld: outC };
  if (geo.pointwise) {
    const a: MatrixView = { data: x, offset: g * cg, ld: inC };
    const b: MatrixView = { data: dy, offset: g * og, ld: outC };
    gemm({ transA: true, transB: false, m: patch, n: og, k: geo.rows, alpha: 1, a, b, beta: 1, c });
    return;
  }
  forEachRowChunk(geo, (rowStart, rowCount) => {
    const cols = colsBuffer(rowCount * patch);
    im2col(x, geo, g, rowStart, rowCount, cols);
    const a: MatrixView = { data: cols, offset: 0, ld: patch };
    const b: MatrixView = { data: dy, offset: rowStart * outC + g * og, ld: outC };
    gemm({ transA: true, transB: false, m: patch, n: og, k: rowCount, alpha: 1, a, b, beta: 1, c });
  });
}
