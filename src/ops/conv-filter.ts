/**
 * A conv's filter as the kernels read it (HWIO) and as the graph records it. A caller that holds
 * its filter in another axis order (nn's OIHW weights, `Conv2DOptions.filterAxes`) gets an
 * unrecorded relabelling for the kernels, a view with no copy when the storage already is HWIO
 * (nn.Conv2d keeps it so: tensor/layout.ts). The op records the caller's tensor itself as its
 * input and relabels the filter gradient back to that tensor's shape inside its own rule: the
 * values and bits are a recorded transpose's, without its graph node, rule call and view per step.
 */
import { engine } from '../backend/engine.js';
import { inversePerm } from '../tensor/layout.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ConvFilter {
  /** [kh, kw, in / groups, out]: what the kernels read. */
  readonly hwio: Tensor;
  /** What the op records as its input and gives the filter gradient to. */
  readonly input: Tensor;
  /** hwio = transpose(input, axes); null when input is hwio. */
  readonly axes: readonly number[] | null;
}

/** `filter` read through `axes` (the HWIO order of its axes), or as given without them. */
export function convFilter(filter: Tensor, axes: readonly number[] | undefined): ConvFilter {
  if (axes === undefined) return { hwio: filter, input: filter, axes: null };
  if (filter.rank !== 4 || !isPermutationOf4(axes)) throw new Error(`conv2d: filterAxes must order a 4-D filter's axes 0..3 once each, got [${axes.join(', ')}] for a filter of rank ${filter.rank}`);
  return { hwio: engine.permuteView(filter, axes), input: filter, axes };
}

/** Whether p holds 0..3 once each (a bit mask: this runs per conv and step). */
function isPermutationOf4(p: readonly number[]): boolean {
  let seen = 0;
  for (let i = 0; i < p.length; i++) seen |= Number.isInteger(p[i]) && p[i]! >= 0 && p[i]! < 4 ? 1 << p[i]! : 16;
  return p.length === 4 && seen === 15;
}

/** The op's own relabelled view, which only its gradient rule reads (GradNode.owned), if any. */
export function ownView(f: ConvFilter): Tensor | null {
  return f.hwio === f.input ? null : f.hwio;
}

/** The HWIO filter gradient `dw` in the shape (and, a view, the stored order) of the recorded input. */
export function inputGradient(f: ConvFilter, dw: Tensor): Tensor {
  return f.axes === null ? dw : engine.permuteView(dw, inversePerm(f.axes));
}
