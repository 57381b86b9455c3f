/**
 * One press of Train: compile the current model, fit it on the chosen MNIST subset with a callback
 * that records the curves, measures samples/s (paused time excluded), yields to the page and waits
 * while paused; then the test accuracy on all test images.
 */
import { LambdaCallback, type Logs, type Sequential } from 'fovea';
import type { LabMnist } from '../lab-context.js';
import type { Curves } from './live-chart.js';
import type { PauseGate } from './pause-gate.js';
import { trainData } from './train-data.js';

export type OptimizerChoice = 'adam' | 'rmsprop' | 'sgd';

export interface TrainSettings {
  subset: number;
  optimizer: OptimizerChoice;
  epochs: number;
  batchSize: number;
}

export interface Progress {
  epoch: number;
  batch: number;
  stepsPerEpoch: number;
  samplesPerSec: number;
  curves: Curves;
}

export interface TrainResult {
  testLoss: number;
  testAccuracy: number;
  testImages: number;
  samplesPerSec: number;
  seconds: number;
}

function progressCallback(settings: TrainSettings, samples: number, gate: PauseGate, onProgress: (p: Progress) => void) {
  const stepsPerEpoch = Math.ceil(samples / settings.batchSize);
  const curves: Curves = { loss: [], accuracy: [] };
  const started = performance.now();
  let seen = 0;
  let epoch = 0;
  const speed = () => seen / Math.max(1e-3, (performance.now() - started - gate.pausedMs()) / 1000);
  const callback = new LambdaCallback({
    onEpochBegin: (e) => { epoch = e; },
    onTrainBatchEnd: async (batch: number, logs?: Logs) => {
      seen += (logs?.['size'] as number | undefined) ?? settings.batchSize;
      const x = epoch + (batch + 1) / stepsPerEpoch;
      curves.loss.push({ epoch: x, value: logs?.['loss'] as number, series: 'training' });
      curves.accuracy.push({ epoch: x, value: logs?.['accuracy'] as number, series: 'training' });
      onProgress({ epoch, batch, stepsPerEpoch, samplesPerSec: speed(), curves });
      await gate.wait();
    },
    onEpochEnd: (e: number, logs?: Logs) => {
      curves.loss.push({ epoch: e + 1, value: logs?.['val_loss'] as number, series: 'validation' });
      curves.accuracy.push({ epoch: e + 1, value: logs?.['val_accuracy'] as number, series: 'validation' });
      onProgress({ epoch: e, batch: stepsPerEpoch - 1, stepsPerEpoch, samplesPerSec: speed(), curves });
    },
  });
  return { callback, speed, started };
}

/** Trains `model` in place and evaluates it on the test set. */
export async function runTraining(model: Sequential, mnist: LabMnist, settings: TrainSettings, gate: PauseGate, onProgress: (p: Progress) => void): Promise<TrainResult> {
  const data = trainData(mnist, settings.subset);
  model.compile({ optimizer: settings.optimizer, loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const run = progressCallback(settings, data.x.shape[0], gate, onProgress);
  await model.fit(data.x, data.y, { epochs: settings.epochs, batchSize: settings.batchSize, validationData: [data.valX, data.valY], callbacks: [run.callback], verbose: 0 });
  const samplesPerSec = run.speed();
  const seconds = (performance.now() - run.started - gate.pausedMs()) / 1000;
  const [testLoss, testAccuracy] = await model.evaluateAsync(mnist.testImages, mnist.testLabels, { batchSize: 256, verbose: 0 });
  return { testLoss, testAccuracy, testImages: mnist.testImages.shape[0], samplesPerSec, seconds };
}
