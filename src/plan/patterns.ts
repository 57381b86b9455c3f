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
  /** Runs the covered stages as one op on the first stage's input, in training or inference mode. */
  run(x: Tensor, training: boolean): Tensor;
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

/** batch norm -> relu: the relu runs in the batch norm's training kernels (both ways). */
const batchNormRelu: Pattern = {
  name: 'batchNormRelu',
  maxSpan: 2,
  match(chain) {
    const bn = chain[0];
    if (bn?.kind !== 'batchNorm' || chain[1]?.kind !== 'relu') return null;
    return { pattern: this.name, span: 2, run: (x, training) => bn.runWithRelu(x, training) };
  },
};

export const PATTERNS: readonly Pattern[] = [convPool, reluEpilogue, batchNormRelu];
