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

/** conv(+bias)(+relu) [-> relu] -> max/min/avg pooling: one Conv2DPool kernel, exact gradients. */
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

export const PATTERNS: readonly Pattern[] = [convPool];
