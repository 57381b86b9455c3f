/**
 * See inside: draw a digit and watch the current model read it. The drawing is made MNIST-like
 * (20x20 box, centred by mass in 28x28), then the view shows the class probabilities, every
 * layer's feature maps for it, the conv layers' learned filters and, on request, the confusion
 * matrix on the test set. Works with any Sequential the Build view makes, and says when there is
 * no model, when it does not take MNIST images and when it is untrained.
 */
import type { Sequential, Tensor } from 'fovea';
import type { LabContext } from '../lab-context.js';
import { el, replaceChildren } from '../widgets/el.js';
import { notice } from '../widgets/notice.js';
import { confusionPanel } from './inside/confusion.js';
import { digitInput } from './inside/digit-input.js';
import { featureMapsPanel } from './inside/feature-maps.js';
import { filtersPanel } from './inside/filters.js';
import { layerOutputs } from './inside/layer-outputs.js';
import { type ModelReason, modelStatus } from './inside/model-status.js';
import { probabilityBars } from './inside/probabilities.js';

const EMPTY_TEXT = 'Draw a digit in the black square.';

export function mount(root: HTMLElement, lab: LabContext): void {
  root.classList.add('lab-view', 'lab-inside');
  const status = notice('lab-model-status');
  const bars = probabilityBars();
  const maps = featureMapsPanel();
  const filters = filtersPanel((m) => lab.showError(m));
  const confusion = confusionPanel(lab);
  let model: Sequential | null = null;
  let usable = false;
  const failed = (e: unknown) => status.show(`The model could not read the drawing: ${e instanceof Error ? e.message : String(e)}`, 'warn');

  /** While drawing: the probabilities only, which one predict gives. */
  const predictOnly = () => {
    const x = usable ? drawing.digit() : null;
    if (model === null || x === null) return;
    try {
      bars.show((model.predict(x) as Tensor).dataSync() as ArrayLike<number>);
    } catch (e) {
      failed(e);
    }
  };

  /** After a stroke: every layer's output, the last one as the probabilities. */
  const analyse = () => {
    const x = drawing.digit();
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
      failed(e);
    }
  };
  const drawing = digitInput(predictOnly, analyse);

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
    el('div', { class: 'lab-inside-top' }, drawing.element, bars.element),
    maps.element,
    filters.element,
    confusion.element);
  setModel(lab.model(), null);
  lab.onModelChange((next, reason) => setModel(next, reason));
}
