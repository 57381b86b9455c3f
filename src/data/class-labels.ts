/**
 * Class-index labels checked against the number of classes, before they reach a tensor: a label
 * file with a 12 in a 10-class data set would otherwise train (sparse losses index past the
 * logits) or fail far from the cause in `toCategorical`.
 *
 * Example: `checkClassLabels(Uint8Array.of(7, 2, 1), 10, 't10k-labels-idx1-ubyte')` passes;
 * a 10 in it throws "t10k-labels-idx1-ubyte: label #0 is 10, outside the 10 classes 0-9".
 */

/** Throws naming `source`, the first bad label's index and value, and the valid range. */
export function checkClassLabels(labels: ArrayLike<number>, numClasses: number, source: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`${source}: numClasses must be a positive integer, got ${numClasses}`);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) {
      throw new Error(`${source}: label #${i} is ${v}, outside the ${numClasses} classes 0-${numClasses - 1}`);
    }
  }
}
