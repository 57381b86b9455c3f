/**
 * The fusion patterns, in the order they are tried. A pattern looks at a chain of stages in
 * which every intermediate output has exactly one consumer and is not a model output (the planner
 * guarantees that), and either declines or returns how many stages it covers and how to run them
 * as one op. Adding a pattern: write its fused op in src/ops with an exact gradient rule, add a
 * stage kind if the pattern needs one, and add an entry here (DESIGN.md in this folder).
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import type { FusedActivation } from '../backend/kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import { conv2dPointwise, type SeparableBlock, separableOutputShape, stemOutputShape } from '../ops/conv2d-pointwise.js';
import type { UnpaddedConvPool } from '../ops/read-extent.js';
import type { ConvStage, PoolStage, Stage } from './stage.js';

export interface Fusion {
  /** The pattern's name (plans and kernel counts show it). */
  readonly pattern: string;
  /** Stages covered, from the first of the chain. */
  readonly span: number;
  /**
   * Runs the covered stages as one op on the first stage's input, in training or inference mode.
   * `side` holds the other operand of each add stage covered, in chain order (none otherwise).
   */
  run(x: Tensor, training: boolean, side?: readonly Tensor[]): Tensor;
}

export interface Pattern {
  readonly name: string;
  /** The longest chain the pattern can cover. */
  readonly maxSpan: number;
  match(chain: readonly Stage[]): Fusion | null;
}

/** A conv(+bias)(+relu) [-> relu] -> pooling at the start of a chain: what conv2dPool runs, and the stages it covers. */
interface ConvPool { conv: ConvStage; activation: FusedActivation; pool: PoolStage; span: number }

function convPoolAt(chain: readonly Stage[]): ConvPool | null {
  const conv = chain[0];
  if (conv?.kind !== 'conv') return null;
  let activation = conv.activation;
  let next = 1;
  const relu = chain[next];
  if (relu?.kind === 'relu' && relu.activation === 'relu' && activation === 'linear') {
    activation = 'relu';
    next++;
  }
  const pool = chain[next];
  if (pool?.kind !== 'pool' || pool.dataFormat !== conv.dataFormat || activation === 'relu6') return null;
  return { conv, activation, pool, span: next + 1 };
}

/** conv(+bias)(+relu) [-> relu] -> max/min/avg pooling: one Conv2DPool kernel, exact gradients. */
const convPool: Pattern = {
  name: 'conv2dPool',
  maxSpan: 3,
  match(chain) {
    const at = convPoolAt(chain);
    if (at === null) return null;
    const { conv, activation, pool } = at;
    return { pattern: this.name, span: at.span, run: (x) => conv.runWithPool(x, activation, pool.pool) };
  },
};

/**
 * conv-pool -> conv-pool whose second conv and pooling pad nothing: the second reads only a
 * top-left block of the first's pooled map (the seed CNN's conv2 + pool, 13x13 -> 5x5, reads
 * rows and columns 0..11), so in inference the first computes only that block (conv2dPool's
 * `readBy`; its rows and columns are the same values). Exact: the second's output does not depend
 * on the rest. In training both run whole, as two conv2dPool ops.
 */
const convPoolCrop: Pattern = {
  name: 'convPoolCrop',
  maxSpan: 2 * convPool.maxSpan,
  match(chain) {
    const first = convPoolAt(chain);
    const second = first === null ? null : convPoolAt(chain.slice(first.span));
    const reader = second === null ? null : unpaddedReader(second);
    if (first === null || second === null || reader === null) return null;
    const cropped = Object.assign({}, first.pool.pool, { readBy: reader });
    return {
      pattern: this.name, span: first.span + second.span,
      run: (x, training) => {
        const h = first.conv.runWithPool(x, first.activation, training ? first.pool.pool : cropped);
        const y = second.conv.runWithPool(h, second.activation, second.pool.pool);
        freeIntermediate(h);
        return y;
      },
    };
  },
};

/**
 * A fused run's own intermediate, which no caller can reach: freed now when no graph can hold it,
 * else by backward() with the graph (as nn.Sequential frees what passes between its modules),
 * rather than by the garbage collector.
 */
function freeIntermediate(h: Tensor): void {
  if (isGradEnabled()) h.internal = true;
  else h.release();
}

/** The second conv-pool's window where neither pads (the pooling's size and strides as pairs), else null. */
function unpaddedReader({ conv, pool }: ConvPool): UnpaddedConvPool | null {
  const window = conv.unpaddedWindow;
  const { poolSize, strides, padding } = pool.pool;
  if (window === undefined || !(padding === undefined || padding === 'valid' || padding === 0)) return null;
  const size = typeof poolSize === 'number' ? [poolSize, poolSize] as const : poolSize;
  const step = strides === undefined ? size : typeof strides === 'number' ? [strides, strides] as const : strides;
  return Object.assign({}, window, { poolSize: size, poolStrides: step });
}

