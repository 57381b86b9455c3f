/**
 * Interim TS convolutions for grouped convs (groups > 1): the reference backend's im2col + GEMM
 * lowering, run over heap views and writing straight into the output handle.
 */
import { biasActivation, gemm, type MatrixView } from '../../ref/gemm.js';
import { col2im, colsBuffer, type ConvGeometry, forEachRowChunk, im2col } from '../../ref/im2col.js';

/** y[rows, outC] = act(conv(x, w) + bias) over all groups. */
export function convGroupsTS(x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean, y: Float32Array, geo: ConvGeometry): void {
  const { inC, outC, cg, og, patch } = geo;
  for (let g = 0; g < geo.groups; g++) {
    const b: MatrixView = { data: w, offset: g * og, ld: outC };
    if (geo.pointwise) {
      const a: MatrixView = { data: x, offset: g * cg, ld: inC };
      gemm({ transA: false, transB: false, m: geo.rows, n: og, k: patch, alpha: 1, a, b, beta: 0, c: { data: y, offset: g * og, ld: outC } });
      continue;
    }
    forEachRowChunk(geo, (rowStart, rowCount) => {
      const cols = colsBuffer(rowCount * patch);
      im2col(x, geo, g, rowStart, rowCount, cols);
      const c: MatrixView = { data: y, offset: rowStart * outC + g * og, ld: outC };
      gemm({ transA: false, transB: false, m: rowCount, n: og, k: patch, alpha: 1, a: { data: cols, offset: 0, ld: patch }, b, beta: 0, c });
    });
  }
  biasActivation(y, outC, bias, relu);
}

/** dx (zero-filled here) of a grouped conv. */
export function convInputGradTS(dy: Float32Array, w: Float32Array, dx: Float32Array, geo: ConvGeometry): void {
  const { inC, outC, cg, og, patch } = geo;
  dx.fill(0);
  for (let g = 0; g < geo.groups; g++) {
    const b: MatrixView = { data: w, offset: g * og, ld: outC };
    if (geo.pointwise) {
      const a: MatrixView = { data: dy, offset: g * og, ld: outC };
      gemm({ transA: false, transB: true, m: geo.rows, n: patch, k: og, alpha: 1, a, b, beta: 0, c: { data: dx, offset: g * cg, ld: inC } });
      continue;
    }
    forEachRowChunk(geo, (rowStart, rowCount) => {
      const cols = colsBuffer(rowCount * patch);
      const a: MatrixView = { data: dy, offset: rowStart * outC + g * og, ld: outC };
      gemm({ transA: false, transB: true, m: rowCount, n: patch, k: og, alpha: 1, a, b, beta: 0, c: { data: cols, offset: 0, ld: patch } });
      col2im(cols, geo, g, rowStart, rowCount, dx);
    });
  }
}

/** dw (zero-filled here) of a grouped conv. */
export function convFilterGradTS(x: Float32Array, dy: Float32Array, dw: Float32Array, geo: ConvGeometry): void {
  const { inC, outC, cg, og, patch } = geo;
  dw.fill(0);
  for (let g = 0; g < geo.groups; g++) {
    const c: MatrixView = { data: dw, offset: g * og, ld: outC };
    if (geo.pointwise) {
      const a: MatrixView = { data: x, offset: g * cg, ld: inC };
      const b: MatrixView = { data: dy, offset: g * og, ld: outC };
      gemm({ transA: true, transB: false, m: patch, n: og, k: geo.rows, alpha: 1, a, b, beta: 1, c });
      continue;
    }
    forEachRowChunk(geo, (rowStart, rowCount) => {
      const cols = colsBuffer(rowCount * patch);
      im2col(x, geo, g, rowStart, rowCount, cols);
      const b: MatrixView = { data: dy, offset: rowStart * outC + g * og, ld: outC };
      gemm({ transA: true, transB: false, m: patch, n: og, k: rowCount, alpha: 1, a: { data: cols, offset: 0, ld: patch }, b, beta: 1, c });
    });
  }
}
