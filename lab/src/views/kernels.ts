/**
 * Kernels: a classic 3x3 filter (Sobel, Laplacian, blur, sharpen, emboss, line detectors) or one
 * the learner types, applied to a bundled or uploaded photo with fovea's applyKernel (the same
 * conv2d a Conv2D layer runs), original and result side by side.
 */
import { applyKernel, image } from 'fovea';
import type { LabContext } from '../lab-context.js';
import { el, replaceChildren } from '../widgets/el.js';
import { notice } from '../widgets/notice.js';
import { type FoveaImage, drawImage } from './kernels/decode-image.js';
import { kernelPicker } from './kernels/kernel-picker.js';
import { photoPicker } from './kernels/photo-picker.js';

const OUTPUT_TEXT: Record<image.OutputMode, string> = {
  clip: 'responses clipped to 0..255',
  abs: '|response| clipped to 0..255 (edges respond with both signs)',
  normalize: 'responses stretched to 0..255',
};

export function mount(root: HTMLElement, _lab: LabContext): void {
  root.classList.add('lab-view', 'lab-kernels');
  let photo: FoveaImage | null = null;
  const message = notice();
  const original = el('canvas', { class: 'lab-photo', 'data-image': 'original', role: 'img', 'aria-label': 'the photo' });
  const result = el('canvas', { class: 'lab-photo', 'data-image': 'result', role: 'img', 'aria-label': 'the filtered photo' });
  const originalCaption = el('figcaption');
  const resultCaption = el('figcaption');

  const apply = () => {
    const kernel = kernels.current();
    if (!kernel.ok) {
      message.show(kernel.message, 'error');
      return;
    }
    if (photo === null) return;
    try {
      drawImage(result, applyKernel(photo, kernel.weights, { output: kernel.output }));
      result.dataset['kernel'] = kernel.name;
      resultCaption.textContent = `${kernel.name}: ${kernel.description}; ${OUTPUT_TEXT[kernel.output]}`;
      message.clear();
    } catch (e) {
      message.show(`Could not apply the kernel: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };
  const kernels = kernelPicker('sobel-x', apply);
  const photos = photoPicker((img, credit) => {
    photo = img;
    drawImage(original, img);
    originalCaption.textContent = `${credit} (${img.width}×${img.height})`;
    apply();
  }, (text) => message.show(text, 'error'));

  replaceChildren(root,
    el('h2', {}, 'Kernels: what a 3×3 filter does to a photo'),
    el('p', { class: 'lab-intro' }, 'A conv layer learns kernels like these. Each output pixel is the sum of the 3×3 pixels around it times the kernel\'s weights, for each colour channel.'),
    el('div', { class: 'lab-controls' }, ...photos.elements),
    el('div', { class: 'lab-controls' }, ...kernels.elements),
    message.element,
    el('div', { class: 'lab-photos' },
      el('figure', {}, original, originalCaption),
      el('figure', {}, result, resultCaption)));
  void photos.start();
}
