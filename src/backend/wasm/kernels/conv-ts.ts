/**
 * Interim TS convolutions for grouped convs (groups > 1): the reference backend's im2col + GEMM
 * group bodies, run over heap views and writing straight into the output handle.
 */
import type { FusedActivation } from '../../kernels.js';
import { biasActivation } from '../../ref/gemm.js';
import { convGroup } from '../../ref/Conv2D.js';
import { convFilterGradGroup } from '../../ref/Conv2DBackpropFilter.js';
import { convInputGradGroup } from '../../ref/Conv2DBackpropInput.js';
import type { ConvGeometry } from '../../ref/im2col.js';

/** y[rows, outC] = act(conv(x, w) + bias) over all groups. */
export function convGroupsTS(x: Float32Array, w: Float32Array, bias: Float32Array | null, activation: FusedActivation, y: Float32Array, geo: ConvGeometry): void {
  for (let g = 0; g < geo.groups; g++) convGroup(x, w, y, geo, g);
  biasActivation(y, geo.outC, bias, activation);
}

/** dx (zero-filled here: col2im accumulates) of a grouped conv. */
export function convInputGradTS(dy: Float32Array, w: Float32Array, dx: Float32Array, geo: ConvGeometry): void {
  dx.fill(0);
  for (let g = 0; g < geo.groups; g++) convInputGradGroup(dy, w, dx, geo, g);
}

/** dw (zero-filled here: chunks accumulate) of a grouped conv. */
export function convFilterGradTS(x: Float32Array, dy: Float32Array, dw: Float32Array, geo: ConvGeometry): void {
  dw.fill(0);
  for (let g = 0; g < geo.groups; g++) convFilterGradGroup(x, dy, dw, geo, g);
}
