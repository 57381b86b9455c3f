/**
 * Deferred chains: the planner's fusions for an nn forward written with F calls, such as the slide's
 * `F.maxPool2d(F.relu(this.conv1.forward(x)), 2)`, where no graph is given in advance. Rather than
 * tracing a step and replaying it under guards, the graph is seen as it is built, lazily:
 * - a module that can start a pattern (Conv2d, Linear) returns its output deferred: a tensor whose
 *   value is computed when first read (tensor.ts `Deferred`), the first step of a chain;
 * - relu or pooling applied to the open end of a chain extends the chain instead of running;
 * - the chain runs as `planChain` plans it (src/plan patterns) when it cannot grow (pooling ends
 *   every pattern, or it reached the longest pattern) or as soon as anything else reads one of its
 *   tensors (values, another op, a gradient node).
 * So a fused op runs only where each intermediate had a single consumer and nobody had asked for
 * it. An intermediate that is read after its fused op ran is computed then by the unfused ops, and
 * the fused output's gradient rule is replaced by the unfused chain's (same values), so values and
 * gradients stay exact whatever the user code does. The plan of a chain is kept by the module that
 * begins it (kept-plan.ts) while its stages stay the same objects, so a training loop plans each
 * chain once; a change of module, weight Parameter or chain length plans afresh, and shapes do not
 * enter the plan.
 *
 * Feature maps are handed back (Tensor.handBack): their storage freed while the tensor stays, its
 * value computed again if read later. With a graph, backward() does it when it frees the graph. Without
 * one (inference), a chain hands back its input, another chain's output, once it has run: the next
 * block consumed it, and a forward's `x = ...` leaves the map to the collector otherwise. A module
 * whose handed-back output was needed again (a shortcut or a second branch read it) keeps its outputs
 * from then on, as a JIT drops an assumption that failed once.
 */
import { isGradEnabled, withGradMode } from '../autograd/grad-mode.js';
import { trackTensor } from '../tensor/scope.js';
import { type Deferred, type Storage, Tensor } from '../tensor/tensor.js';
import { KeptPlan } from './kept-plan.js';
import { fusionSuspended, MAX_SPAN, planChain, type PlanStep } from './planner.js';
import { shapesEqual } from '../tensor/shape.js';
import { ADD, type Stage } from './stage.js';

/** One step of a chain: what the planner sees of it, and how to run it alone. */
export interface ChainStep {
  readonly stage: Stage;
  /** The step's output shape (its deferred tensor's). */
  readonly shape: readonly number[];
  run(x: Tensor): Tensor;
  /** Tensors the step reads besides its input (weights): a late run needs them unchanged. */
  readonly operands?: readonly (Tensor | null)[];
  /** The module that began the chain: where what its outputs' consumers did is remembered. */
  readonly site?: object;
  /** An add step's other operand (the shortcut), which a fused op takes as its side operand. */
  readonly side?: Tensor;
}

/**
 * Sites whose output, handed back without a graph, was read again: each read computes the chain
 * again, so their outputs are kept. Modules, not tensors: nothing here carries values between ops.
 */
const readAfterHandBack = new WeakSet<object>();

/** The plans of the chains each module began (kept-plan.ts); one KeptPlan per module, made once. */
const keptPlans = new WeakMap<object, KeptPlan>();

/** The plan of `stages`, a chain that `site` began: kept by the site while its stages stay the same. */
function planOf(site: object | undefined, stages: readonly Stage[]): PlanStep[] {
  if (site === undefined) return planChain(stages);
  let kept = keptPlans.get(site);
  if (kept === undefined) keptPlans.set(site, (kept = new KeptPlan()));
  return kept.of(stages);
}

/**
 * Steps computing again a value their chain already gave (a handed-back output read later, or an
 * intermediate of a fused step read after it ran). A batch norm in training updates its running
 * statistics only when its chain first runs, not when a step replays.
 */
let replaying = 0;

/** Whether a deferred chain is computing again a value it gave before (see `replaying`). */
export function isReplayingChain(): boolean {
  return replaying > 0;
}

function replay(run: () => void): void {
  replaying++;
  try {
    run();
  } finally {
    replaying--;
  }
}

/** Chains running now: one computes the chains its input or shortcut come from inside its own run. */
let runningChains = 0;
/** Maps consumed by chains that ran inside another: given back when the outermost one is done. */
const consumedMaps: Tensor[] = [];

/**
 * Hands back `maps` once no chain is running: a chain that ran to give another its input must not
 * give back its own input while the outer chain still reads it as its shortcut (a residual block's
 * first conv consumes the block input, which the join after the second conv adds).
 */
