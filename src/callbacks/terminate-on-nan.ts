/**
 * TerminateOnNaN: stops `fit` after the batch whose running loss is NaN or infinite (Keras 3).
 * Example: `fit(x, y, { callbacks: [new TerminateOnNaN()] })`.
 */
import { Callback } from './callback.js';
import type { Logs } from './callback.js';

export class TerminateOnNaN extends Callback {
  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      if (this.model !== null) this.model.stopTraining = true;
    }
  }
}
