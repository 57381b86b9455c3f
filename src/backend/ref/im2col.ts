/**
 * Lowering a 2-D convolution to GEMM. For output pixel p = (n, oh, ow) and group g, row p of the
 * patch matrix holds the receptive field of p in HWI order, the same order as the HWIO filter:
 *
 *   cols[p, (kh*KW + kw)*Cg + ci] = x[n, oh*sh - padTop + kh*dh, ow*sw - padLeft + kw*dw, g*Cg + ci]
 *
 * (zero where the index falls in the padding). Then, with W_g the filter's [KH*KW*Cg, Og] slice,
 *   y_g  = cols · W_g           (forward)
 *   dW_g = colsᵀ · dy_g         (filter gradient)
 *   dx   = col2im(dy_g · W_gᵀ)  (input gradient: col2im scatter-adds each row back to its pixels)
 * Rows are processed in chunks so the patch buffer stays cache-sized and memory stays bounded.
 */
import type { Conv2DAttrs } from '../kernels.js';
import type { Shape } from '../../tensor/shape.js';
import { convOutputSize, shapeToString } from '../../tensor/shape.js';

/** Everything the conv kernels need to know about one convolution, validated. */
export interface ConvGeometry {
  batch: number; inH: number; inW: number; inC: number;
  kH: number; kW: number; outH: number; outW: number; outC: number;
  strideH: number; strideW: number; dilH: number; dilW: number;
  padTop: number; padLeft: number;
  groups: number;
  /** Channels per group, in and out. */
  cg: number; og: number;
  /** Length of one patch row: kH * kW * cg. */
  patch: number;
  /** Output pixels over the batch: batch * outH * outW (the GEMM's M). */
  rows: number;
  /** 1x1 kernel, stride 1, no padding: the input itself is the patch matrix. */
  pointwise: boolean;
}

/** Patch-matrix floats per chunk: 64K floats = 256 KiB, a comfortable L2 working set. */
const CHUNK_FLOATS = 1 << 16;

let scratch = new Float32Array(CHUNK_FLOATS);

/** A reusable buffer of at least `size` floats (contents undefined). Not reentrant. */
export function colsBuffer(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch;
}

const fmt = (s: Shape): string => shapeToString(s);

function checkInts(kernel: string, name: string, values: readonly number[], min: number): void {
  if (!values.every((v) => Number.isInteger(v) && v >= min)) {
    throw new Error(`${kernel}: ${name} must be integers >= ${min}, got [${values.join(', ')}]`);
  }
}

/**
 * Validates x (NHWC) against the filter (HWIO) and attrs and derives the output size
 *   out = floor((in + padBefore + padAfter - dil*(k-1) - 1) / stride) + 1.
 * Throws naming the kernel and the offending shapes.
 */
export function convGeometry(kernel: string, xShape: Shape, fShape: Shape, attrs: Conv2DAttrs): ConvGeometry {
  if (xShape.length !== 4) throw new Error(`${kernel}: x must be rank 4 (NHWC), got shape ${fmt(xShape)}`);
  if (fShape.length !== 4) throw new Error(`${kernel}: filter must be rank 4 (HWIO), got shape ${fmt(fShape)}`);
  const { strides, dilations, pad, groups } = attrs;
  checkInts(kernel, 'strides', strides, 1);
  checkInts(kernel, 'dilations', dilations, 1);
  checkInts(kernel, 'pad', pad, 0);
  checkInts(kernel, 'groups', [groups], 1);
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, fI, outC] = fShape;
  if (inC % groups !== 0 || fI * groups !== inC) {
    throw new Error(`${kernel}: filter ${fmt(fShape)} expects ${fI} x ${groups} groups = ${fI * groups} input channels, but x has shape ${fmt(xShape)}`);
  }
  if (outC % groups !== 0) {
    throw new Error(`${kernel}: filter ${fmt(fShape)} has ${outC} output channels, not divisible by groups = ${groups}`);
  }
  const padH = pad[0] + pad[1];
  const padW = pad[2] + pad[3];
  const effH = dilations[0] * (kH - 1) + 1;
  const effW = dilations[1] * (kW - 1) + 1;
  if (effH > inH + padH || effW > inW + padW) {
    throw new Error(`${kernel}: dilated kernel ${effH}x${effW} (filter ${fmt(fShape)}) is larger than the padded input ${inH + padH}x${inW + padW} (x ${fmt(xShape)}, pad [${pad.join(', ')}])`);
  }
  const outH = convOutputSize(inH, kH, strides[0], padH, dilations[0]);
  const outW = convOutputSize(inW, kW, strides[1], padW, dilations[1]);
  if (outH <= 0 || outW <= 0 || batch <= 0 || kH <= 0 || kW <= 0 || outC <= 0) {
    throw new Error(`${kernel}: x ${fmt(xShape)} with filter ${fmt(fShape)} gives an empty output [${batch}, ${outH}, ${outW}, ${outC}]`);
  }
  const pointwise = kH === 1 && kW === 1 && strides[0] === 1 && strides[1] === 1 && padH + padW === 0;
  return {
    batch, inH, inW, inC, kH, kW, outH, outW, outC,
    strideH: strides[0], strideW: strides[1], dilH: dilations[0], dilW: dilations[1],
    padTop: pad[0], padLeft: pad[2], groups,
    cg: inC / groups, og: outC / groups, patch: kH * kW * fI,
    rows: batch * outH * outW, pointwise,
  };
}

