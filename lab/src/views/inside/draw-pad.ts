/**
 * A canvas to draw a digit on with a mouse, a pen or a finger (pointer events): white strokes on
 * black, as MNIST's digits are. `ink()` reads the drawing back as intensities 0..1. Touch does
 * not scroll the page while drawing (touch-action: none in the style sheet, and pointer capture).
 */
import { el } from '../../widgets/el.js';

export interface DrawPad {
  element: HTMLCanvasElement;
  /** The drawing as intensities 0..1, row-major, `size` x `size`. */
  ink(): Float32Array;
  clear(): void;
  readonly size: number;
}

export interface DrawPadEvents {
  /** While the pointer moves with a button down (at most once per frame). */
  onDraw(): void;
  /** When a stroke ends. */
  onStroke(): void;
}

export function drawPad(events: DrawPadEvents, size = 280): DrawPad {
  const canvas = el('canvas', { width: size, height: size, class: 'lab-draw-pad', 'aria-label': 'draw a digit here', role: 'img' });
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('drawPad: this browser gives no 2D canvas context');
  const ctx = context;
  let last: [number, number] | null = null;
  let framePending = false;

  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size, size);
  };
  // Canvas pixels, whatever size the page lays the canvas out at.
  const point = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * size) / r.width, ((e.clientY - r.top) * size) / r.height];
  };
  const line = (to: [number, number]) => {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = size / 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...(last ?? to));
    ctx.lineTo(...to);
    ctx.stroke();
    last = to;
  };

  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = null;
    line(point(e));
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (last === null) return;
    line(point(e));
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(() => {
        framePending = false;
        events.onDraw();
      });
    }
  });
  const end = () => {
    if (last === null) return;
    last = null;
    events.onStroke();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  clear();

  return {
    element: canvas,
    size,
    clear,
    ink() {
      const rgba = ctx.getImageData(0, 0, size, size).data;
      const out = new Float32Array(size * size);
      for (let p = 0; p < out.length; p++) out[p] = rgba[p * 4] / 255;
      return out;
    },
  };
}