/** conv or dense with a linear epilogue -> relu or relu6: the activation moves into the kernel's epilogue. */
const reluEpilogue: Pattern = {
  name: 'reluEpilogue',
  maxSpan: 2,
  match(chain) {
    const [first, relu] = chain;
    if ((first?.kind !== 'conv' && first?.kind !== 'dense') || first.activation !== 'linear' || relu?.kind !== 'relu') return null;
    return { pattern: this.name, span: 2, run: (x) => first.runWith(x, relu.activation) };
  },
};

/** The other operand of the first add stage a fusion covers (the planner passes one per add stage). */
function shortcutOf(side: readonly Tensor[] | undefined, pattern: string): Tensor {
  const shortcut = side?.[0];
  if (shortcut === undefined) throw new Error(`${pattern}: the add's other operand was not passed to the fused op`);
  return shortcut;
}

/**
 * conv(+bias, linear) -> add(shortcut) -> relu or relu6: the shortcut is added in the conv
 * kernel's output pass, before the activation (a residual block at inference, after convBnFold).
 * Exact: the op's gradient is the chain's (dy after the activation's gradient goes to the conv and,
 * unchanged, to the shortcut).
 */
const convAddRelu: Pattern = {
  name: 'convAddRelu',
  maxSpan: 3,
  match(chain) {
    const [conv, add, relu] = chain;
    if (conv?.kind !== 'conv' || conv.activation !== 'linear' || conv.runWithResidual === undefined || add?.kind !== 'add' || relu?.kind !== 'relu') return null;
    const run = conv.runWithResidual.bind(conv);
    return { pattern: this.name, span: 3, run: (x, _training, side) => run(x, relu.activation, shortcutOf(side, this.name)) };
  },
};

/**
 * conv(+bias) -> batch norm in inference: the normalization folds into the conv's weights
 * (conv-bn-fold.ts), and the folded conv may then fuse what follows it by the other patterns
 * (relu into its epilogue, a pooling). The conv must have a linear epilogue (a relu before the
 * norm does not fold) and normalize the same channel axis.
 */
const convBnFold: Pattern = {
  name: 'convBnFold',
  maxSpan: 2 + Math.max(convPool.maxSpan, convAddRelu.maxSpan) - 1,
  match(chain) {
    const [conv, bn] = chain;
    if (conv?.kind !== 'conv' || bn?.kind !== 'batchNorm' || bn.fold === undefined || conv.activation !== 'linear' || bn.dataFormat !== conv.dataFormat) return null;
    const fold = bn.fold.bind(bn);
    const { weights, withWeights } = conv;
    if (weights === undefined || withWeights === undefined) return null;
    // The fold is computed when the fused op runs, not while planning.
    const foldedConv = () => withWeights(fold(weights));
    const folded: ConvStage = {
      kind: 'conv', activation: 'linear', dataFormat: conv.dataFormat, ...(conv.unpaddedWindow === undefined ? {} : { unpaddedWindow: conv.unpaddedWindow }),
      runWith: (x, activation) => foldedConv().runWith(x, activation),
      runWithPool: (x, activation, pool) => foldedConv().runWithPool(x, activation, pool),
      ...(conv.runWithResidual === undefined ? {} : { runWithResidual: (x: Tensor, activation: FusedActivation, residual: Tensor) => foldedConv().runWithResidual!(x, activation, residual) }),
    };
    const rest = matchFirst(AFTER_FOLD, [folded, ...chain.slice(2)]);
    if (rest === null) return { pattern: this.name, span: 2, run: (x) => folded.runWith(x, 'linear') };
    return { pattern: `${this.name}+${rest.pattern}`, span: 1 + rest.span, run: rest.run };
  },
};

/** The patterns a folded conv may go on with. */
const AFTER_FOLD: readonly Pattern[] = [convPool, convAddRelu, reluEpilogue];

/**
 * batch norm -> relu or relu6: the activation runs in the batch norm's training kernels (both ways). Not for a
 * batch norm in inference (one that can fold), which has no training kernel to put it in.
 */
const batchNormRelu: Pattern = {
  name: 'batchNormRelu',
  maxSpan: 2,
  match(chain) {
    const bn = chain[0];
    const relu = chain[1];
    if (bn?.kind !== 'batchNorm' || bn.fold !== undefined || relu?.kind !== 'relu') return null;
    return { pattern: this.name, span: 2, run: (x, training) => bn.runWithRelu(x, training, relu.activation) };
  },
};