function handBackAfterRuns(maps: readonly Tensor[]): void {
  consumedMaps.push(...maps);
  if (runningChains > 0) return;
  for (const map of consumedMaps.splice(0)) map.handBack();
}

const NO_SIDES: readonly Tensor[] = [];

/** The deferred value of a chain's i-th output. */
class Link implements Deferred {
  constructor(
    readonly chain: Chain,
    readonly index: number,
  ) {}

  resolve(): void {
    this.chain.resolveAt(this.index);
  }
}

class Chain {
  readonly steps: ChainStep[] = [];
  readonly outs: Tensor[] = [];
  /** Each output's deferred value: what a handed-back output (Tensor.handBack) is computed by again. */
  readonly links: Link[] = [];
  /** The storage each step's operands had when the step was asked for. */
  readonly #operandStorages: (Storage | null)[][] = [];
  /** Set when the chain has run. */
  #plan: PlanStep[] | null = null;

  constructor(
    readonly input: Tensor,
    /** Whether the graph was being recorded when the chain began; it runs in that mode. */
    readonly recording: boolean,
  ) {}

  get open(): boolean {
    return this.#plan === null;
  }

  append(step: ChainStep): Tensor {
    const link = new Link(this, this.steps.length);
    this.links.push(link);
    const out = new Tensor(link, step.shape, 'float32');
    trackTensor(out);
    this.steps.push(step);
    this.outs.push(out);
    this.#operandStorages.push((step.operands ?? []).map((t) => t?.storage ?? null));
    return out;
  }

  /** Runs the chain as planned: the outputs that end a plan step get their values. */
  run(): void {
    const plan = planOf(this.steps[0]!.site, this.steps.map((s) => s.stage));
    this.#plan = plan;
    runningChains++;
    try {
      withGradMode(this.recording, () => {
        let h = this.input;
        for (const step of plan) {
          const last = step.kind === 'node' ? step.node : step.nodes[step.nodes.length - 1]!;
          // A batch norm's stage reads its module's own mode (as in nn.Sequential), so no mode is passed.
          const sides = step.kind === 'node' ? [] : this.sides(step.nodes);
          const value = step.kind === 'node' ? this.steps[last]!.run(h) : step.fusion.run(h, false, sides);
          const next = this.#fulfil(last, value);
          // Without a graph nothing but the chain's output, which took its storage, reaches the step's
          // own result: released now rather than left to the collector (the Linear's logits per batch).
          if (!this.recording && value !== next && value !== h && !sides.includes(value)) value.release();
          h = next;
        }
      });
    } finally {
      runningChains--;
    }
    // Without a graph nothing else needs the input (or a shortcut): a map nobody read is given back.
    if (!this.recording) handBackAfterRuns([this.input, ...this.steps.flatMap((s) => s.side ?? [])]);
  }

  /** The side operands of the add steps among `nodes` (after the first), in chain order. */
  private sides(nodes: readonly number[]): readonly Tensor[] {
    let sides: Tensor[] | null = null;
    for (let k = 1; k < nodes.length; k++) {
      const side = this.steps[nodes[k]!]!.side;
      if (side !== undefined) (sides ??= []).push(side);
    }
    // No add step (every chain of a plain CNN): one shared empty list, no arrays per run.
    return sides ?? NO_SIDES;
  }

