/**
 * A plan kept across calls of one owner (an nn.Sequential, or the module that begins a deferred
 * chain): the same stages give the same plan, so a training loop plans once, not at every step.
 *
 * The plan is a pure function of the stages (planChain reads nothing else but `withoutFusion`,
 * which bypasses the memo), so the memo keys on the stages themselves: each must be the very object
 * planned last time, except a pool stage, which F.maxPool2d makes per call and which is compared by
 * value (it holds only its window). A module keeps its stage object while what the stage captures
 * stays (nn.Conv2d: its weight and bias Parameters), and builds a new one when it changes, so a
 * replaced Parameter, a train/eval switch of a module whose stage depends on it (BatchNorm2d builds
 * one per call), a chain cut short because a user read an intermediate, or a different module order
 * all miss and plan afresh. Input shapes do not enter: no pattern looks at them (fused ops read
 * their input's shape when they run).
 */
import { fusionSuspended, planChain, type PlanStep } from './planner.js';
import type { Padding } from '../ops/conv-geometry.js';
import type { PoolStage, Stage } from './stage.js';

/** How many stage lists one owner keeps plans for (a chain cut short by a read is a second one). */
const KEPT = 4;

interface Kept {
  readonly stages: readonly Stage[];
  readonly plan: PlanStep[];
}

let plansMade = 0;

/** @internal How many plans kept-plan memos have computed (tests: a loop of one shape plans once). */
export function keptPlansMade(): number {
  return plansMade;
}

export class KeptPlan {
  /** Most recently used first. */
  readonly #kept: Kept[] = [];

  /** planChain(stages), reused while the stages are the same (see the file comment). */
  of(stages: readonly Stage[]): PlanStep[] {
    if (fusionSuspended()) return planChain(stages);
    const kept = this.#kept;
    for (let i = 0; i < kept.length; i++) {
      const entry = kept[i]!;
      if (!sameStages(entry.stages, stages)) continue;
      if (i > 0) {
        kept.splice(i, 1);
        kept.unshift(entry);
      }
      return entry.plan;
    }
    plansMade++;
    const plan = planChain(stages);
    kept.unshift({ stages: stages.slice(), plan });
    if (kept.length > KEPT) kept.pop();
    return plan;
  }
}

function sameStages(a: readonly Stage[], b: readonly Stage[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && !(x.kind === 'pool' && y.kind === 'pool' && samePool(x, y))) return false;
  }
  return true;
}

/** Two pool stages that run the same pooling (F.maxPool2d's per-call stages of one call site). */
function samePool(a: PoolStage, b: PoolStage): boolean {
  const p = a.pool;
  const q = b.pool;
  return a.dataFormat === b.dataFormat && p.mode === q.mode && p.readBy === q.readBy && samePair(p.poolSize, q.poolSize) &&
    samePair(p.strides, q.strides) && samePadding(p.padding, q.padding);
}

function samePair(a: number | readonly [number, number] | undefined, b: number | readonly [number, number] | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  return a[0] === b[0] && a[1] === b[1];
}

function samePadding(a: Padding | undefined, b: Padding | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
