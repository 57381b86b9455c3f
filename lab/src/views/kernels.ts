/**
 * Kernels: a classic 3x3 filter (Sobel, Laplacian, blur, sharpen, emboss, line detectors) or one
 * the learner types, applied to a bundled or uploaded photo with fovea's applyKernel (the same
 * conv2d a Conv2D layer runs), original and result side by side.
 */
import { KERNELS, applyKernel, image } from 'fovea';
import type { LabContext } from '../lab-context.js';
import { el, replaceChildren } from '../widgets/el.js';
import { notice } from '../widgets/notice.js';
import { type FoveaImage, ImageDecodeError, decodeImage, drawImage } from './kernels/decode-image.js';
import { formatKernel, parseKernel } from './kernels/parse-kernel.js';
import { PHOTOS } from './kernels/photos.js';

type KernelName = image.KernelName;
type OutputMode = image.OutputMode;

const CUSTOM = 'custom';
const OUTPUT_TEXT: Record<OutputMode, string> = {
  clip: 'responses clipped to 0..255',
  abs: '|response| clipped to 0..255 (edges respond with both signs)',
  normalize: 'responses stretched to 0..255',
};

/** How a typed kernel's responses become pixels: detectors (weights summing to 0) show |response|. */
function customOutput(weights: number[][]): OutputMode {
  return Math.abs(weights.flat().reduce((a, b) => a + b, 0)) < 1e-6 ? 'abs' : 'clip';
}

export function mount(root: HTMLElement, _lab: LabContext): void {
  root.classList.add('lab-view', 'lab-kernels');
  let photo: FoveaImage | null = null;
  const message = notice();

  const photoSelect = el('select', { 'data-control': 'photo' }, ...PHOTOS.map((p) => el('option', { value: p.id }, p.title)), el('option', { value: 'upload', disabled: true }, 'Your photo'));
  const upload = el('input', { type: 'file', accept: 'image/*', 'data-control': 'upload' });
  const kernelSelect = el('select', { 'data-control': 'kernel' },
    ...(Object.keys(KERNELS) as KernelName[]).map((name) => el('option', { value: name, selected: name === 'sobel-x', title: KERNELS[name].description }, name)),
    el('option', { value: CUSTOM }, 'typed below'));
  const kernelText = el('textarea', { rows: 3, cols: 18, spellcheck: 'false', 'data-control': 'kernel-text', 'aria-label': '3x3 kernel, 9 numbers row by row' });
  const original = el('canvas', { class: 'lab-photo', 'data-image': 'original', role: 'img', 'aria-label': 'the photo' });
  const result = el('canvas', { class: 'lab-photo', 'data-image': 'result', role: 'img', 'aria-label': 'the filtered photo' });
  const originalCaption = el('figcaption');
  const resultCaption = el('figcaption');

  function apply(): void {
    if (photo === null) return;
    const named = kernelSelect.value !== CUSTOM ? KERNELS[kernelSelect.value as KernelName] : null;
    const parsed = named !== null ? { ok: true as const, weights: named.weights } : parseKernel(kernelText.value);
    if (!parsed.ok) {
      message.show(parsed.message, 'error');
      return;
    }
    const output = named?.output ?? customOutput(parsed.weights);
    try {
      const filtered = applyKernel(photo, parsed.weights, { output });
      drawImage(result, filtered);
      result.dataset['kernel'] = named?.name ?? CUSTOM;
      resultCaption.textContent = `${named === null ? 'Your kernel' : `${named.name}: ${named.description}`}; ${OUTPUT_TEXT[output]}`;
      message.clear();
    } catch (e) {
      message.show(`Could not apply the kernel: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }

  /** Shows the photo `load` gives and filters it; false (and a message) when it does not load. */
  async function usePhoto(load: () => Promise<FoveaImage>, credit: string): Promise<boolean> {
    try {
      const img = await load();
      photo = img;
      drawImage(original, img);
      originalCaption.textContent = `${credit} (${img.width}×${img.height})`;
      apply();
      return true;
    } catch (e) {
      // A bad upload keeps the photo already shown, so nothing the learner had is lost.
      const text = e instanceof ImageDecodeError ? e.message : `Could not load the photo: ${e instanceof Error ? e.message : String(e)}`;
      message.show(text, 'error');
      return false;
    }
  }

  function loadBundled(id: string): Promise<boolean> {
    const p = PHOTOS.find((q) => q.id === id) ?? PHOTOS[0];
    return usePhoto(async () => {
      const response = await fetch(p.url);
      if (!response.ok) throw new Error(`${p.url.href} answered HTTP ${response.status}`);
      return decodeImage(await response.blob(), p.title);
    }, p.credit);
  }

  photoSelect.addEventListener('change', () => void loadBundled(photoSelect.value));
  upload.addEventListener('change', () => {
    const file = upload.files?.[0];
    if (file === undefined) return;
    void usePhoto(() => decodeImage(file, file.name), `Your photo "${file.name}"`).then((loaded) => {
      if (loaded) photoSelect.value = 'upload';
    });
  });
  kernelSelect.addEventListener('change', () => {
    if (kernelSelect.value !== CUSTOM) kernelText.value = formatKernel(KERNELS[kernelSelect.value as KernelName].weights);
    apply();
  });
  kernelText.addEventListener('input', () => {
    kernelSelect.value = CUSTOM;
    apply();
  });
  kernelText.value = formatKernel(KERNELS['sobel-x'].weights);

  replaceChildren(root,
    el('h2', {}, 'Kernels: what a 3×3 filter does to a photo'),
    el('p', { class: 'lab-intro' }, 'A conv layer learns kernels like these. Each output pixel is the sum of the 3×3 pixels around it times the kernel\'s weights, for each colour channel.'),
    el('div', { class: 'lab-controls' },
      el('label', { class: 'lab-field' }, 'Photo ', photoSelect),
      el('label', { class: 'lab-field' }, 'or upload ', upload),
      el('label', { class: 'lab-field' }, 'Kernel ', kernelSelect),
      el('label', { class: 'lab-field lab-kernel-text' }, '3×3 weights ', kernelText)),
    message.element,
    el('div', { class: 'lab-photos' },
      el('figure', {}, original, originalCaption),
      el('figure', {}, result, resultCaption)));
  void loadBundled(PHOTOS[0].id);
}
