/**
 * The error the SparseSoftmaxCrossEntropy kernels throw for a class index outside 0..classes-1
 * (it would read another row's logit). Typed, so that a loss that hands its targets straight to the
 * kernel (F.crossEntropy) can say it in its own words without reading the targets first.
 */
export class ClassIndexError extends Error {
  constructor(
    kernel: string,
    /** The offending class index, and the row (sample) it was given for. */
    readonly classIndex: number,
    readonly row: number,
    /** The number of classes: valid indices are 0..classes-1. */
    readonly classes: number,
  ) {
    super(`${kernel}: class ${classIndex} of row ${row} is outside 0..${classes - 1}`);
    // Printed as the plain Error it replaced ("Error: SparseSoftmaxCrossEntropy: class ...").
    this.name = 'Error';
  }
}
