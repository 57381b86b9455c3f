/**
 * See inside: draw a digit and watch the current model read it. The drawing is made MNIST-like
 * (20x20 box, centred by mass in 28x28), then the view shows the class probabilities, every
 * layer's feature maps for it, the conv layers' learned filters and, on request, the confusion
 * matrix on the test set. Works with any Sequential the Build view makes, and says when there is
 * no model, when it does not take MNIST images and when it is untrained.
 */
import { type Sequential, type Tensor, tensor } from 'fovea';
import type { LabContext } from '../lab-context.js';
import { el, replaceChildren } from '../widgets/el.js';
import { notice } from '../widgets/notice.js';
import { confusionPanel } from './inside/confusion.js';
import { drawPad } from './inside/draw-pad.js';
import { featureMapsPanel } from './inside/feature-maps.js';
import { filtersPanel } from './inside/filters.js';
import { layerOutputs } from './inside/layer-outputs.js';
import { FIELD, preprocessDigit } from './inside/mnist-preprocess.js';
import { type ModelReason, modelStatus } from './inside/model-status.js';
import { probabilityBars } from './inside/probabilities.js';

const EMPTY_TEXT = 'Draw a digit in the black square.';

/** The 28x28 image the model is given, drawn pixel for pixel (the style sheet scales it up). */
function drawField(canvas: HTMLCanvasElement, field: Float32Array | null): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const image = ctx.createImageData(FIELD, FIELD);
  for (let p = 0; p < FIELD * FIELD; p++) {
    const g = Math.round(255 * (field?.[p] ?? 0));
    image.data.set([g, g, g, 255], p * 4);
  }
  ctx.putImageData(image, 0, 0);
}

export function mount(root: HTMLElement, lab: LabContext): void {
  root.classList.add('lab-view', 'lab-inside');
  const status = notice('lab-model-status');
  const bars = probabilityBars();
  const maps = featureMapsPanel();
  const filters = filtersPanel((m) => lab.showError(m));
  const confusion = confusionPanel(lab);
  const seen = el('canvas', { width: FIELD, height: FIELD, class: 'lab-field-preview', role: 'img', 'aria-label': 'the 28x28 image the model is given' });
  let model: Sequential | null = null;
  let usable = false;

  /** The drawing as the model's input [1, 28, 28, 1], or null when nothing is drawn. */
  const input = (): Tensor | null => {
    const field = preprocessDigit(pad.ink(), pad.size, pad.size);
    drawField(seen, field);
    return field === null ? null : tensor(field, [1, FIELD, FIELD, 1]);
  };

  const predictOnly = () => {
    const x = usable ? input() : null;
    if (model === null || x === null) return;
    try {
      bars.show((model.predict(x) as Tensor).dataSync() as ArrayLike<number>);
    } catch (e) {
      status.show(`The model could not read the drawing: ${e instanceof Error ? e.message : String(e)}`, 'warn');
    }
  };

  const analyse = () => {
    const x = input();
    if (x === null) {
      delete root.dataset['analysed'];
      bars.clear(EMPTY_TEXT);
      maps.clear('');
      return;
    }
    if (model === null || !usable) return;
    try {
      const started = performance.now();
      const outputs = layerOutputs(model, x);
      bars.show(outputs[outputs.length - 1].values);
      root.dataset['analysed'] = 'pending';
      // data-analysed (layers shown) and data-analyse-ms tell tests and the curious when the maps are in.
      void maps.show(outputs).then(() => {
        root.dataset['analysed'] = String(outputs.length);
        root.dataset['analyseMs'] = String(Math.round(performance.now() - started));
      });
    } catch (e) {
      status.show(`The model could not read the drawing: ${e instanceof Error ? e.message : String(e)}`, 'warn');
    }
  };

  const pad = drawPad({ onDraw: predictOnly, onStroke: analyse });
  const clearButton = el('button', { type: 'button', 'data-action': 'clear' }, 'Clear');
  clearButton.addEventListener('click', () => {
    pad.clear();
    analyse();
  });

  const setModel = (next: Sequential | null, reason: ModelReason | null) => {
    model = next;
    const s = modelStatus(next, reason);
    usable = s.usable;
    status.show(s.text, s.kind);
    confusion.reset(usable ? next : null);
    if (next !== null && usable) filters.show(next);
    else filters.clear('Filters appear once there is a model that reads MNIST images.');
    if (usable) analyse();
    else {
      bars.clear(EMPTY_TEXT);
      maps.clear('');
    }
  };

  replaceChildren(root,
    el('h2', {}, 'See inside: what the network sees in your digit'),
    status.element,
    el('div', { class: 'lab-inside-top' },
      el('div', { class: 'lab-panel lab-draw' },
        el('h3', {}, 'Draw a digit'),
        pad.element,
        el('div', { class: 'lab-controls' }, clearButton),
        el('figure', { class: 'lab-seen' }, seen, el('figcaption', {}, 'What the model is given: your drawing fitted into 20×20, centred by mass in 28×28, as MNIST was made.'))),
      bars.element),
    maps.element,
    filters.element,
    confusion.element);
  setModel(lab.model(), null);
  lab.onModelChange((next, reason) => setModel(next, reason));
}
