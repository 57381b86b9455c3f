/**
 * The layer stack the learner is editing, owned by the shell so the model exists whichever view
 * the page opens on. Every change is saved to localStorage (a reload loses nothing) and rebuilt
 * into the current model; a model loaded from a file turns back into a stack when it can.
 */
import type { Sequential } from 'fovea';
import type { LabContext } from '../lab-context.js';
import { type LayerSpec, PRESETS } from './layer-spec.js';
import { parseStack } from './parse-stack.js';
import { specFromLayer } from './spec-from-layer.js';
import { type StackBuild, buildStack } from './stack-model.js';

export const STORAGE_KEY = 'fovea-lab.stack';

export class StackStore {
  private stack: LayerSpec[];
  private result: StackBuild;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly lab: LabContext, private readonly storage: Storage | null) {
    this.stack = this.restore();
    this.result = buildStack(this.stack);
    lab.setModel(this.result.model, 'built');
    lab.onModelChange((model, reason) => { if (reason === 'loaded' && model !== null) this.adoptLoaded(model); });
  }

  specs(): readonly LayerSpec[] {
    return this.stack;
  }

  build(): StackBuild {
    return this.result;
  }

  /** Calls `listener` after every change of the stack or its build. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Replaces the stack, saves it and rebuilds the model (a fresh, untrained one). */
  set(specs: readonly LayerSpec[]): void {
    this.stack = specs.map((s) => ({ ...s }));
    this.save();
    this.result = buildStack(this.stack);
    this.lab.setModel(this.result.model, 'built');
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** The saved stack, or the seed CNN on a first visit; a corrupt entry is reported, not used. */
  private restore(): LayerSpec[] {
    const seed = PRESETS.seed.layers.map((s) => ({ ...s }));
    let text: string | null = null;
    try {
      text = this.storage?.getItem(STORAGE_KEY) ?? null;
    } catch (e) {
      this.lab.showError(`Build: the saved layer stack could not be read (${e instanceof Error ? e.message : String(e)}); starting from the seed CNN`);
    }
    if (text === null) return seed;
    try {
      return parseStack(text);
    } catch (e) {
      this.lab.showError(`Build: the saved layer stack is not valid (${e instanceof Error ? e.message : String(e)}); starting from the seed CNN`);
      return seed;
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.stack));
    } catch (e) {
      this.lab.showError(`Build: the layer stack could not be saved in this browser (${e instanceof Error ? e.message : String(e)}); it is kept until the page closes`);
    }
  }

  /** A loaded model becomes the edited stack, keeping its trained weights as the current model. */
  private adoptLoaded(model: Sequential): void {
    try {
      this.stack = model.layers.map(specFromLayer);
    } catch (e) {
      this.lab.showError(`Build: the loaded model is in use, but its layers cannot be shown for editing: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.save();
    this.result = { model, fitted: model.layers, failure: null };
    this.notify();
  }
}
