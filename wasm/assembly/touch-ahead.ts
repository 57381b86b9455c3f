// Loads that bring memory into cache before a pass needs it: wasm has no prefetch instruction.
//
// The Winograd forwards work in chunks of tiles, each in three phases: the input transform reads x
// (the map a previous layer wrote, out of L2), the 25-36 GEMMs touch only the chunk's V, U and M
// (in L1/L2, bound by FMAs), and the output transform writes y (and reads the residual). The
// hardware streams x and y only while a phase reads or writes them, so the transform phases wait
// on memory while the GEMM phase leaves the memory system idle. Loading the next chunk's input rows
// and this chunk's output rows a slice at a time between the GEMMs overlaps those misses with the
// FMAs (branch res-infer2: 1.1-1.15x on resnet8's and cifar-vgg's stride-1 3x3 convs, batch 256).
// The filter gradients' passes (transform x and dy, then GEMMs into dU) touch the next pass's x
// and dy rows the same way (branch touch-more: 1.03-1.15x on the dW of maps of 2-8 MB, batch 64).

/**
 * The address of row `row` (clamped to [0, rows]) of image `n` of an NHWC map [., rows, cols, ch]
 * at `base`: with images contiguous, the rows tiles t0..t1 read lie between two such addresses.
 */
// @ts-ignore: decorator
@inline export function rowAddress(base: usize, n: i32, row: i32, rows: i32, cols: i32, ch: usize): usize {
  const r = min(max(row, 0), rows);
  return base + ((<usize>((n * rows + r) * cols) * ch) << 2);
}

/**
 * Loads one 16-byte vector from each 64-byte line of part `i` of `parts` equal slices of the
 * bytes [lo, hi), OR-ed into `acc`. The caller stores the result somewhere (a scratch slot) so
 * the loads are not dead code.
 */
// @ts-ignore: decorator
@inline export function touchPart(lo: usize, hi: usize, i: usize, parts: usize, acc: v128): v128 {
  if (hi <= lo) return acc;
  const lines = (hi - lo) >> 6;
  for (let l = lines * i / parts, e = lines * (i + 1) / parts; l < e; l++) acc = v128.or(acc, v128.load(lo + (l << 6)));
  return acc;
}

/**
 * rowAddress of row `step` x (tile row of tile t) + `offset`, tiles numbered image by image,
 * `tilesPer` per image and `TW` per tile row: the first (offset = -padT) or past-the-last (offset =
 * window height - padT) row a Winograd tile reads, or the rows of its output (step, 0 and step).
 */
// @ts-ignore: decorator
@inline export function tileRowAddress(base: usize, t: i32, tilesPer: i32, TW: i32, step: i32, offset: i32, rows: i32, cols: i32, ch: usize): usize {
  return rowAddress(base, t / tilesPer, (t % tilesPer) / TW * step + offset, rows, cols, ch);
}
