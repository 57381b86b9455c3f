/**
 * ProgbarLogger: the per-epoch progress bar `fit` shows when verbose > 0, in Keras' format:
 *   Epoch 1/5
 *   312/938 [=========>....................] - ETA: 29s - loss: 0.3012 - accuracy: 0.9105 - 6617 samples/s
 *   938/938 [==============================] - 45s 48ms/step - loss: 0.1234 - accuracy: 0.9612 - val_loss: ...
 * verbose 1 draws with the default renderer (see progress-renderer.ts); verbose 2 prints only
 * the summary line of each epoch; verbose 0 prints nothing.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import { formatEta, formatLogs, formatPerUnit, formatRate, progressBar } from './progress-format.js';
import { createDefaultProgressRenderer, LineProgressRenderer } from './progress-renderer.js';
import type { ProgressRenderer } from './progress-renderer.js';

export interface ProgbarLoggerOptions {
  /** Count progress in batches (default) or in samples (needs `params.samples`). */
  countMode?: 'steps' | 'samples';
  /** Draw here instead of the default renderer. */
  renderer?: ProgressRenderer;
  /** Milliseconds clock, for tests; defaults to performance.now(). */
  now?: () => number;
}

export class ProgbarLogger extends Callback {
  readonly countMode: 'steps' | 'samples';
  private readonly given: ProgressRenderer | null;
  private renderer: ProgressRenderer | null = null;
  private readonly now: () => number;
  private epochStart = 0;
  private current = 0;
  private samplesSeen = 0;

  constructor(options: ProgbarLoggerOptions = {}) {
    super();
    const mode = options.countMode ?? 'steps';
    if (mode !== 'steps' && mode !== 'samples') throw new Error(`ProgbarLogger: countMode must be 'steps' or 'samples', got ${JSON.stringify(mode)}`);
    this.countMode = mode;
    this.given = options.renderer ?? null;
    this.now = options.now ?? (() => globalThis.performance.now());
  }

  override onTrainBegin(_logs?: Logs): void {
    const verbose = this.params?.verbose ?? 1;
    this.renderer = null;
    if (verbose === 0) return;
    if (this.countMode === 'samples' && this.params?.samples === undefined) {
      throw new Error("ProgbarLogger: countMode 'samples' needs params.samples, which this fit did not set");
    }
    this.renderer = this.given ?? (verbose === 2 ? new LineProgressRenderer() : createDefaultProgressRenderer());
  }

  override onEpochBegin(epoch: number, _logs?: Logs): void {
    if (!this.active()) return;
    const epochs = this.params?.epochs ?? 1;
    this.epochStart = this.now();
    this.current = 0;
    this.samplesSeen = 0;
    // Keras labels epochs only when there is more than one.
    this.renderer?.start(this.total(), epochs > 1 ? `Epoch ${epoch + 1}/${epochs}` : '');
  }

  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    if (!this.active()) return;
    this.samplesSeen = this.samplesAfter(batch, logs);
    this.current = this.countMode === 'samples' ? this.samplesSeen : batch + 1;
    const elapsed = (this.now() - this.epochStart) / 1000;
    const eta = this.current > 0 ? (elapsed / this.current) * (this.total() - this.current) : 0;
    const rate = elapsed > 0 ? this.throughput(elapsed) : '';
    this.renderer?.update(this.current, `- ETA: ${formatEta(eta)}${formatLogs(logs)}${rate}`);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (!this.active()) return;
    const elapsed = (this.now() - this.epochStart) / 1000;
    const total = this.total();
    const unit = this.countMode === 'samples' ? 'sample' : 'step';
    const perUnit = formatPerUnit(this.current > 0 ? elapsed / this.current : 0, unit);
    this.renderer?.stop(`${total}/${total} ${progressBar(total, total)} - ${Math.round(elapsed)}s ${perUnit}${formatLogs(logs)}`);
  }

  private active(): boolean {
    return this.renderer !== null && (this.params?.verbose ?? 1) !== 0;
  }

  private total(): number {
    return (this.countMode === 'samples' ? this.params?.samples : this.params?.steps) ?? 0;
  }

  /**
   * Samples processed after batch `batch`: from logs.size when fit reports it, else assuming
   * full batches of ceil(samples / steps) and a shorter last one.
   */
  private samplesAfter(batch: number, logs?: Logs): number {
    if (logs?.size !== undefined) return this.samplesSeen + logs.size;
    const samples = this.params?.samples;
    const steps = this.params?.steps ?? 0;
    if (samples === undefined || steps === 0) return 0;
    return Math.min(samples, (batch + 1) * Math.ceil(samples / steps));
  }

  private throughput(elapsed: number): string {
    if (this.samplesSeen > 0) return ` - ${formatRate(this.samplesSeen / elapsed, 'samples')}`;
    return ` - ${formatRate(this.current / elapsed, 'steps')}`;
  }
}
