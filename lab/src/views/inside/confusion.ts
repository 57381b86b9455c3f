/**
 * The confusion matrix of the current model on the MNIST test set. Prediction runs a batch at a
 * time with a yield to the page between batches, so the page stays responsive and shows
 * progress; a new model (or a new press) abandons the run in progress.
 */
import { type Sequential, type Tensor, argmax, slice, viz } from 'fovea';
import type { LabContext } from '../../lab-context.js';
import { el, replaceChildren } from '../../widgets/el.js';
import { svgElement } from '../../widgets/svg-figure.js';

const BATCH = 250;

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Predicted classes of `images` ([N, 28, 28, 1]), or null when `stillWanted` turned false. */
async function predictClasses(model: Sequential, images: Tensor, progress: (done: number) => void, stillWanted: () => boolean): Promise<Int32Array | null> {
  const n = images.shape[0];
  const predicted = new Int32Array(n);
  for (let start = 0; start < n; start += BATCH) {
    const size = Math.min(BATCH, n - start);
    const y = model.predict(slice(images, [start], [size])) as Tensor;
    predicted.set(Int32Array.from(argmax(y, 1).dataSync() as ArrayLike<number>), start);
    progress(start + size);
    await nextTask();
    if (!stillWanted()) return null;
  }
  return predicted;
}

export interface ConfusionPanel {
  element: HTMLElement;
  /** Forgets the matrix shown (the model changed) and enables the button when there is a model. */
  reset(model: Sequential | null): void;
}

export function confusionPanel(lab: LabContext): ConfusionPanel {
  const button = el('button', { type: 'button', 'data-action': 'confusion' }, 'Compute on the test set');
  const progress = el('progress', { max: 1, value: 0, hidden: true });
  const status = el('span', { class: 'lab-note', role: 'status' });
  const figure = el('div', { class: 'lab-confusion', 'data-result': 'confusion' });
  const element = el('div', { class: 'lab-panel lab-confusion-panel' },
    el('h3', {}, 'Confusion matrix'),
    el('p', { class: 'lab-note' }, 'Rows are the true digits, columns what the model answered; the diagonal holds the correct answers.'),
    el('div', { class: 'lab-controls' }, button, progress, status), figure);
  let run = 0;
  let current: Sequential | null = null;

  async function compute(): Promise<void> {
    const model = current;
    if (model === null) return;
    const mine = ++run;
    const wanted = () => mine === run && current === model;
    button.disabled = true;
    status.textContent = 'Loading the test set…';
    try {
      const { testImages, testLabels } = await lab.mnist();
      const n = testImages.shape[0];
      [progress.max, progress.value, progress.hidden] = [n, 0, false];
      const started = performance.now();
      const predicted = await predictClasses(model, testImages, (done) => {
        progress.value = done;
        status.textContent = `${done.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} images`;
      }, wanted);
      if (predicted === null) return;
      const labels = testLabels.dataSync() as ArrayLike<number>;
      const matrix = viz.confusionMatrix(labels, predicted, 10);
      const svg = await viz.confusionPicture(matrix);
      if (!wanted()) return;
      replaceChildren(figure, svgElement(svg, 'confusion matrix on the test set'));
      figure.dataset['total'] = String(n);
      status.textContent = `${n.toLocaleString('en-US')} test images in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    } catch (e) {
      status.textContent = '';
      lab.showError(`Confusion matrix: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (mine === run) {
        button.disabled = current === null;
        progress.hidden = true;
      }
    }
  }

  button.addEventListener('click', () => void compute());
  return {
    element,
    reset(model) {
      current = model;
      run++;
      button.disabled = model === null;
      progress.hidden = true;
      status.textContent = '';
      figure.replaceChildren();
      delete figure.dataset['total'];
    },
  };
}
