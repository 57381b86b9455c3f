/**
 * The fusion patterns, in the order they are tried. A pattern looks at a chain of stages in
 * which every intermediate output has exactly one consumer and is not a model output (the planner
 * guarantees that), and either declines or returns how many stages it covers and how to run them
 * as one op. Adding a pattern: write its fused op in src/ops with an exact gradient rule, add a
 * stage kind if the pattern needs one, and add an entry here (DESIGN.md in this folder).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Stage } from './stage.js';

export interface Fusion {
  /** The pattern's name (plans and kernel counts show it). */
  readonly pattern: string;
  /** Stages covered, from the first of the chain. */
  readonly span: number;
  /** Runs the covered stages as one op on the first stage's input. */
  run(x: Tensor): Tensor;
}

export interface Pattern {
  readonly name: string;
  /** The longest chain the pattern can cover. */
  readonly maxSpan: number;
  match(chain: readonly Stage[]): Fusion | null;
}

/** conv(+bias)(+relu) [-> relu] -> max/min/avg pooling: one Conv2DPool kernel, exact gradients. Tried first. */
const convPool: Pattern = {
  name: 'conv2dPool',
  maxSpan: 3,
  match(chain) {
    const conv = chain[0];
    if (conv?.kind !== 'conv') return null;
    let activation = conv.activation;
    let next = 1;
    if (chain[next]?.kind === 'relu' && activation === 'linear') {
      activation = 'relu';
      next++;
    }
    const pool = chain[next];
    if (pool?.kind !== 'pool' || pool.dataFormat !== conv.dataFormat) return null;
    return { pattern: this.name, span: next + 1, run: (x) => conv.runWithPool(x, activation, pool.pool) };
  },
};

/** conv or dense with a linear epilogue -> relu: the relu moves into the kernel's epilogue. */
const reluEpilogue: Pattern = {
  name: 'reluEpilogue',
  maxSpan: 2,
  match(chain) {
    const first = chain[0];
    if ((first?.kind !== 'conv' && first?.kind !== 'dense') || first.activation !== 'linear' || chain[1]?.kind !== 'relu') return null;
    return { pattern: this.name, span: 2, run: (x) => first.runWith(x, 'relu') };
  },
};

/**
 * zero padding -> conv [-> relu]: the padding becomes the conv's own, so no Pad runs forward and no
 * Slice backward, and the conv kernels skip the padded taps instead of multiplying zeros. Exact:
 * the conv of the padded input is the conv with the larger padding, and so are its gradients.
 */
const zeroPadConv: Pattern = {
  name: 'zeroPadConv',
  maxSpan: 3,
  match(chain) {
    const pad = chain[0], conv = chain[1];
    if (pad?.kind !== 'zeroPad' || conv?.kind !== 'conv' || conv.runPadded === undefined || pad.dataFormat !== conv.dataFormat) return null;
    const relu = conv.activation === 'linear' && chain[2]?.kind === 'relu';
    const runPadded = conv.runPadded;
    return { pattern: this.name, span: relu ? 3 : 2, run: (x) => runPadded(x, pad.padding, relu ? 'relu' : conv.activation) };
  },
};

export const PATTERNS: readonly Pattern[] = [convPool, reluEpilogue, zeroPadConv];
