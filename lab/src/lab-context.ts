/**
 * What every Lab view is given: the model the learner is building or has trained, the MNIST data,
 * the backend status and a place to show errors. Views import Fovea's public API ('fovea') for
 * everything else and never reach into each other; the shell (main.ts) owns this object.
 *
 * A view is a module exporting `mount(root, lab)`: it renders into `root` once and keeps itself
 * current through `lab.onModelChange`.
 */
import type { Sequential, Tensor } from 'fovea';

/** MNIST as the Lab serves it (IDX files beside the app), images [N, 28, 28, 1] in [0, 1]. */
export interface LabMnist {
  trainImages: Tensor;
  trainLabels: Tensor;
  testImages: Tensor;
  testLabels: Tensor;
}

export interface LabContext {
  /** The current model (built, possibly trained), or null while the layer stack does not fit. */
  model(): Sequential | null;
  /** Replaces the current model (a new build, a trained one, one loaded from a file) and tells every view. */
  setModel(model: Sequential | null, reason: 'built' | 'trained' | 'loaded'): void;
  /** Calls `listener` after every setModel; returns a function that unsubscribes. */
  onModelChange(listener: (model: Sequential | null, reason: 'built' | 'trained' | 'loaded') => void): () => void;
  /** MNIST, fetched and parsed once per page (the first call starts it). */
  mnist(): Promise<LabMnist>;
  /** The backend in use and why (e.g. "wasm, 2 threads" or "ref: page not cross-origin isolated"). */
  backendStatus(): string;
  /** Shows a clear message in the page (bad file, shapes that do not fit); never throws. */
  showError(message: string): void;
  /**
   * Shows a short note about work in progress in the status line beside the backend (e.g.
   * "training: 2,310 samples/s"); null clears it. Added by the shell for the Train view.
   */
  showProgress(note: string | null): void;
}

/** The signature every view module exports. */
export type MountView = (root: HTMLElement, lab: LabContext) => void;
