/**
 * Save: download the model (TF.js format), keep it in IndexedDB and load it back, load uploaded
 * model files, export ONNX. Every failure is shown with its cause and the current model stays.
 */
import type { Sequential } from 'fovea';
import { el, messageOf, withThousands } from '../dom.js';
import type { LabContext } from '../lab-context.js';
import { downloadModel, downloadOnnx, restoreModel, storeModel, uploadedModel } from '../save/model-files.js';

const kb = (bytes: number) => `${withThousands(bytes / 1024)} KB`;

/** Runs actions on the current model and loads new ones, reporting in the note or the error area. */
class SaveActions {
  readonly note = el('p', { id: 'save-note', class: 'status', role: 'status' });

  constructor(private readonly lab: LabContext) {}

  /** A click handler running `run` on the current model; its text goes to the note. */
  onModel(what: string, run: (model: Sequential) => Promise<string> | string): () => void {
    return () => {
      const model = this.lab.model();
      if (model === null) return this.lab.showError(`Save: cannot ${what}: the layer stack does not fit, so there is no model`);
      this.note.textContent = `${what}…`;
      void Promise.resolve().then(() => run(model)).then((text) => { this.note.textContent = text; }, (e: unknown) => {
        this.note.textContent = '';
        this.lab.showError(`Save: could not ${what}: ${messageOf(e)}`);
      });
    };
  }

  /** Loads a model; on success it replaces the current one, on failure the current one stays. */
  load(what: string, get: () => Promise<Sequential>): void {
    this.note.textContent = `${what}…`;
    get().then((model) => {
      this.lab.setModel(model, 'loaded');
      this.note.textContent = `Loaded ${what.replace(/^load /, '')}: ${withThousands(model.countParams())} parameters.`;
    }, (e: unknown) => {
      this.note.textContent = '';
      this.lab.showError(`Save: could not ${what}; the current model stays. ${messageOf(e)}`);
    });
  }
}

function card(title: string, text: string, ...controls: HTMLElement[]): HTMLElement {
  return el('div', { class: 'card' }, el('h3', {}, title), el('p', {}, text), ...controls);
}

function currentModelLine(lab: LabContext): HTMLElement {
  const line = el('p', { class: 'current-model' });
  const describe = (model: Sequential | null, reason: string) => {
    line.textContent = model === null
      ? 'No model: the layer stack does not fit (see Build).'
      : `Current model: ${model.layers.length} layers, ${withThousands(model.countParams())} parameters (${reason}).`;
  };
  lab.onModelChange(describe);
  describe(lab.model(), 'built');
  return line;
}

export function mount(root: HTMLElement, lab: LabContext): void {
  const name = el('input', { id: 'save-name', type: 'text', value: 'lab-model', 'aria-label': 'Model name', spellcheck: false });
  const upload = el('input', { id: 'save-upload', type: 'file', multiple: true, accept: '.json,.bin,application/json,application/octet-stream' });
  const actions = new SaveActions(lab);
  upload.addEventListener('change', () => actions.load('load the uploaded files', () => uploadedModel([...(upload.files ?? [])])));
  const download = actions.onModel('download the model', async (m) => {
    const r = await downloadModel(m, name.value);
    return `Downloaded ${r.locations.join(' and ')} (${kb(r.weightDataBytes)} of weights).`;
  });
  const onnx = actions.onModel('export ONNX', async (m) => `Downloaded ${name.value}.onnx (${kb(await downloadOnnx(m, name.value))}).`);
  const store = actions.onModel('save to IndexedDB', async (m) => {
    await storeModel(m, name.value);
    return `Saved as indexeddb://${name.value} at ${new Date().toLocaleTimeString()}.`;
  });
  root.append(
    el('h2', {}, 'Save and load'),
    currentModelLine(lab),
    el('div', { class: 'toolbar' }, el('label', {}, el('span', {}, 'name'), name)),
    el('div', { class: 'cards' },
      card('Download', 'TensorFlow.js layers format: NAME.json and NAME.weights.bin, readable by tf.loadLayersModel and by Fovea.',
        el('button', { id: 'save-download', onclick: download }, 'Download model'), el('button', { id: 'save-onnx', onclick: onnx }, 'Export ONNX')),
      card('This browser', 'IndexedDB keeps the model in this browser, across reloads, under its name.',
        el('button', { id: 'save-idb', onclick: store }, 'Save to IndexedDB'),
        el('button', { id: 'load-idb', onclick: () => actions.load(`load indexeddb://${name.value}`, () => restoreModel(name.value)) }, 'Load from IndexedDB')),
      card('Upload', 'A model.json and its weights file(s), as Download or TensorFlow.js writes them.', upload)),
    actions.note);
}
