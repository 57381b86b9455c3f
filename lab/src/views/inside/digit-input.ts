/**
 * The drawing panel: the pad, a Clear button and, beside it, the 28x28 image the model is given
 * (the drawing after MNIST's preprocessing, drawn pixel for pixel and scaled up by the style
 * sheet). `digit()` is that image as a [1, 28, 28, 1] tensor, or null when nothing is drawn.
 */
import { type Tensor, tensor } from 'fovea';
import { el } from '../../widgets/el.js';
import { drawPad } from './draw-pad.js';
import { FIELD, preprocessDigit } from './mnist-preprocess.js';

export interface DigitInput {
  element: HTMLElement;
  digit(): Tensor | null;
}

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

/** `onDraw` runs while a stroke is drawn (once per frame), `onChange` when one ends or on Clear. */
export function digitInput(onDraw: () => void, onChange: () => void): DigitInput {
  const pad = drawPad({ onDraw, onStroke: onChange });
  const seen = el('canvas', { width: FIELD, height: FIELD, class: 'lab-field-preview', role: 'img', 'aria-label': 'the 28x28 image the model is given' });
  const clear = el('button', { type: 'button', 'data-action': 'clear' }, 'Clear');
  clear.addEventListener('click', () => {
    pad.clear();
    onChange();
  });
  const element = el('div', { class: 'lab-panel lab-draw' },
    el('h3', {}, 'Draw a digit'),
    pad.element,
    el('div', { class: 'lab-controls' }, clear),
    el('figure', { class: 'lab-seen' }, seen, el('figcaption', {}, 'What the model is given: your drawing fitted into 20×20, centred by mass in 28×28, as MNIST was made.')));
  return {
    element,
    digit() {
      const field = preprocessDigit(pad.ink(), pad.size, pad.size);
      drawField(seen, field);
      return field === null ? null : tensor(field, [1, FIELD, FIELD, 1]);
    },
  };
}