/**
 * batch norm in training -> add(shortcut) -> relu or relu6: BatchNormTraining adds the shortcut in
 * its apply pass before the activation; BatchNormTrainingGrad masks dy by the output and writes the
 * masked dy as the shortcut's gradient in its own apply pass (a residual block's second norm), so
 * no Binary add, Unary relu or UnaryGrad runs.
 */
const batchNormAddRelu: Pattern = {
  name: 'batchNormAddRelu',
  maxSpan: 3,
  match(chain) {
    const [bn, add, relu] = chain;
    if (bn?.kind !== 'batchNorm' || bn.fold !== undefined || bn.runWithResidual === undefined || add?.kind !== 'add' || relu?.kind !== 'relu') return null;
    const run = bn.runWithResidual.bind(bn);
    return { pattern: this.name, span: 3, run: (x, training, side) => run(x, training, relu.activation, shortcutOf(side, this.name)) };
  },
};

/** The patterns a batch norm in training goes on with after convBnTrain. */
const AFTER_NORM: readonly Pattern[] = [batchNormRelu, batchNormAddRelu];

/**
 * conv(+bias, linear) -> batch norm in training: the norm subtracts each channel's batch mean, so
 * the conv's bias changes neither the norm's output nor the loss. The conv runs without it (no bias
 * pass forward, no Reduce of dy for its gradient), and the norm runs on x + bias
 * (BatchNormStage.withMeanShift, ops.batchNormTraining's `shift`): the same output, the bias's
 * exact gradient (zero), and the moving mean following the batch mean + bias, as without the
 * fusion. The norm then goes on with batchNormRelu or batchNormAddRelu.
 */
const convBnTrain: Pattern = {
  name: 'convBnTrain',
  maxSpan: 1 + Math.max(batchNormRelu.maxSpan, batchNormAddRelu.maxSpan),
  match(chain) {
    const [conv, bn] = chain;
    if (conv?.kind !== 'conv' || bn?.kind !== 'batchNorm' || bn.withMeanShift === undefined || conv.activation !== 'linear' || bn.dataFormat !== conv.dataFormat) return null;
    const { weights, withWeights } = conv;
    if (weights?.bias == null || withWeights === undefined || weights.outAxes.length !== 1) return null;
    const unbiased = withWeights({ kernel: weights.kernel, bias: null, outAxes: weights.outAxes });
    const shifted = bn.withMeanShift(weights.bias);
    const rest = matchFirst(AFTER_NORM, [shifted, ...chain.slice(2)]);
    const norm: Fusion['run'] = rest === null ? (z, training) => shifted.runWithRelu(z, training, 'linear') : rest.run;
    return {
      pattern: rest === null ? this.name : `${this.name}+${rest.pattern}`,
      span: 1 + (rest === null ? 1 : rest.span),
      run: (x, training, side) => {
        const h = unbiased.runWith(x, 'linear');
        const y = norm(h, training, side);
        freeIntermediate(h);
        return y;
      },
    };
  },
};

/**
 * zero padding -> conv: the padding becomes the conv's own (ConvStage.withPadding), so no Pad runs
 * forward and no Slice backward, and the conv kernels skip the padded taps instead of multiplying
 * zeros. Exact: the conv of the padded input is the conv with the larger padding, and so are its
 * gradients. The padded conv then goes on with the patterns a conv starts (a batch norm fold, a
 * relu epilogue, a pooling).
 */
const zeroPadConv: Pattern = {
  name: 'zeroPadConv',
  maxSpan: 1 + Math.max(convBnFold.maxSpan, convBnTrain.maxSpan),
  match(chain) {
    const [pad, conv] = chain;
    if (pad?.kind !== 'zeroPad' || conv?.kind !== 'conv' || conv.withPadding === undefined || pad.dataFormat !== conv.dataFormat) return null;
    const padded = conv.withPadding(pad.padding);
    const rest = matchFirst(CONV_STARTED, [padded, ...chain.slice(2)]);
    if (rest === null) return { pattern: this.name, span: 2, run: (x) => padded.runWith(x, padded.activation) };
    return { pattern: `${this.name}+${rest.pattern}`, span: 1 + rest.span, run: rest.run };
  },
};

/** The patterns that start at a conv, for a padded conv to go on with. */
const CONV_STARTED: readonly Pattern[] = [convBnFold, convBnTrain, convPool, convAddRelu, reluEpilogue];

/**
 * A conv that a chain starts at `at`, as the other patterns would run it: [zero padding ->] conv
 * [-> batch norm folded in inference] [-> relu / relu6 into its epilogue]. `make` builds the conv
 * with the padding and the fold when the fused op runs (a fold is not computed while planning).
 */
interface LeadingConv { stage: ConvStage; make: () => ConvStage; activation: FusedActivation; span: number }

