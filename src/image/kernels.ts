/**
 * Classic 3x3 image kernels by name, applied as CNNs apply filters (cross-correlation, no flip).
 * Each names how its response is best turned back into pixels: 'clip' for kernels that sum to 1
 * (blurs, sharpen, emboss keep the image's brightness), 'abs' for detectors that sum to 0 (edges
 * and lines respond with both signs).
 */
export type KernelName =
  | 'identity' | 'sobel-x' | 'sobel-y' | 'laplacian' | 'box-blur' | 'gaussian-blur' | 'sharpen' | 'emboss' | 'edge-enhance'
  | 'line-horizontal' | 'line-vertical' | 'line-45' | 'line-135';

/** How filter responses become 0..255 pixels. */
export type OutputMode = 'clip' | 'abs' | 'normalize';

export interface NamedKernel {
  name: KernelName;
  description: string;
  weights: number[][];
  output: OutputMode;
}

const k = (name: KernelName, description: string, output: OutputMode, weights: number[][]): NamedKernel => ({ name, description, output, weights });

export const KERNELS: Record<KernelName, NamedKernel> = {
  identity: k('identity', 'copies the image', 'clip', [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
  'sobel-x': k('sobel-x', 'horizontal gradient: responds to vertical edges', 'abs', [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
  'sobel-y': k('sobel-y', 'vertical gradient: responds to horizontal edges', 'abs', [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
  laplacian: k('laplacian', '8-neighbour Laplacian: edges in every direction', 'abs', [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
  'box-blur': k('box-blur', 'mean of the 3x3 neighbourhood', 'clip', [[1, 1, 1], [1, 1, 1], [1, 1, 1]].map((r) => r.map((v) => v / 9))),
  'gaussian-blur': k('gaussian-blur', '3x3 Gaussian: 1/4 centre, 1/8 sides, 1/16 corners', 'clip', [[1 / 16, 1 / 8, 1 / 16], [1 / 8, 1 / 4, 1 / 8], [1 / 16, 1 / 8, 1 / 16]]),
  sharpen: k('sharpen', 'boosts the centre against its 4 neighbours', 'clip', [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
  emboss: k('emboss', 'relief lit from the top left', 'clip', [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
  'edge-enhance': k('edge-enhance', 'difference with the left neighbour', 'abs', [[0, 0, 0], [-1, 1, 0], [0, 0, 0]]),
  'line-horizontal': k('line-horizontal', 'one-pixel horizontal lines', 'abs', [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]]),
  'line-vertical': k('line-vertical', 'one-pixel vertical lines', 'abs', [[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]]),
  'line-45': k('line-45', 'lines rising at 45 degrees (bottom left to top right)', 'abs', [[-1, -1, 2], [-1, 2, -1], [2, -1, -1]]),
  'line-135': k('line-135', 'lines falling at 135 degrees (top left to bottom right)', 'abs', [[2, -1, -1], [-1, 2, -1], [-1, -1, 2]]),
};

export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/** The kernel called `name`, or an error listing the names. */
export function getKernel(name: string): NamedKernel {
  const kernel = (KERNELS as Record<string, NamedKernel | undefined>)[name];
  if (kernel === undefined) throw new Error(`unknown kernel '${name}'; available: ${KERNEL_NAMES.join(', ')}`);
  return kernel;
}