/** Checks dy against the geometry's output shape [batch, outH, outW, outC]. */
export function checkDy(kernel: string, geo: ConvGeometry, dyShape: Shape): void {
  const want = [geo.batch, geo.outH, geo.outW, geo.outC];
  if (dyShape.length !== 4 || !want.every((d, i) => d === dyShape[i])) {
    throw new Error(`${kernel}: expected dy of shape ${fmt(want)}, got ${fmt(dyShape)}`);
  }
}

/** Calls `fn(rowStart, rowCount)` over output rows in chunks whose patch matrix fits CHUNK_FLOATS. */
export function forEachRowChunk(geo: ConvGeometry, fn: (rowStart: number, rowCount: number) => void): void {
  const step = Math.max(1, Math.floor(CHUNK_FLOATS / geo.patch));
  for (let start = 0; start < geo.rows; start += step) fn(start, Math.min(step, geo.rows - start));
}

let taps = new Int32Array(9);

/**
 * Writes, for output pixel p, the x offset of each of its kH*kW kernel taps (at the group's
 * first channel) into `taps`, or -1 where the tap falls in the padding.
 */
function tapOffsets(geo: ConvGeometry, group: number, p: number, out: Int32Array): void {
  const { inH, inW, inC, kH, kW, outH, outW } = geo;
  const ow = p % outW;
  const oh = Math.floor(p / outW) % outH;
  const n = Math.floor(p / (outW * outH));
  const h0 = oh * geo.strideH - geo.padTop;
  const w0 = ow * geo.strideW - geo.padLeft;
  let t = 0;
  for (let kh = 0; kh < kH; kh++) {
    const ih = h0 + kh * geo.dilH;
    const rowBase = (n * inH + ih) * inW;
    for (let kw = 0; kw < kW; kw++, t++) {
      const iw = w0 + kw * geo.dilW;
      out[t] = ih < 0 || ih >= inH || iw < 0 || iw >= inW ? -1 : (rowBase + iw) * inC + group * geo.cg;
    }
  }
}

function tapBuffer(geo: ConvGeometry): Int32Array {
  if (taps.length < geo.kH * geo.kW) taps = new Int32Array(geo.kH * geo.kW);
  return taps;
}

/** Fills cols[0 : rowCount*patch] with the patch rows of group `group`. */
export function im2col(
  x: Float32Array, geo: ConvGeometry, group: number, rowStart: number, rowCount: number, cols: Float32Array,
): void {
  const { cg, patch } = geo;
  const nTaps = geo.kH * geo.kW;
  const offs = tapBuffer(geo);
  for (let r = 0; r < rowCount; r++) {
    tapOffsets(geo, group, rowStart + r, offs);
    if (cg === 1) {
      // One channel per group (a grayscale first layer, depthwise): one value per tap.
      for (let t = 0, col = r * patch; t < nTaps; t++, col++) cols[col] = offs[t] < 0 ? 0 : x[offs[t]];
      continue;
    }
    for (let t = 0, col = r * patch; t < nTaps; t++, col += cg) {
      const xi = offs[t];
      if (xi < 0) for (let c = 0; c < cg; c++) cols[col + c] = 0;
      else for (let c = 0; c < cg; c++) cols[col + c] = x[xi + c];
    }
  }
}

/** The adjoint of im2col: adds each patch-row value back into dx at the pixel it came from. */
export function col2im(
  cols: Float32Array, geo: ConvGeometry, group: number, rowStart: number, rowCount: number, dx: Float32Array,
): void {
  const { cg, patch } = geo;
  const nTaps = geo.kH * geo.kW;
  const offs = tapBuffer(geo);
  for (let r = 0; r < rowCount; r++) {
    tapOffsets(geo, group, rowStart + r, offs);
    for (let t = 0, col = r * patch; t < nTaps; t++, col += cg) {
      const xi = offs[t];
      if (xi >= 0) for (let c = 0; c < cg; c++) dx[xi + c] += cols[col + c];
    }
  }
}
