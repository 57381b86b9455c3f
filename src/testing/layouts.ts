/**
 * Layout converters between PyTorch's channels-first layouts and Fovea's channels-last ones, on
 * flat row-major value arrays (plain or typed). Tests use them to feed PyTorch reference vectors
 * (NCHW images, OIHW filters) to kernels that take NHWC images and HWIO filters.
 *
 * Index formulas (each name lists axes outermost first):
 * - NCHW [N, C, H, W]:  ((n * C + c) * H + h) * W + w
 * - NHWC [N, H, W, C]:  ((n * H + h) * W + w) * C + c
 * - OIHW [O, I, KH, KW]: ((o * I + i) * KH + y) * KW + x
 * - HWIO [KH, KW, I, O]: ((y * KW + x) * I + i) * O + o
 *
 * Example: `nchwToNhwc([1, 2, 3, 4], [1, 2, 2, 1])` is `[1, 3, 2, 4]` (two channels of two pixels,
 * interleaved per pixel).
 */

type TypedArray = Float32Array | Float64Array | Int32Array;

/** A flat value array: the result has the same kind (plain array or the same typed array). */
export type Values = readonly number[] | TypedArray;
type Same<T extends Values> = T extends readonly number[] ? number[] : T;

/** Which source axis each output axis takes, for a 4-d row-major permutation. */
type Perm = readonly [number, number, number, number];

const NCHW_TO_NHWC: Perm = [0, 2, 3, 1];
const NHWC_TO_NCHW: Perm = [0, 3, 1, 2];
const OIHW_TO_HWIO: Perm = [2, 3, 1, 0];
const HWIO_TO_OIHW: Perm = [3, 2, 0, 1];

function emptyLike<T extends Values>(v: T): Same<T> {
  if (Array.isArray(v)) return new Array<number>(v.length) as Same<T>;
  const ctor = v.constructor as new (n: number) => TypedArray;
  return new ctor(v.length) as Same<T>;
}

/** out[index in the permuted shape] = v[index in `shape`]; checks the shape against the values. */
function permute4<T extends Values>(what: string, v: T, shape: readonly number[], perm: Perm): Same<T> {
  const size = shape.reduce((p, d) => p * d, 1);
  if (shape.length !== 4 || size !== v.length || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${what}: expected a rank-4 shape with ${v.length} elements, got [${shape.join(', ')}]`);
  }
  // Strides of the source, taken in output-axis order: walking the output in order reads these.
  const srcStrides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const [s0, s1, s2, s3] = perm.map((a) => srcStrides[a]);
  const [d0, d1, d2, d3] = perm.map((a) => shape[a]);
  const out = emptyLike(v);
  const w: { [i: number]: number } = out;
  let k = 0;
  for (let a = 0; a < d0; a++) for (let b = 0; b < d1; b++) for (let c = 0; c < d2; c++) for (let d = 0; d < d3; d++) {
    w[k++] = v[a * s0 + b * s1 + c * s2 + d * s3];
  }
  return out;
}

/** NCHW values of `shape` [N, C, H, W] -> NHWC values (shape [N, H, W, C]). */
export function nchwToNhwc<T extends Values>(v: T, shape: readonly number[]): Same<T> {
  return permute4('nchwToNhwc', v, shape, NCHW_TO_NHWC);
}

/** NHWC values of `shape` [N, H, W, C] -> NCHW values (shape [N, C, H, W]). */
export function nhwcToNchw<T extends Values>(v: T, shape: readonly number[]): Same<T> {
  return permute4('nhwcToNchw', v, shape, NHWC_TO_NCHW);
}

/** OIHW filter values of `shape` [O, I, KH, KW] -> HWIO values (shape [KH, KW, I, O]). */
export function oihwToHwio<T extends Values>(v: T, shape: readonly number[]): Same<T> {
  return permute4('oihwToHwio', v, shape, OIHW_TO_HWIO);
}

/** HWIO filter values of `shape` [KH, KW, I, O] -> OIHW values (shape [O, I, KH, KW]). */
export function hwioToOihw<T extends Values>(v: T, shape: readonly number[]): Same<T> {
  return permute4('hwioToOihw', v, shape, HWIO_TO_OIHW);
}
