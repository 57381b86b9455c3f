/**
 * Pause and resume for a running `fit`: the training callback awaits `wait()` after each batch,
 * which is an already-settled promise while running and a pending one while paused. Paused time
 * is counted so samples/s measures training, not the learner's coffee break.
 */
export class PauseGate {
  private pending: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private pausedAt = 0;
  private pausedTotal = 0;

  get paused(): boolean {
    return this.pending !== null;
  }

  pause(): void {
    if (this.pending !== null) return;
    this.pausedAt = performance.now();
    this.pending = new Promise((resolve) => (this.release = resolve));
  }

  resume(): void {
    if (this.release === null) return;
    this.pausedTotal += performance.now() - this.pausedAt;
    this.release();
    this.pending = null;
    this.release = null;
  }

  /** Resolves at once while running, at `resume()` while paused. */
  wait(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  /** Milliseconds spent paused so far. */
  pausedMs(): number {
    return this.pausedTotal + (this.pending === null ? 0 : performance.now() - this.pausedAt);
  }
}
