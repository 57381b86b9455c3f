// Op codes and flag bits shared by the kernels and their TypeScript callers: the one table both
// sides read. wasm/build.mjs copies it to src/backend/wasm/generated/codes.ts, so it is written in
// the subset of AssemblyScript that is also TypeScript: `export const NAME = <integer>;` only
// (AssemblyScript types these as i32).

// binaryF32 `op`: x op y elementwise; the R* codes swap operands (y - x, y / x).
export const BINARY_ADD = 0;
export const BINARY_SUB = 1;
export const BINARY_MUL = 2;
export const BINARY_DIV = 3;
export const BINARY_MAX = 4;
export const BINARY_MIN = 5;
export const BINARY_RSUB = 6;
export const BINARY_RDIV = 7;
export const BINARY_EQ = 8;
export const BINARY_NE = 9;
export const BINARY_GT = 10;
export const BINARY_GE = 11;
export const BINARY_LT = 12;
export const BINARY_LE = 13;

// binaryF32 `mode`: how the second operand covers the output.
/** Same shape as the output. */
export const BROADCAST_SAME = 0;
/** A trailing block of `m` elements repeated (a bias row). */
export const BROADCAST_TILE = 1;
/** Each element stretched over `m` consecutive outputs (a scalar or leading block). */
export const BROADCAST_STRETCH = 2;

// unaryF32 / unaryGradF32 `op`.
export const UNARY_NEG = 0;
export const UNARY_ABS = 1;
export const UNARY_SQRT = 2;
export const UNARY_SQUARE = 3;
export const UNARY_RELU = 4;
export const UNARY_RELU6 = 5;
export const UNARY_LEAKY_RELU = 6;
export const UNARY_STEP = 7;
export const UNARY_RECIPROCAL = 8;

// Pooling `mode` (pool2d, pool2dGrad, poolReluBiasGradPart; the fused conv kernels take max/min).
export const POOL_MAX = 0;
export const POOL_MIN = 1;
export const POOL_AVG = 2;

// GEMM and convolution epilogue `flags` (bit set).
/** Add to C instead of overwriting it. */
export const F_ACC = 1;
/** Add bias[N] to every row. */
export const F_BIAS = 2;
/** Apply ReLU last. */
export const F_RELU = 4;
/** With F_RELU: then clamp at 6 (relu6 = min(max(x, 0), 6)). */
export const F_RELU6 = 8;
/** depthwisePointwise's pointwise flags only: write each image's mean over its pixels, not the pixels. */
export const F_MEAN_PIXELS = 256;

// biasActGradPart `act`: the activation whose derivative multiplies dy.
export const ACT_LINEAR = 0;
export const ACT_RELU = 1;
/** relu6: dy where 0 < y < 6. */
export const ACT_RELU6 = 2;

// bnApply / bnGradSumsPart `act`: the activation fused after a training-mode batch norm.
export const BN_LINEAR = 0;
export const BN_RELU = 1;
export const BN_RELU6 = 2;
