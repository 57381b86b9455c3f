/**
 * SwapEMAWeights: evaluates (fit's validation, predict) with the optimizer's moving averages of
 * the weights instead of the raw weights, swapping them in before and back after (Keras 3). With
 * `swapOnEpoch`, the averages are also in the model at every epoch end, so callbacks after this
 * one (ModelCheckpoint) save the EMA weights; training continues on the raw weights. Needs an
 * optimizer made with `useEma: true`.
 *
 * Example:
 *   model.compile({ optimizer: new SGD({ learningRate: 0.1, useEma: true }), loss: 'mse' });
 *   await model.fit(x, y, { callbacks: [new SwapEMAWeights({ swapOnEpoch: true }), checkpoint] });
 */
import { noGrad } from '../autograd/grad-mode.js';
import type { MovingAverages } from '../optimizers/ema.js';
import { Tensor } from '../tensor/tensor.js';
import { Callback } from './callback.js';
import type { Logs } from './callback.js';
import { optimizerOf, trainingModel } from './model-access.js';

const WHO = 'SwapEMAWeights';

export class SwapEMAWeights extends Callback {
  readonly swapOnEpoch: boolean;
  /** True while the model holds the averages. */
  emaWeightsInModel = false;

  constructor(options: { swapOnEpoch?: boolean } = {}) {
    super();
    this.swapOnEpoch = options.swapOnEpoch ?? false;
  }

  private averages(): MovingAverages {
    const ema = optimizerOf(this, WHO).ema;
    if (ema === null) throw new Error(`${WHO}: the optimizer keeps no moving averages; create it with useEma: true`);
    return ema;
  }

  /** Exchanges each trainable weight's values with its average's (no copy: storage is swapped). */
  private swap(): void {
    const averages = this.averages().entries();
    noGrad(() => {
      for (const w of trainingModel(this, WHO).trainableWeights) {
        const avg = averages.get(w);
        if (avg === undefined) continue;
        const raw = new Tensor(w.storage!, w.shape, w.dtype);
        w.assign(avg);
        avg.assign(raw);
        // avg holds the storage now; this view of it was only for the exchange.
        raw.release();
      }
    });
    this.emaWeightsInModel = !this.emaWeightsInModel;
  }

  private swapIn(): void {
    if (!this.emaWeightsInModel) this.swap();
  }

  private swapOut(): void {
    if (this.emaWeightsInModel) this.swap();
  }

  override onEpochBegin(_epoch: number, _logs?: Logs): void {
    if (this.swapOnEpoch) this.swapOut();
  }

  override onEpochEnd(epoch: number, _logs?: Logs): void {
    if (!this.swapOnEpoch) return;
    this.swapIn();
    // After the last epoch fit replaces the weights by the averages (finalizeVariableValues); the
    // averages now hold the raw weights, so give them the EMA values back first.
    if (epoch === (this.params?.epochs ?? 0) - 1) {
      const averages = this.averages().entries();
      for (const w of trainingModel(this, WHO).trainableWeights) averages.get(w)?.assign(w);
    }
  }

  override onTestBegin(_logs?: Logs): void { this.swapIn(); }
  override onTestEnd(_logs?: Logs): void { this.swapOut(); }
  override onPredictBegin(_logs?: Logs): void { this.swapIn(); }
  override onPredictEnd(_logs?: Logs): void { this.swapOut(); }
}
