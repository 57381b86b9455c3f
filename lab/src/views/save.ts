/**
 * Save: download the model (TF.js format), keep it in IndexedDB and load it back, load uploaded
 * model files, export ONNX. Every failure is shown with its cause and the current model stays.
 */
import type { Sequential } from 'fovea';
import { el, messageOf, withThousands } from '../dom.js';
import type { LabContext } from '../lab-context.js';
import { downloadModel, downloadOnnx, restoreModel, storeModel, uploadedModel } from '../save/model-files.js';

const kb = (bytes: number) => `${withThousands(bytes / 1024)} KB`;

export function mount(root: HTMLElement, lab: LabContext): void {
  const name = el('input', { id: 'save-name', type: 'text', value: 'lab-model', 'aria-label': 'Model name', spellcheck: false });
  const note = el('p', { id: 'save-note', class: 'status', role: 'status' });
  const current = el('p', { class: 'current-model' });
  const upload = el('input', { id: 'save-upload', type: 'file', multiple: true, accept: '.json,.bin,application/json,application/octet-stream' });

  const describe = (model: Sequential | null, reason: string) => {
    current.textContent = model === null
      ? 'No model: the layer stack does not fit (see Build).'
      : `Current model: ${model.layers.length} layers, ${withThousands(model.countParams())} parameters (${reason}).`;
  };
  lab.onModelChange((model, reason) => describe(model, reason));
  describe(lab.model(), 'built');

  /** Runs one action on the current model, reporting success in the note and failure as an error. */
  const act = (what: string, run: (model: Sequential) => Promise<string> | string) => () => {
    const model = lab.model();
    if (model === null) return lab.showError(`Save: cannot ${what}: the layer stack does not fit, so there is no model`);
    note.textContent = `${what}…`;
    void Promise.resolve().then(() => run(model)).then((text) => { note.textContent = text; }, (e: unknown) => {
      note.textContent = '';
      lab.showError(`Save: could not ${what}: ${messageOf(e)}`);
    });
  };
  /** Loads a model; on success it replaces the current one, on failure the current one stays. */
  const load = (what: string, get: () => Promise<Sequential>) => {
    note.textContent = `${what}…`;
    get().then((model) => {
      lab.setModel(model, 'loaded');
      note.textContent = `Loaded ${what.replace(/^load /, '')}: ${withThousands(model.countParams())} parameters.`;
    }, (e: unknown) => {
      note.textContent = '';
      lab.showError(`Save: could not ${what}; the current model stays. ${messageOf(e)}`);
    });
  };

  upload.addEventListener('change', () => load('load the uploaded files', () => uploadedModel([...(upload.files ?? [])])));

  root.append(
    el('h2', {}, 'Save and load'),
    current,
    el('div', { class: 'toolbar' }, el('label', {}, el('span', {}, 'name'), name)),
    el('div', { class: 'cards' },
      el('div', { class: 'card' }, el('h3', {}, 'Download'), el('p', {}, 'TensorFlow.js layers format: NAME.json and NAME.weights.bin, readable by tf.loadLayersModel and by Fovea.'),
        el('button', { id: 'save-download', onclick: act('download the model', async (m) => { const r = await downloadModel(m, name.value); return `Downloaded ${r.locations.join(' and ')} (${kb(r.weightDataBytes)} of weights).`; }) }, 'Download model'),
        el('button', { id: 'save-onnx', onclick: act('export ONNX', (m) => `Downloaded ${name.value}.onnx (${kb(downloadOnnx(m, name.value))}).`) }, 'Export ONNX')),
      el('div', { class: 'card' }, el('h3', {}, 'This browser'), el('p', {}, 'IndexedDB keeps the model in this browser, across reloads, under its name.'),
        el('button', { id: 'save-idb', onclick: act('save to IndexedDB', async (m) => { await storeModel(m, name.value); return `Saved as indexeddb://${name.value} at ${new Date().toLocaleTimeString()}.`; }) }, 'Save to IndexedDB'),
        el('button', { id: 'load-idb', onclick: () => load(`load indexeddb://${name.value}`, () => restoreModel(name.value)) }, 'Load from IndexedDB')),
      el('div', { class: 'card' }, el('h3', {}, 'Upload'), el('p', {}, 'A model.json and its weights file(s), as Download or TensorFlow.js writes them.'), upload)),
    note);
}
