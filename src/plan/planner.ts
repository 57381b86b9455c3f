/**
 * The fusion planner: given a model as a graph of stages (a Sequential chain, a functional
 * model's nodes, an nn.Sequential's modules), decides which runs of stages execute as one fused
 * op. A run is fused only where each intermediate output has a single consumer and is not an
 * output of the model, so no caller can see, or ask the gradient of, what the fused op does not
 * produce. Planning is a linear walk over the nodes, cheap enough to redo on every call.
 */
import { type Fusion, matchFirst, PATTERNS } from './patterns.js';
import type { Stage } from './stage.js';

export interface PlanNode {
  stage: Stage;
  /** Indices of the nodes whose outputs this node takes, in order; -1 for a model input. */
  inputs: readonly number[];
}

/** Input `slot` of node `node`: the other operand of an add stage that a chain runs through. */
export interface SideInput {
  node: number;
  slot: number;
}

/**
 * One step of a plan: a node run as it is, or a fused run of nodes ending at `last`, whose add
 * stages take their other operands from `sides` (in chain order; Fusion.run's `side`).
 */
export type PlanStep =
  | { kind: 'node'; node: number }
  | { kind: 'fused'; nodes: readonly number[]; fusion: Fusion; sides: readonly SideInput[] };

/**
 * The plan for `nodes` (in an order where inputs come first); `outputs` are the nodes whose
 * values leave the model. Every node appears in exactly one step; a fused step's value is its
 * last node's, and it runs where its last node would have run, so every side operand of its add
 * stages (produced before that node) is ready.
 */
export function plan(nodes: readonly PlanNode[], outputs: ReadonlySet<number>): PlanStep[] {
  if (suspended > 0) return nodes.map((_, node) => ({ kind: 'node', node }));
  const consumers = consumersOf(nodes);
  const stepAt: PlanStep[][] = nodes.map(() => []);
  const covered = new Set<number>();
  for (let i = 0; i < nodes.length; i++) {
    if (covered.has(i)) continue;
    const chain = chainFrom(i, nodes, consumers, outputs, covered);
    const fusion = matchAt(chain.map((n) => nodes[n]!.stage));
    if (fusion === null) {
      stepAt[i]!.push({ kind: 'node', node: i });
      continue;
    }
    const fused = chain.slice(0, fusion.span);
    fused.forEach((n) => covered.add(n));
    const sides = fused.slice(1).flatMap((n, k) => sideOf(nodes[n]!, n, fused[k]!));
    stepAt[fused.at(-1)!]!.push({ kind: 'fused', nodes: fused, fusion, sides });
  }
  return stepAt.flat();
}

/** Node n's inputs other than its chain predecessor `prev` (an add stage's shortcut), as side inputs. */
function sideOf(node: PlanNode, n: number, prev: number): SideInput[] {
  return node.inputs.flatMap((input, slot) => (input === prev ? [] : [{ node: n, slot }]));
}

let suspended = 0;

/** Whether fusion is off now (inside `withoutFusion`). */
export function fusionSuspended(): boolean {
  return suspended > 0;
}

/** The longest chain any pattern covers. */
export const MAX_SPAN = Math.max(...PATTERNS.map((p) => p.maxSpan));

/**
 * Runs `fn` with nothing fused: every layer and module runs on its own. For inspection that
 * watches each one run (feature maps, window-op traces, summaries), which a fused op would skip.
 */
export function withoutFusion<R>(fn: () => R): R {
  suspended++;
  try {
    return fn();
  } finally {
    suspended--;
  }
}

/** The plan of a straight chain (node i takes node i - 1's output; the last is the output). */
export function planChain(stages: readonly Stage[]): PlanStep[] {
  const nodes = stages.map((stage, i) => ({ stage, inputs: i === 0 ? [] : [i - 1] }));
  return plan(nodes, new Set([stages.length - 1]));
}

function consumersOf(nodes: readonly PlanNode[]): number[][] {
  const consumers: number[][] = nodes.map(() => []);
  nodes.forEach((node, j) => node.inputs.forEach((i) => {
    if (i >= 0) consumers[i]!.push(j);
  }));
  return consumers;
}

/**
 * Node i and the nodes after it that may fuse with it: each next one is the only consumer of the
 * previous, takes nothing else (an add stage of two inputs excepted: its other input becomes the
 * fused op's side operand), is in no fused step yet, and the previous is no model output.
 */
function chainFrom(i: number, nodes: readonly PlanNode[], consumers: readonly number[][], outputs: ReadonlySet<number>, covered: ReadonlySet<number>): number[] {
  const chain = [i];
  let last = i;
  while (chain.length < MAX_SPAN && !outputs.has(last) && consumers[last]!.length === 1) {
    const next = consumers[last]![0]!;
    const node = nodes[next]!;
    const joins = node.stage.kind === 'add' && node.inputs.length === 2;
    if ((node.inputs.length !== 1 && !joins) || covered.has(next)) break;
    chain.push(next);
    last = next;
  }
  return chain;
}

function matchAt(chain: readonly Stage[]): Fusion | null {
  return matchFirst(PATTERNS, chain);
}
