/**
 * Image resampling under a projective transform, the one place every geometric preprocessing
 * layer (Resizing, RandomRotation, RandomZoom, RandomTranslation, RandomCrop's resize) samples
 * pixels. Semantics follow TensorFlow's ImageProjectiveTransformV3, which Keras 3's TensorFlow
 * backend calls for `affine_transform`:
 *
 *   for output pixel (x, y) (integer indices) and transform [a0, a1, a2, b0, b1, b2, c0, c1]:
 *     k = c0 x + c1 y + 1;  in_x = (a0 x + a1 y + a2) / k;  in_y = (b0 x + b1 y + b2) / k
 *   (k = 0 gives the fill value). The input coordinate is first mapped into the image by the fill
 *   mode ('reflect' d c b a | a b c d | d c b a, 'wrap' a b c d | a b c d | a b c d, 'nearest'
 *   a a a a | a b c d | d d d d, 'constant' k k k k | a b c d | k k k k), then read with nearest
 *   (round half away from zero) or bilinear interpolation; a neighbour outside the image reads
 *   the fill value.
 *
 * Pure functions over typed arrays, so the reference and the wasm backend share them: the forward
 * and its gradient are one sampler (source index, weight) read forwards or scattered backwards.
 */

export type Interpolation = 'bilinear' | 'nearest';
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';

export const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];
export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];

export interface ImageTransformAttrs {
  /** [height, width] of the output. */
  outputSize: [number, number];
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
}

/** NHWC sizes of one resampling: the input image, the output size and the transform rows. */
export interface SamplingGeometry {
  batch: number;
  height: number;
  width: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  /** Rows in `transforms`: 1 (shared by the batch) or `batch`. */
  transformRows: number;
}

const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);

function reflect(c: number, len: number): number {
  if (len <= 1) return 0;
  const size2 = 2 * len;
  let v = c;
  if (v < 0) {
    if (v < -size2) v += size2 * Math.trunc(-v / size2);
    v = v < -len ? v + size2 : -v - 1;
  } else if (v > len - 1) {
    v -= size2 * Math.trunc(v / size2);
    if (v >= len) v = size2 - v - 1;
  }
  return clamp(v, len - 1);
}

/** Periodic with period `len` (Keras's documented a b c d | a b c d | a b c d). */
function wrap(c: number, len: number): number {
  if (len <= 1) return 0;
  return clamp(c - len * Math.floor(c / len), len - 1);
}

/** Maps an input coordinate into [0, len - 1] by the fill mode ('constant' leaves it as is). */
export function mapCoordinate(c: number, len: number, mode: FillMode): number {
  switch (mode) {
    case 'reflect': return reflect(c, len);
    case 'wrap': return wrap(c, len);
    case 'nearest': return clamp(c, len - 1);
    case 'constant': return c;
  }
}

/** C++'s std::round: half away from zero. */
const roundHalfAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

/** Up to four (source pixel, weight) pairs of one output pixel; pixel -1 is the fill value. */
interface Taps {
  pixels: Int32Array;
  weights: Float64Array;
  count: number;
}

const newTaps = (): Taps => ({ pixels: new Int32Array(4), weights: new Float64Array(4), count: 0 });

/** The input pixel index (n * H + row) * W + col, or -1 outside the image. */
function pixelAt(g: SamplingGeometry, n: number, row: number, col: number): number {
  return row >= 0 && row < g.height && col >= 0 && col < g.width ? (n * g.height + row) * g.width + col : -1;
}

function tap(taps: Taps, pixel: number, weight: number): void {
  if (weight === 0) return;
  taps.pixels[taps.count] = pixel;
  taps.weights[taps.count++] = weight;
}

/**
 * Fills `taps` with the input pixels output pixel (n, y, x) reads and their weights (summing to 1).
 * Written into reused arrays: this runs once per output pixel.
 */