  /**
   * Gives output i its value; returns what the next step takes: the chain's own tensor, so the
   * graph runs through it (a gradient asked of it is found), unless a step scope released it.
   */
  #fulfil(i: number, value: Tensor): Tensor {
    const out = this.outs[i]!;
    if (out.deferred === null) return out.isReleased ? value : out;
    out.fulfil(value);
    // With a graph, backward() may hand the value back (and the step's own result, which shares its
    // storage and which only the graph's rules read); a late read computes it again.
    if (value !== out && this.mayHandBack()) out.recomputable(this.links[i]!, value);
    return out;
  }

  /** Whether this chain's outputs may be handed back (with a graph, always; without, see readAfterHandBack). */
  private mayHandBack(): boolean {
    if (this.recording) return true;
    const site = this.steps[0]!.site;
    return site !== undefined && !readAfterHandBack.has(site);
  }

  resolveAt(i: number): void {
    if (this.open) this.run();
    if (this.outs[i]!.deferred === null) return;
    const step = this.#plan!.find((s) => (s.kind === 'node' ? [s.node] : s.nodes).includes(i));
    if (step === undefined) throw new Error(`deferred chain: output ${i} is in no step of its plan`);
    const nodes = step.kind === 'node' ? [step.node] : step.nodes;
    if (i === nodes[nodes.length - 1]) this.recompute(step, nodes);
    else this.runUnfused(nodes);
  }

  /** Computes again the output of a plan step that backward() handed back (Tensor.handBack). */
  private recompute(step: PlanStep, nodes: readonly number[]): void {
    this.checkOperandsUnchanged(nodes);
    const site = this.steps[0]!.site;
    if (!this.recording && site !== undefined) readAfterHandBack.add(site);
    replay(() => withGradMode(this.recording, () => {
      const first = nodes[0]!;
      const h = first === 0 ? this.input : this.outs[first - 1]!;
      this.#fulfil(nodes[nodes.length - 1]!, step.kind === 'node' ? this.steps[step.node]!.run(h) : step.fusion.run(h, false, this.sides(nodes)));
    }));
  }

  /**
   * Computes the intermediates of a fused step with the unfused ops, and routes the fused output's
   * gradient through them: its rule becomes the unfused chain's, whose value it already has.
   */
  private runUnfused(nodes: readonly number[]): void {
    this.checkOperandsUnchanged(nodes);
    replay(() => withGradMode(this.recording, () => {
      const first = nodes[0]!;
      let h = first === 0 ? this.input : this.outs[first - 1]!;
      for (const n of nodes.slice(0, -1)) {
        h = this.#fulfil(n, this.steps[n]!.run(h));
      }
      const fused = this.outs[nodes[nodes.length - 1]!]!;
      const unfused = this.steps[nodes[nodes.length - 1]!]!.run(h);
      // Handed back by backward(): it takes the unfused value. Otherwise a graph already freed by
      // backward() stays freed.
      if (fused.deferred !== null) fused.fulfil(unfused);
      else if (fused.gradNode !== null) fused.gradNode = unfused.gradNode;
    }));
  }

  private checkOperandsUnchanged(nodes: readonly number[]): void {
    for (const n of nodes) {
      const operands = this.steps[n]!.operands ?? [];
      if (operands.some((t, k) => (t?.storage ?? null) !== this.#operandStorages[n]![k])) {
        throw new Error(
          'an intermediate of a fused forward (say the conv output before F.relu and F.maxPool2d) was first read after its ' +
            "module's weights changed (optimizer.step); read it before the weights change, or run the forward inside withoutFusion",
        );
      }
    }
  }
}

/** Whether `t` is an output of a chain that has not run yet (a handed-back output's chain has). */
export function waitsInOpenChain(t: Tensor): boolean {
  const link = t.deferred;
  return link instanceof Link && link.chain.open;
}

/**
 * a + b as the next step of the chain one of them ends (a residual block's join, its other operand
 * the side one), deferred; null otherwise: the caller then adds them with `add`, which also runs a
 * late or unfused join (a + b and b + a are the same floats). With a graph, the fused op's gradient
 * rule gives the side operand its gradient (BatchNormTrainingGrad and the conv's residual write it).
 */
export function deferAdd(a: Tensor, b: Tensor, add: (a: Tensor, b: Tensor) => Tensor): Tensor | null {
  if (a === b || a.dtype !== 'float32' || b.dtype !== 'float32' || !shapesEqual(a.shape, b.shape)) return null;
  for (const [x, side] of [[a, b], [b, a]] as const) {
    if (!(x.deferred instanceof Link)) continue;
    const out = deferNext(x, { stage: ADD, shape: x.shape, run: (h) => add(h, side), side });
    if (out !== null) return out;
  }
  return null;
}

/**
 * A module's output as the first step of a new chain, deferred; null when nothing may be deferred
 * (fusion is off, or the step is no pattern's first): the caller then runs the step at once.
 */
export function deferFirst(x: Tensor, step: ChainStep): Tensor | null {
  if (fusionSuspended() || (step.stage.kind !== 'conv' && step.stage.kind !== 'dense')) return null;
  return new Chain(x, isGradEnabled()).append(step);
}

/**
 * `step` applied to `x` as the next step of the chain `x` ends, deferred (or run, when the chain
 * cannot grow further); null when `x` is not the open end of a chain: the caller then runs the
 * step on `x`, which computes x first.
 */
export function deferNext(x: Tensor, step: ChainStep): Tensor | null {
  const link = x.deferred;
  if (!(link instanceof Link)) return null;
  const chain = link.chain;
  if (!chain.open || link.index !== chain.steps.length - 1 || chain.recording !== isGradEnabled() || fusionSuspended()) return null;
  const out = chain.append(step);
  if (step.stage.kind === 'pool' || chain.steps.length >= MAX_SPAN) chain.run();
  return out;
}
