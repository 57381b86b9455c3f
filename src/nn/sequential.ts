/**
 * nn.Sequential: runs its modules in order. Children are named '0', '1', ... (state-dict keys
 * `0.weight`), or by the keys of an object: `new Sequential({ conv: ..., relu: ... })`.
 */
import { isGradEnabled } from '../autograd/grad-mode.js';
import { KeptPlan } from '../plan/kept-plan.js';
import type { Tensor } from '../tensor/tensor.js';
import { keepsNoTensors } from './keeps-no-tensors.js';
import { Module } from './module.js';

export class Sequential extends Module {
  readonly #entries: [string, Module][];
  /** The plan of the modules' stages, kept while they stay the same (plan/kept-plan.ts). */
  readonly #plan = new KeptPlan();

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    const named = modules.length === 1 && !(first instanceof Module);
    this.#entries = named ? Object.entries(first as Record<string, Module>) : (modules as Module[]).map((m, i) => [String(i), m]);
    for (const [name, m] of this.#entries) {
      if (!(m instanceof Module)) throw new Error(`Sequential: entry '${name}' is not a Module`);
    }
  }

  override namedChildren(): [string, Module][] {
    return [...this.#entries];
  }

  get length(): number {
    return this.#entries.length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const e = this.#entries.at(i);
    if (e === undefined) throw new Error(`Sequential: index ${i} is out of range for ${this.#entries.length} modules`);
    return e[1];
  }

  /**
   * Runs the modules in order; runs the planner fuses (Conv2d -> ReLU -> MaxPool2d) run as one op.
   * An intermediate between two of Fovea's own modules (or fusions of them) is reachable by no user
   * code, so it is freed as soon as it is used, or with the graph by `backward()` when a graph
   * holds it, rather than by the garbage collector.
   */
  forward(x: Tensor): Tensor {
    let h = x;
    let hPrivate = false;
    for (const step of this.#plan.of(this.#entries.map(([, m]) => m.planStage()))) {
      const modules = step.kind === 'node' ? [this.#entries[step.node]![1]] : step.nodes.map((n) => this.#entries[n]![1]);
      const next = step.kind === 'node' ? modules[0]!.forward(h) : step.fusion.run(h, this.training);
      const ownModules = modules.every(keepsNoTensors);
      if (hPrivate && ownModules && next !== h) freeIntermediate(h, next);
      hPrivate = ownModules;
      h = next;
    }
    return h;
  }
}

/**
 * Frees `h`, which `next` was computed from: now when no graph can hold it, else with the graph in
 * `backward()`. A deferred `next` (a Linear's output waiting for what might join it) still needs
 * `h`, so without a graph it is computed first: what follows inside the Sequential reads it next
 * anyway, and only a last Linear loses an epilogue it might have joined outside.
 */
function freeIntermediate(h: Tensor, next: Tensor): void {
  if (isGradEnabled()) {
    h.internal = true;
    return;
  }
  next.compute();
  h.release();
}