function samplePixel(g: SamplingGeometry, t: ArrayLike<number>, attrs: ImageTransformAttrs, n: number, y: number, x: number, taps: Taps): void {
  taps.count = 0;
  const o = (g.transformRows === 1 ? 0 : n) * 8;
  const k = t[o + 6] * x + t[o + 7] * y + 1;
  if (k === 0) return tap(taps, -1, 1);
  const inX = mapCoordinate((t[o] * x + t[o + 1] * y + t[o + 2]) / k, g.width, attrs.fillMode);
  const inY = mapCoordinate((t[o + 3] * x + t[o + 4] * y + t[o + 5]) / k, g.height, attrs.fillMode);
  if (attrs.interpolation === 'nearest') return tap(taps, pixelAt(g, n, roundHalfAway(inY), roundHalfAway(inX)), 1);
  const y0 = Math.floor(inY);
  const x0 = Math.floor(inX);
  const fy = inY - y0;
  const fx = inX - x0;
  tap(taps, pixelAt(g, n, y0, x0), (1 - fy) * (1 - fx));
  tap(taps, pixelAt(g, n, y0, x0 + 1), (1 - fy) * fx);
  tap(taps, pixelAt(g, n, y0 + 1, x0), fy * (1 - fx));
  tap(taps, pixelAt(g, n, y0 + 1, x0 + 1), fy * fx);
}

/** out[N, outH, outW, C] = images[N, H, W, C] resampled under `transforms` (float64 sums). */
export function transformImageValues(g: SamplingGeometry, images: ArrayLike<number>, transforms: ArrayLike<number>, attrs: ImageTransformAttrs, out: Float32Array): void {
  const c = g.channels;
  const taps = newTaps();
  let p = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let y = 0; y < g.outHeight; y++) {
      for (let x = 0; x < g.outWidth; x++, p++) {
        samplePixel(g, transforms, attrs, n, y, x, taps);
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let k = 0; k < taps.count; k++) {
            const pixel = taps.pixels[k];
            acc += taps.weights[k] * (pixel < 0 ? attrs.fillValue : images[pixel * c + ch]);
          }
          out[p * c + ch] = acc;
        }
      }
    }
  }
}

/** dImages[N, H, W, C] of `transformImageValues` for upstream dy[N, outH, outW, C] (the fill value gets none). */
export function transformImageGradValues(g: SamplingGeometry, dy: ArrayLike<number>, transforms: ArrayLike<number>, attrs: ImageTransformAttrs, dx: Float32Array): void {
  const c = g.channels;
  const acc = new Float64Array(g.batch * g.height * g.width * c);
  const taps = newTaps();
  let p = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let y = 0; y < g.outHeight; y++) {
      for (let x = 0; x < g.outWidth; x++, p++) {
        samplePixel(g, transforms, attrs, n, y, x, taps);
        for (let k = 0; k < taps.count; k++) {
          const pixel = taps.pixels[k];
          if (pixel < 0) continue;
          const w = taps.weights[k];
          for (let ch = 0; ch < c; ch++) acc[pixel * c + ch] += w * dy[p * c + ch];
        }
      }
    }
  }
  dx.set(acc);
}

/** Checks the kernel's inputs and returns the geometry; errors name the kernel, expected and actual. */
export function samplingGeometry(kernel: string, imageShape: readonly number[], transformShape: readonly number[], attrs: ImageTransformAttrs): SamplingGeometry {
  if (imageShape.length !== 4) throw new Error(`${kernel}: expected NHWC images of rank 4, got shape [${imageShape.join(', ')}]`);
  const [batch, height, width, channels] = imageShape;
  const rowsOk = transformShape.length === 2 && transformShape[1] === 8 && (transformShape[0] === 1 || transformShape[0] === batch);
  if (!rowsOk) throw new Error(`${kernel}: expected transforms of shape [${batch}, 8] or [1, 8], got [${transformShape.join(', ')}]`);
  const [outHeight, outWidth] = attrs.outputSize;
  if (!(Number.isInteger(outHeight) && Number.isInteger(outWidth) && outHeight > 0 && outWidth > 0)) {
    throw new Error(`${kernel}: outputSize must be two positive integers, got [${attrs.outputSize.join(', ')}]`);
  }
  if (!INTERPOLATIONS.includes(attrs.interpolation)) throw new Error(`${kernel}: interpolation must be one of ${INTERPOLATIONS.join(', ')}, got '${attrs.interpolation}'`);
  if (!FILL_MODES.includes(attrs.fillMode)) throw new Error(`${kernel}: fillMode must be one of ${FILL_MODES.join(', ')}, got '${attrs.fillMode}'`);
  return { batch, height, width, channels, outHeight, outWidth, transformRows: transformShape[0] };
}