function leadingConv(chain: readonly Stage[], at: number, allowPadding: boolean): LeadingConv | null {
  let i = at;
  const pad = chain[i];
  if (pad?.kind === 'zeroPad' && !allowPadding) return null;
  if (pad?.kind === 'zeroPad') i++;
  const conv = chain[i++];
  if (conv?.kind !== 'conv') return null;
  let stage: ConvStage = conv;
  if (pad?.kind === 'zeroPad') {
    if (conv.withPadding === undefined || pad.dataFormat !== conv.dataFormat) return null;
    stage = conv.withPadding(pad.padding);
  }
  let make = () => stage;
  const bn = chain[i];
  const { weights, withWeights } = stage;
  if (bn?.kind === 'batchNorm' && bn.fold !== undefined && stage.activation === 'linear' && bn.dataFormat === stage.dataFormat && weights !== undefined && withWeights !== undefined) {
    const fold = bn.fold.bind(bn);
    make = () => withWeights(fold(weights));
    i++;
  }
  let activation = stage.activation;
  const relu = chain[i];
  if (activation === 'linear' && relu?.kind === 'relu') {
    activation = relu.activation;
    i++;
  }
  return { stage, make, activation, span: i - at };
}

/** The most depthwise -> pointwise blocks one convPointwise covers (mobilenet-mini has four). */
const MAX_POINTWISE_BLOCKS = 8;

/**
 * depthwise conv -> pointwise conv, each with what the other patterns would fuse into it (a zero
 * padding before the depthwise conv, a folded batch norm and a relu / relu6 after each), as many
 * such blocks as follow each other, and a global average pooling after them if one follows: one
 * conv2dPointwise op, whose kernel takes each image through every block with its intermediates in
 * cache (a MobileNet's body at inference). An ungrouped conv just before the first block (the
 * stem, with its padding, folded norm and relu) joins as the op's stem, so its output stays in
 * cache too. Exact: the op is the convs and the mean (and runs as them while a graph records).
 */
const convPointwise: Pattern = {
  name: 'convPointwise',
  maxSpan: 4 + 7 * MAX_POINTWISE_BLOCKS + 1,
  match(chain) {
    const blocks: [LeadingConv, LeadingConv][] = [];
    const lead = leadingConv(chain, 0, true);
    const stem = lead !== null && lead.stage.separableBlock === undefined && lead.stage.pointwiseStem !== undefined ? lead : null;
    let at = stem === null ? 0 : stem.span;
    while (blocks.length < MAX_POINTWISE_BLOCKS) {
      const first = leadingConv(chain, at, true);
      if (first === null || first.stage.separableBlock === undefined) break;
      const second = leadingConv(chain, at + first.span, false);
      if (second === null || second.stage.pointwise === undefined || second.stage.dataFormat !== first.stage.dataFormat) break;
      if (first.stage.dataFormat !== (stem ?? blocks[0]?.[0] ?? first).stage.dataFormat) break;
      blocks.push([first, second]);
      at += first.span + second.span;
    }
    if (blocks.length === 0) return null;
    const pool = chain[at];
    const mean = pool?.kind === 'globalAvgPool' && pool.dataFormat === blocks[0]![0].stage.dataFormat ? { keepdims: pool.keepdims } : undefined;
    return {
      pattern: `${stem === null ? '' : 'stem+'}${this.name}${blocks.length > 1 ? `x${blocks.length}` : ''}${mean === undefined ? '' : '+globalAvgPool'}`,
      span: at + (mean === undefined ? 0 : 1),
      run: (x) => {
        if (stem === null) return conv2dPointwise(x, separableBlocks(x.shape, blocks), mean);
        const conv = stem.make().pointwiseStem!(x.shape, stem.activation);
        return conv2dPointwise(x, separableBlocks(stemOutputShape(x.shape, conv), blocks), mean, conv);
      },
    };
  },
};

/** The blocks' convs as the op takes them, each for the shape its input will have. */
function separableBlocks(inputShape: readonly number[], blocks: readonly [LeadingConv, LeadingConv][]): SeparableBlock[] {
  let shape = inputShape;
  return blocks.map(([a, b]) => {
    const next = Object.assign(b.make().pointwise!(), { activation: b.activation });
    const block = a.make().separableBlock!(shape, a.activation, next);
    shape = separableOutputShape(shape, block);
    return block;
  });
}

export const PATTERNS: readonly Pattern[] = [convPointwise, zeroPadConv, convBnFold, convBnTrain, convPoolCrop, convPool, convAddRelu, reluEpilogue, batchNormRelu, batchNormAddRelu];

/** The first pattern of `patterns` that matches `chain`. */
export function matchFirst(patterns: readonly Pattern[], chain: readonly Stage[]): Fusion | null {
  for (const pattern of patterns) {
    const fusion = pattern.match(chain);
    if (fusion !== null) return fusion;
  }
  return null;
}
